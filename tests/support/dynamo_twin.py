"""An in-memory twin of a boto3 DynamoDB Table resource, for simulations too long for moto (thousands of calls).

It offers only what Démarche's storage classes call, and refuses anything else loudly (NotImplementedError),
so it cannot quietly differ from DynamoDB on a feature it does not know. Keys and indexes come from the
same infra/template.yaml table that localdev creates (`letters_twin`); numbers come back as Decimal; failed conditions raise the
same botocore ClientError. tests/storage/test_dynamo_twin.py runs the same operations on moto and on the twin and
requires identical results.
"""

from __future__ import annotations

import copy
import re
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, Callable, Iterator

_TOKEN = re.compile(r"\s*(#\w+|:\w+|<>|<=|>=|[=<>(),]|[A-Za-z_][\w]*)")
KEYWORDS = {"AND", "OR", "NOT", "BETWEEN", "SET", "ADD", "REMOVE"}
_MISSING = object()


def _tokens(text: str) -> list[str]:
    pos, out = 0, []
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match:
            if text[pos:].strip():
                raise NotImplementedError(f"twin cannot parse {text[pos:]!r} in {text!r}")
            break
        out.append(match.group(1))
        pos = match.end()
    return out


def _number(value: Any) -> Any:
    """Python values as the boto3 resource returns them (numbers as Decimal)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    if isinstance(value, list):
        return [_number(v) for v in value]
    if isinstance(value, dict):
        return {k: _number(v) for k, v in value.items()}
    return value


class _Expr:
    """Compiles one condition or update expression, with its placeholders, into functions of an item."""

    def __init__(self, text: str, names: dict[str, str] | None, values: dict[str, Any] | None) -> None:
        self.tokens, self.pos = _tokens(text), 0
        self.names, self.values = names or {}, {k: _number(v) for k, v in (values or {}).items()}

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token.upper() != expected):
            raise NotImplementedError(f"twin expected {expected!r}, found {token!r} in {' '.join(self.tokens)}")
        self.pos += 1
        return token

    def path(self) -> str:
        token = self.take()
        if token.startswith("#"):
            return self.names[token]
        if token.startswith(":") or token.upper() in KEYWORDS:
            raise NotImplementedError(f"twin expected an attribute, found {token!r}")
        return token

    def operand(self) -> Callable[[dict[str, Any]], Any]:
        token = self.peek()
        if token is not None and token.startswith(":"):
            self.take()
            value = self.values[token]
            return lambda item: value
        if token == "list_append":
            self.take(), self.take("(")
            first = self.operand()
            self.take(",")
            second = self.operand()
            self.take(")")
            return lambda item: list(first(item)) + list(second(item))
        if token == "if_not_exists":
            self.take(), self.take("(")
            name = self.path()
            self.take(",")
            default = self.operand()
            self.take(")")
            return lambda item: item[name] if name in item else default(item)
        name = self.path()
        return lambda item: item.get(name, _MISSING)

    # conditions: OR > AND > NOT > comparison / function
    def condition(self) -> Callable[[dict[str, Any]], bool]:
        parts = [self.conjunction()]
        while (self.peek() or "").upper() == "OR":
            self.take()
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else lambda item: any(part(item) for part in parts)

    def conjunction(self) -> Callable[[dict[str, Any]], bool]:
        parts = [self.unary()]
        while (self.peek() or "").upper() == "AND":
            self.take()
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else lambda item: all(part(item) for part in parts)

    def unary(self) -> Callable[[dict[str, Any]], bool]:
        token = self.peek()
        if (token or "").upper() == "NOT":
            self.take()
            inner = self.unary()
            return lambda item: not inner(item)
        if token == "(":
            self.take()
            inner = self.condition()
            self.take(")")
            return inner
        if token in ("attribute_exists", "attribute_not_exists", "begins_with"):
            self.take(), self.take("(")
            name = self.path()
            if token == "begins_with":
                self.take(",")
                prefix = self.operand()
                self.take(")")
                return lambda item: isinstance(item.get(name), str) and item[name].startswith(prefix(item))
            self.take(")")
            wanted = token == "attribute_exists"
            return lambda item: (name in item) == wanted
        left = self.operand()
        op = self.take()
        if op.upper() == "BETWEEN":
            low = self.operand()
            self.take("AND")
            high = self.operand()
            return lambda item: _compare(left(item), ">=", low(item)) and _compare(left(item), "<=", high(item))
        right = self.operand()
        return lambda item: _compare(left(item), op, right(item))


def _condition(text: str, names: dict | None, values: dict | None) -> Callable[[dict[str, Any]], bool]:
    expr = _Expr(text, names, values)
    compiled = expr.condition()
    if expr.peek() is not None:
        raise NotImplementedError(f"twin cannot parse the end of {text!r}")
    return compiled


def _compare(left: Any, op: str, right: Any) -> bool:
    if left is _MISSING or right is _MISSING:
        return False
    if op == "=":
        return left == right
    if op == "<>":
        return left != right
    if type(left) is not type(right) or not isinstance(left, (str, Decimal)):
        return False  # DynamoDB orders only numbers with numbers and strings with strings
    return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[op]


def _update(item: dict[str, Any], text: str, names: dict | None, values: dict | None) -> dict[str, Any]:
    expr, old, new = _Expr(text, names, values), item, copy.deepcopy(item)
    while expr.peek() is not None:
        clause = expr.take().upper()
        while True:
            name = expr.path()
            if clause == "SET":
                expr.take("=")
                value = expr.operand()(old)
                if value is _MISSING:
                    raise NotImplementedError("twin: SET from a missing attribute")
                new[name] = value
            elif clause == "ADD":
                value = expr.operand()(old)
                new[name] = old.get(name, Decimal(0)) + value
            elif clause == "REMOVE":
                new.pop(name, None)
            else:
                raise NotImplementedError(f"twin: update clause {clause}")
            if expr.peek() != ",":
                break
            expr.take(",")
    return new


class _Items(dict):
    """The twin's items by key, and by the value of each hash key (the table's and its indexes'), so a Query reads
    only the items of its partition, as DynamoDB does: soaks of thousands of letters stay fast."""

    def __init__(self, hash_keys: list[str]) -> None:
        super().__init__()
        self._by: dict[str, dict[Any, dict[tuple, dict[str, Any]]]] = {name: {} for name in hash_keys}

    def _unlink(self, key: tuple) -> None:
        old = dict.get(self, key)
        if old is not None:
            for name, buckets in self._by.items():
                if name in old:
                    buckets.get(old[name], {}).pop(key, None)

    def __setitem__(self, key: tuple, item: dict[str, Any]) -> None:
        self._unlink(key)
        dict.__setitem__(self, key, item)
        for name, buckets in self._by.items():
            if name in item:
                buckets.setdefault(item[name], {})[key] = item

    def pop(self, key: tuple, default: Any = None) -> Any:
        self._unlink(key)
        return dict.pop(self, key, default)

    def with_value(self, name: str, value: Any) -> list[dict[str, Any]]:
        return list(self._by[name].get(value, {}).values())


def _equal_to(condition: Any, name: str) -> Any:
    """The value a key condition requires attribute `name` to equal (a Query always names its hash key's)."""
    from boto3.dynamodb.conditions import And, Equals

    if isinstance(condition, Equals) and getattr(condition._values[0], "name", None) == name:
        return condition._values[1]
    if isinstance(condition, And):
        for part in condition._values:
            value = _equal_to(part, name)
            if value is not _MISSING:
                return value
    return _MISSING


class TwinTable:
    def __init__(self, spec: dict[str, Any], name: str = "demarche") -> None:
        self.name = name
        keys = {k["KeyType"]: k["AttributeName"] for k in spec["KeySchema"]}
        self._hash, self._range = keys["HASH"], keys.get("RANGE")
        self._indexes = {i["IndexName"]: i for i in spec.get("GlobalSecondaryIndexes", [])}
        hash_keys = [self._hash] + [
            k["AttributeName"] for i in self._indexes.values() for k in i["KeySchema"] if k["KeyType"] == "HASH"
        ]
        self._items: _Items = _Items(hash_keys)

    def _key(self, key: dict[str, Any]) -> tuple:
        return (key[self._hash], key.get(self._range) if self._range else None)

    def _check(
        self,
        operation: str,
        current: dict[str, Any] | None,
        condition: str | None,
        names: dict | None,
        values: dict | None,
        return_old: str | None,
    ) -> None:
        if condition is None or _condition(condition, names, values)(current or {}):
            return
        from boto3.dynamodb.types import TypeSerializer
        from botocore.exceptions import ClientError

        response: dict[str, Any] = {
            "Error": {"Code": "ConditionalCheckFailedException", "Message": "The conditional request failed"}
        }
        if return_old == "ALL_OLD" and current is not None:
            serializer = TypeSerializer()
            response["Item"] = {k: serializer.serialize(v) for k, v in current.items()}
        raise ClientError(response, operation)

    def get_item(
        self,
        Key: dict,
        ConsistentRead: bool = False,
        ProjectionExpression: str | None = None,  # noqa: N803
        ExpressionAttributeNames: dict | None = None,
    ) -> dict[str, Any]:  # - boto3's names
        item = self._items.get(self._key(Key))
        if item is None:
            return {}
        if ProjectionExpression is not None:  # top-level attributes only: all Démarche projects
            names = ExpressionAttributeNames or {}
            wanted = {names.get(token.strip(), token.strip()) for token in ProjectionExpression.split(",")}
            item = {k: v for k, v in item.items() if k in wanted}
        return {"Item": copy.deepcopy(item)}

    @property
    def meta(self) -> "_TwinMeta":
        """As `table.meta.client` on a boto3 Table: the calls that span items (transactions)."""
        return _TwinMeta(_TwinClient(self))

    def put_item(
        self,
        Item: dict,
        ConditionExpression: str | None = None,  # noqa: N803
        ExpressionAttributeNames: dict | None = None,
        ExpressionAttributeValues: dict | None = None,
        ReturnValuesOnConditionCheckFailure: str | None = None,
    ) -> dict[str, Any]:
        key = self._key(Item)
        self._check(
            "PutItem",
            self._items.get(key),
            ConditionExpression,
            ExpressionAttributeNames,
            ExpressionAttributeValues,
            ReturnValuesOnConditionCheckFailure,
        )
        self._items[key] = _number(copy.deepcopy(Item))
        return {}

    def update_item(
        self,
        Key: dict,
        UpdateExpression: str,
        ConditionExpression: str | None = None,  # noqa: N803
        ExpressionAttributeNames: dict | None = None,
        ExpressionAttributeValues: dict | None = None,
        ReturnValuesOnConditionCheckFailure: str | None = None,
    ) -> dict[str, Any]:
        key = self._key(Key)
        current = self._items.get(key)
        self._check(
            "UpdateItem",
            current,
            ConditionExpression,
            ExpressionAttributeNames,
            ExpressionAttributeValues,
            ReturnValuesOnConditionCheckFailure,
        )
        base = current if current is not None else _number(dict(Key))
        self._items[key] = _update(base, UpdateExpression, ExpressionAttributeNames, ExpressionAttributeValues)
        return {}

    def delete_item(
        self,
        Key: dict,
        ConditionExpression: str | None = None,  # noqa: N803
        ExpressionAttributeNames: dict | None = None,
        ExpressionAttributeValues: dict | None = None,
    ) -> dict[str, Any]:
        key = self._key(Key)
        self._check(
            "DeleteItem",
            self._items.get(key),
            ConditionExpression,
            ExpressionAttributeNames,
            ExpressionAttributeValues,
            None,
        )
        self._items.pop(key, None)
        return {}

    def query(
        self,
        KeyConditionExpression: Any,
        IndexName: str | None = None,
        Limit: int | None = None,  # noqa: N803
        ConsistentRead: bool = False,
        ScanIndexForward: bool = True,
        ExclusiveStartKey: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        from boto3.dynamodb.conditions import ConditionExpressionBuilder

        built = ConditionExpressionBuilder().build_expression(KeyConditionExpression, is_key_condition=True)
        index = None
        if IndexName is None:
            hash_name, range_name = self._hash, self._range
        else:
            if ConsistentRead:
                raise NotImplementedError("DynamoDB refuses consistent reads on a global secondary index")
            index = self._indexes[IndexName]
            keys = {k["KeyType"]: k["AttributeName"] for k in index["KeySchema"]}
            hash_name, range_name = keys["HASH"], keys.get("RANGE")

        matches = _condition(
            built.condition_expression, built.attribute_name_placeholders, built.attribute_value_placeholders
        )
        wanted = _equal_to(KeyConditionExpression, hash_name)  # a cheap first look, before the full condition
        if wanted is _MISSING:
            raise NotImplementedError("twin: a Query must name its hash key with Key(...).eq(...)")
        found = [
            item
            for item in self._items.with_value(hash_name, wanted)
            if (range_name is None or range_name in item) and matches(item)
        ]

        def order(item: dict[str, Any]) -> tuple:  # an index's ties fall in the table's key order
            return (item[range_name] if range_name else "", self._key(item))

        found.sort(key=order, reverse=not ScanIndexForward)
        if ExclusiveStartKey is not None:  # the page after the position it names (its item may be gone since)
            start = order(ExclusiveStartKey)
            found = [item for item in found if (order(item) > start) == ScanIndexForward and order(item) != start]
        page = found[:Limit] if Limit else found
        result: dict[str, Any] = {"Items": [self._project(item, index) for item in page], "Count": len(page)}
        if Limit and len(found) > Limit:
            result["LastEvaluatedKey"] = {k: page[-1][k] for k in {self._hash, self._range, hash_name, range_name} if k}
        return result

    def _project(self, item: dict[str, Any], index: dict[str, Any] | None) -> dict[str, Any]:
        if index is None or index["Projection"]["ProjectionType"] == "ALL":
            return copy.deepcopy(item)
        keep = {self._hash, self._range, *(k["AttributeName"] for k in index["KeySchema"])}
        if index["Projection"]["ProjectionType"] == "INCLUDE":
            keep |= set(index["Projection"]["NonKeyAttributes"])
        return {k: copy.deepcopy(v) for k, v in item.items() if k in keep}

    def scan(self) -> dict[str, Any]:
        return {"Items": [copy.deepcopy(item) for item in self._items.values()]}

    @contextmanager
    def batch_writer(self) -> Iterator["TwinTable"]:
        yield self


class _TwinMeta:
    def __init__(self, client: "_TwinClient") -> None:
        self.client = client


class _TwinClient:
    """The resource's client, for the one table: TransactWriteItems, all or nothing as DynamoDB does it."""

    def __init__(self, table: TwinTable) -> None:
        self._table = table

    def transact_write_items(self, TransactItems: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803
        from boto3.dynamodb.types import TypeSerializer
        from botocore.exceptions import ClientError

        table, seen, reasons = self._table, set(), []
        for entry in TransactItems:  # every condition is judged on the state before the transaction
            ((operation, request),) = entry.items()
            if operation not in ("Put", "Update", "Delete", "ConditionCheck") or request["TableName"] != table.name:
                raise NotImplementedError(f"twin: transaction item {operation} on {request.get('TableName')}")
            key = table._key(request["Item"] if operation == "Put" else request["Key"])
            if key in seen:
                raise NotImplementedError("twin: two operations on one item in a transaction (DynamoDB refuses)")
            seen.add(key)
            current, condition = table._items.get(key), request.get("ConditionExpression")
            if condition is None or _condition(
                condition, request.get("ExpressionAttributeNames"), request.get("ExpressionAttributeValues")
            )(current or {}):
                reasons.append({"Code": "None"})
                continue
            reason: dict[str, Any] = {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}
            if request.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current is not None:
                reason["Item"] = {k: TypeSerializer().serialize(v) for k, v in current.items()}
            reasons.append(reason)
        if any(r["Code"] != "None" for r in reasons):
            raise ClientError(
                {
                    "Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
                    "CancellationReasons": reasons,
                },
                "TransactWriteItems",
            )
        for entry in TransactItems:
            ((operation, request),) = entry.items()
            if operation == "Put":
                table._items[table._key(request["Item"])] = _number(copy.deepcopy(request["Item"]))
            elif operation == "Update":
                key = table._key(request["Key"])
                base = table._items.get(key) or _number(dict(request["Key"]))
                table._items[key] = _update(
                    base,
                    request["UpdateExpression"],
                    request.get("ExpressionAttributeNames"),
                    request.get("ExpressionAttributeValues"),
                )
            elif operation == "Delete":
                table._items.pop(table._key(request["Key"]), None)
        return {}

    def batch_get_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:  # noqa: N803
        """BatchGetItem on the one table: every key processed (the twin never throttles)."""
        ((name, request),) = RequestItems.items()
        if name != self._table.name:
            raise NotImplementedError(f"twin: BatchGetItem on {name}")
        options = {k: request[k] for k in ("ProjectionExpression", "ExpressionAttributeNames") if k in request}
        found = [self._table.get_item(Key=key, **options).get("Item") for key in request["Keys"]]
        return {"Responses": {name: [item for item in found if item is not None]}, "UnprocessedKeys": {}}


def letters_twin() -> TwinTable:
    """A twin of the letters table as infra/template.yaml defines it (keys and indexes)."""
    from chalicelib.settings import Settings
    from localdev.resources import local_stack

    return TwinTable(local_stack(Settings.from_env()).properties("LettersTable"))
