"""Compares each Lambda function's IAM policy in the packaged template with what that function needs.

Needs = the AWS calls its code made in the test session (tests/support/aws_calls.py) + what Lambda itself does with
the function's role (poll its SQS event source, write its logs). Every need must be allowed; every
(action, resource) the policy grants must be needed. Problems come back as sentences saying what to change.
"""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass
from typing import Any, Mapping

from infra.template import Stack, Unresolvable
from support.aws_calls import ACCOUNT_WIDE, UNKNOWN, Permission

# Lambda's event source mapping polls an SQS queue with the function's own role.
SQS_POLLING = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")
LOG_WRITING = ("logs:CreateLogStream", "logs:PutLogEvents")


@dataclass(frozen=True)
class Function:
    name: str  # Chalice's name: api_handler, on_sqs_message, ...
    logical_id: str
    role: str
    policy_file: str


LEADING_KEYS = "dynamodb:LeadingKeys"
# The one condition this audit evaluates: every partition key value the call touches matches one of the patterns.
LEADING_KEYS_CONDITION = "ForAllValues:StringLike"


def _like(value: str, pattern: str) -> bool:
    """IAM's StringLike: * any run of characters, ? one character, nothing else special."""
    return fnmatch.fnmatchcase(value, pattern.replace("[", "[[]"))


@dataclass(frozen=True)
class Grant:
    sid: str
    action: str
    resource: str  # resolved ARN pattern (may hold * and ?)
    leading_key: str | None = None  # a dynamodb:LeadingKeys pattern; None: any key (no condition)

    def allows(self, need: Permission) -> bool:
        return (
            _like(need.action.lower(), self.action.lower())
            and _like(need.resource, self.resource)
            and (self.leading_key is None or _like(need.leading_key, self.leading_key))
        )


def functions(template: Mapping[str, Any], config: Mapping[str, Any]) -> list[Function]:
    """The Lambda functions of a packaged Chalice template, with their role and policy file."""
    found = []
    per_function = config.get("lambda_functions", {})
    for logical_id, resource in template["Resources"].items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        properties = resource["Properties"]
        handler = properties["Handler"]  # module.function, e.g. chalicelib.http.organisers.organiser_token
        name = "api_handler" if handler == "app.app" else handler.rsplit(".", 1)[1]
        policy_file = per_function.get(name, {}).get("iam_policy_file", "<none>")
        found.append(Function(name, logical_id, properties["Role"]["Fn::GetAtt"][0], f".chalice/{policy_file}"))
    return found


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _leading_key_patterns(statement: Mapping[str, Any]) -> list[str] | None:
    """The statement's dynamodb:LeadingKeys patterns; None without a condition; raises ValueError for any other."""
    condition = statement.get("Condition")
    if condition is None:
        return None
    if set(condition) != {LEADING_KEYS_CONDITION} or set(condition[LEADING_KEYS_CONDITION]) != {LEADING_KEYS}:
        raise ValueError(f"only {LEADING_KEYS_CONDITION} on {LEADING_KEYS} can be checked (found {condition})")
    return _as_list(condition[LEADING_KEYS_CONDITION][LEADING_KEYS])


def grants(template: Mapping[str, Any], function: Function, stack: Stack) -> tuple[list[Grant], list[str]]:
    """Every (action, resource, leading key pattern) the function's role allows, and the statements this audit
    cannot vouch for."""
    found, problems = [], []
    for policy in template["Resources"][function.role]["Properties"].get("Policies", []):
        for statement in _as_list(policy["PolicyDocument"]["Statement"]):
            sid = statement.get("Sid", "<no Sid>")
            odd = sorted(set(statement) - {"Sid", "Effect", "Action", "Resource", "Condition"})
            try:
                patterns = _leading_key_patterns(statement)
            except ValueError as exc:
                odd, patterns = [str(exc)], None
            if statement.get("Effect") != "Allow" or odd:
                problems.append(
                    f"{function.policy_file} statement {sid}: only Allow statements with Action and "
                    f"Resource can be checked (found {odd or statement.get('Effect')})"
                )
                continue
            for action in _as_list(statement["Action"]):
                if "*" in action:
                    problems.append(f"{function.policy_file} statement {sid} grants {action}: name each operation")
                if action.startswith("dynamodb:") and patterns is None:
                    problems.append(
                        f"{function.policy_file} statement {sid} grants {action} on every item: limit it to the "
                        f"key prefixes the function owns with a {LEADING_KEYS_CONDITION} {LEADING_KEYS} condition"
                    )
                for resource in _as_list(stack.resolve(statement["Resource"])):
                    if resource == "*" and action in ACCOUNT_WIDE:
                        pass  # IAM has no resource for it: "*" is the only way to allow it
                    elif resource == "*" or "*" in "".join(resource.split(":", 5)[:5]):
                        problems.append(
                            f"{function.policy_file} statement {sid} grants {action} on {resource}: name the resource"
                        )
                    found += [Grant(sid, action, resource, pattern) for pattern in (patterns or [None])]
    return found, problems


def lambda_needs(template: Mapping[str, Any], function: Function, stack: Stack) -> dict[Permission, str]:
    """What Lambda does with the function's role: poll its SQS event sources, keep events it could not handle
    in its dead-letter queue, write to its log group."""
    globals_ = template.get("Globals", {}).get("Function", {})
    properties = {**globals_, **template["Resources"][function.logical_id]["Properties"]}
    needs = {}
    for name, event in properties.get("Events", {}).items():
        if event["Type"] == "SQS":
            queue = stack.resolve(event["Properties"]["Queue"])
            needs.update({Permission(a, queue): f"its SQS event source {name}" for a in SQS_POLLING})
    dead_letters = properties.get("DeadLetterQueue")
    if dead_letters and dead_letters["Type"] == "SQS":
        needs[Permission("sqs:SendMessage", stack.resolve(dead_letters["TargetArn"]))] = "keeping failed invocations"
    log_group = properties.get("LoggingConfig", {}).get("LogGroup")
    if log_group is None:
        raise AssertionError(f"{function.logical_id} has no LoggingConfig.LogGroup (infra/template.yaml Globals)")
    stream = stack.get_att(log_group["Ref"], "Arn").removesuffix("*") + "log-stream:2026/01/01/[$LATEST]0"
    needs.update({Permission(a, stream): "writing its logs" for a in LOG_WRITING})
    return needs


def suggestion(need: Permission, stack: Stack) -> str:
    """The statement to paste into the policy file, naming the resource through the template."""
    resource: Any = need.resource
    for logical_id in stack.resources:
        try:
            arn = stack.get_att(logical_id, "Arn")
        except Unresolvable:
            continue
        if need.resource == arn:
            resource = {"Fn::GetAtt": [logical_id, "Arn"]}
        elif need.resource.startswith(arn + "/"):
            resource = {"Fn::Sub": f"${{{logical_id}.Arn}}{need.resource[len(arn) :]}"}
    statement: dict[str, Any] = {"Effect": "Allow", "Action": [need.action], "Resource": resource}
    if need.leading_key:
        statement["Condition"] = {LEADING_KEYS_CONDITION: {LEADING_KEYS: [key_pattern(need.leading_key)]}}
    return json.dumps(statement)


def key_pattern(leading_key: str) -> str:
    """A LeadingKeys pattern for a partition key value: its first part as it is, every later part any value
    ("LETTER#0f3c…" -> "LETTER#*", "GUARD#camp#target#hash" -> "GUARD#*#*#*")."""
    first, *rest = leading_key.split("#")
    return "#".join([first, *("*" for _ in rest)])


def audit(
    function: Function,
    needs: Mapping[Permission, str],
    granted: list[Grant],
    stack: Stack,
    *,
    check_unused: bool = True,
) -> list[str]:
    """Problems with one function's policy: needs it does not allow, and (optionally) grants nothing needs."""
    problems = []
    for need, why in sorted(needs.items()):
        if need.resource == UNKNOWN:
            problems.append(
                f"{function.name} calls {need.action} ({why}), whose resource tests/support/aws_calls.py cannot "
                f"name: add its service to RESOURCES there"
            )
        elif not any(grant.allows(need) for grant in granted):
            key = f" on key {key_pattern(need.leading_key)}" if need.leading_key else ""
            problem = (
                f"{function.name} needs {need.action} on {need.resource}{key} ({why}) but {function.policy_file}"
                f" does not allow it. Add: {suggestion(need, stack)}"
            )
            if problem.split(" (", 1)[0] not in {p.split(" (", 1)[0] for p in problems}:  # once per key pattern
                problems.append(problem)
    if check_unused:
        for grant in granted:
            if not any(grant.allows(need) for need in needs):
                key = f" for keys {grant.leading_key}" if grant.leading_key is not None else ""
                problems.append(
                    f"{function.policy_file} statement {grant.sid} grants {grant.action} on "
                    f"{grant.resource}{key}, which no test flow of {function.name} uses: remove it, or add "
                    f"the test whose flow needs it"
                )
    return problems
