"""Records which AWS calls each Lambda function's code makes during the test session, as IAM names them.

A botocore handler, added to botocore's built-in handlers so that every session and client gets it (moto's
too), sees each call before it is sent. The call belongs to the Lambda function whose entry point is on the
Python stack: any route view is `api_handler`; an event handler (`@app.on_sqs_message`, `@app.schedule`, ...)
is the function of its own name. Calls made by fixtures and tests outside any handler are not the app's.
tests/deploy/test_iam_policy.py compares what was recorded with each function's IAM policy.
"""

from __future__ import annotations

import inspect
import re
import sys
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from types import CodeType
from typing import Any, Callable, Iterator
from urllib.parse import urlparse

import pytest

ACCOUNT = "123456789012"  # moto's account: the one every ARN in the tests lives in
UNKNOWN = "<unknown resource>"


@dataclass(frozen=True, order=True)
class Permission:
    action: str  # "dynamodb:PutItem"
    resource: str  # an ARN
    leading_key: str = ""  # DynamoDB: the partition key value the call touches (IAM's dynamodb:LeadingKeys)


def _arn(service: str, region: str, resource: str, account: str = ACCOUNT) -> str:
    return f"arn:aws:{service}:{region}:{account}:{resource}"


def _dynamodb(params: dict[str, Any], region: str) -> Iterator[str]:
    tables = [params["TableName"]] if "TableName" in params else list(params.get("RequestItems", {}))
    tables += [next(iter(item.values()))["TableName"] for item in params.get("TransactItems", [])]
    for table in tables:
        index = f"/index/{params['IndexName']}" if "IndexName" in params else ""
        yield _arn("dynamodb", region, f"table/{table}{index}")


def _sqs(params: dict[str, Any], region: str) -> Iterator[str]:
    if "QueueUrl" in params:  # https://sqs.<region>.amazonaws.com/<account>/<name> (or moto's server URL)
        account, name = urlparse(params["QueueUrl"]).path.strip("/").split("/")[-2:]
        yield _arn("sqs", region, name, account)
    elif "QueueName" in params:
        yield _arn("sqs", region, params["QueueName"], params.get("QueueOwnerAWSAccountId", ACCOUNT))


def _ses(params: dict[str, Any], region: str) -> Iterator[str]:
    sender = params.get("FromEmailAddress") or params.get("Source")
    if sender:  # SES authorises the sending identity: the domain (we never verify single addresses)
        yield _arn("ses", region, f"identity/{parseaddr(sender)[1].rpartition('@')[2].lower()}")
    if params.get("ConfigurationSetName"):
        yield _arn("ses", region, f"configuration-set/{params['ConfigurationSetName']}")


def _sns(params: dict[str, Any], region: str) -> Iterator[str]:
    for key in ("TopicArn", "TargetArn"):
        if key in params:
            yield params[key]


def _s3(params: dict[str, Any], region: str) -> Iterator[str]:
    if "Bucket" in params:  # S3 ARNs have no region or account: arn:aws:s3:::bucket/key
        yield f"arn:aws:s3:::{params['Bucket']}" + (f"/{params['Key']}" if "Key" in params else "")


def _secretsmanager(params: dict[str, Any], region: str) -> Iterator[str]:
    secret = params.get("SecretId", "")
    if secret.startswith("arn:"):
        yield secret
    elif secret:  # by name: the ARN ends in "-" and 6 random characters, which policies match with "-??????"
        yield _arn("secretsmanager", region, f"secret:{secret}-??????")


# How to name the resources of a call, per IAM service prefix. A service missing here is reported as such.
RESOURCES: dict[str, Callable[[dict[str, Any], str], Iterator[str]]] = {
    "dynamodb": _dynamodb,
    "sqs": _sqs,
    "ses": _ses,
    "sns": _sns,
    "s3": _s3,
    "secretsmanager": _secretsmanager,
}


# Operations IAM authorises under another action's name (SQS's batch calls: "SendMessageBatch" is sqs:SendMessage;
# each step of an S3 multipart upload is s3:PutObject).
IAM_ACTION = {
    "sqs:SendMessageBatch": "sqs:SendMessage",
    "sqs:DeleteMessageBatch": "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibilityBatch": "sqs:ChangeMessageVisibility",
    "s3:CreateMultipartUpload": "s3:PutObject",
    "s3:UploadPart": "s3:PutObject",
    "s3:CompleteMultipartUpload": "s3:PutObject",
}
# Actions IAM knows no resource for: a policy can only allow them on "*" (SES v2 GetAccount reads account-wide
# sending limits). policy_audit.py accepts "*" for exactly these.
ACCOUNT_WIDE = frozenset({"ses:GetAccount"})


# IAM has no action for a transaction: it authorises each item's own action (DynamoDB developer guide, "Using
# IAM with DynamoDB transactions"): Put is dynamodb:PutItem, ConditionCheck is dynamodb:ConditionCheckItem, ...
TRANSACT_ITEM_ACTION = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
    "Get": "dynamodb:GetItem",
}


def permissions_for(prefix: str, operation: str, params: dict[str, Any], region: str) -> list[Permission]:
    """What IAM checks for one API call: `prefix:Operation` on each resource it names (for DynamoDB, on each
    partition key value it touches: a policy's dynamodb:LeadingKeys condition is judged on those)."""
    if prefix == "dynamodb" and operation in ("TransactWriteItems", "TransactGetItems"):
        return sorted(
            {
                Permission(
                    TRANSACT_ITEM_ACTION[kind],
                    _arn("dynamodb", region, f"table/{spec['TableName']}"),
                    _value((spec.get("Key") or spec.get("Item") or {}).get(TABLE_HASH_KEY)),
                )
                for item in params.get("TransactItems", [])
                for kind, spec in item.items()
            }
        )
    action = IAM_ACTION.get(f"{prefix}:{operation}", f"{prefix}:{operation}")
    if action in ACCOUNT_WIDE:
        return [Permission(action, "*")]
    namer = RESOURCES.get(prefix)
    resources = list(namer(params, region)) if namer else []
    keys = leading_keys(operation, params) if prefix == "dynamodb" else [""]
    found = [Permission(action, resource, key) for resource in resources or [UNKNOWN] for key in keys or [""]]
    return list(dict.fromkeys(found))


# --- DynamoDB's leading keys ---------------------------------------------------------------------------------
TABLE_HASH_KEY = "pk"


def _index_hash_keys() -> dict[str, str]:
    """Each index's partition key attribute, from the table in infra/template.yaml."""
    from infra.template import load_template

    table = load_template()["Resources"]["LettersTable"]["Properties"]
    return {
        index["IndexName"]: next(k["AttributeName"] for k in index["KeySchema"] if k["KeyType"] == "HASH")
        for index in table.get("GlobalSecondaryIndexes", [])
    }


_INDEX_HASH_KEYS: dict[str, str] = {}


def _value(value: Any) -> str:
    """A key value as boto3's resource layer (a str) or the client (`{"S": ...}`) passes it."""
    if isinstance(value, dict) and len(value) == 1:
        value = next(iter(value.values()))
    return "" if value is None else str(value)


def _equalities(condition: Any, params: dict[str, Any]) -> dict[str, str]:
    """attribute -> value of each `attribute = value` in a KeyConditionExpression (boto3 Key() or text)."""
    if isinstance(condition, str):
        names, values = params.get("ExpressionAttributeNames", {}), params.get("ExpressionAttributeValues", {})
        found = {}
        for name, placeholder in re.findall(r"(#?\w+)\s*=\s*(:\w+)", condition):
            found[names.get(name, name)] = _value(values.get(placeholder))
        return found
    expression = condition.get_expression()
    if expression["operator"] == "=":
        attribute, value = expression["values"]
        return {attribute.name: _value(value)}
    if expression["operator"] == "AND":
        return {k: v for part in expression["values"] for k, v in _equalities(part, params).items()}
    return {}


def leading_keys(operation: str, params: dict[str, Any]) -> list[str]:
    """The partition key values a DynamoDB call touches (empty for a Scan: nothing to condition on)."""
    if operation == "Query":
        if not _INDEX_HASH_KEYS:
            _INDEX_HASH_KEYS.update(_index_hash_keys())
        attribute = _INDEX_HASH_KEYS[params["IndexName"]] if "IndexName" in params else TABLE_HASH_KEY
        return [_equalities(params.get("KeyConditionExpression", ""), params).get(attribute, "")]
    if operation in ("GetItem", "DeleteItem", "UpdateItem"):
        return [_value(params["Key"].get(TABLE_HASH_KEY))]
    if operation == "PutItem":
        return [_value(params["Item"].get(TABLE_HASH_KEY))]
    if operation == "BatchGetItem":
        return [_value(k.get(TABLE_HASH_KEY)) for spec in params["RequestItems"].values() for k in spec["Keys"]]
    if operation == "BatchWriteItem":
        return [
            _value(
                (request.get("PutRequest", {}).get("Item") or request.get("DeleteRequest", {}).get("Key"))[
                    TABLE_HASH_KEY
                ]
            )
            for requests in params["RequestItems"].values()
            for request in requests
        ]
    return []


def entry_points(app: Any) -> dict[CodeType, str]:
    """Code object of each handler in a Chalice app -> the Lambda function that runs it."""
    routes = {route.view_name for methods in app.routes.values() for route in methods.values()}
    entries = {}
    for name, handler in app.handler_map.items():
        function = inspect.unwrap(getattr(handler, "func", handler))
        entries[function.__code__] = "api_handler" if name in routes else name
    return entries


class AwsCallRecorder:
    """Pytest plugin: the session's AWS calls per Lambda function, and whether the whole suite ran."""

    def __init__(self, tests_dir: Path) -> None:
        self.tests_dir = tests_dir
        self.calls: dict[str, dict[Permission, str]] = defaultdict(dict)  # permission -> first test that needed it
        self._current_test = ""
        self._entries: dict[CodeType, str] = {}
        self._entries_of: tuple[int, int] = (0, 0)
        self.collected_files: set[Path] = set()
        self.deselected = 0
        self.failed: list[str] = []
        self._captures: list[dict[str, set[Permission]]] = []

    def install(self) -> None:
        from botocore.handlers import BUILTIN_HANDLERS

        BUILTIN_HANDLERS.append(("provide-client-params", self._on_call))

    # --- recording -------------------------------------------------------------------------------------
    def _on_call(self, params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        function = self._running_function()
        if function is None:
            return
        prefix = model.service_model.signing_name
        for permission in permissions_for(prefix, model.name, params, context.get("client_region") or "us-east-1"):
            self.calls[function].setdefault(permission, self._current_test)
            for capture in self._captures:
                capture.setdefault(function, set()).add(permission)

    @contextmanager
    def capture(self) -> Iterator[dict[str, set[Permission]]]:
        """Also collect, into the dict yielded, the calls made inside this block (for testing the recorder)."""
        seen: dict[str, set[Permission]] = {}
        self._captures.append(seen)
        try:
            yield seen
        finally:
            self._captures.remove(seen)

    def _running_function(self) -> str | None:
        app_module = sys.modules.get("app")
        app = getattr(app_module, "app", None)
        if app is None:
            return None
        key = (id(app), len(app.handler_map))
        if key != self._entries_of:
            self._entries, self._entries_of = entry_points(app), key
        frame = sys._getframe(2)
        while frame is not None:
            function = self._entries.get(frame.f_code)
            if function is not None:
                return function
            frame = frame.f_back
        return None

    # --- the session -----------------------------------------------------------------------------------
    def whole_suite_problem(self) -> str | None:
        """Why this session cannot show that a permission is unused (None: every test file ran, all passed)."""
        missing = sorted(p.name for p in self.tests_dir.rglob("test_*.py") if p not in self.collected_files)
        if missing:
            return f"only part of the suite ran (not {', '.join(missing)}): run the whole suite"
        if self.deselected:
            return f"{self.deselected} tests were deselected: run the whole suite"
        if self.failed:
            return f"{len(self.failed)} tests failed, so their flows may not have run: fix them first"
        return None

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        self.collected_files = {Path(item.path) for item in items}
        audits = [item for item in items if item.get_closest_marker("audit")]
        items[:] = [item for item in items if not item.get_closest_marker("audit")] + audits

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        self.deselected += len(items)

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        self._current_test = item.nodeid

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed:
            self.failed.append(report.nodeid)
