"""Write units per partition key, table and indexes alike, for every write the code makes to the in-memory twin.

DynamoDB serves at most 1,000 write units a second on one partition key (and so on one item, or one index
partition). This meter wraps a TwinTable and, for each write, compares the item before and after, as DynamoDB's
metering does:
  - the table: ceil(size / 1 KB) units on the item's partition key (the larger of its sizes before and after);
    twice that inside TransactWriteItems; a failed condition or a transaction's ConditionCheck costs the same
    (DynamoDB charges a write it refuses);
  - each global secondary index: an entry put, deleted or rewritten is one unit on that index partition; an index
    key that changes is a delete on the old partition and a put on the new one; an update that changes neither
    the index's keys nor its projected attributes writes nothing there.
Item sizes are estimated from the attribute names and values (UTF-8), a little above DynamoDB's own count.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from support.dynamo_twin import TwinTable

KB = 1024


def item_size(item: dict[str, Any] | None) -> int:
    if not item:
        return 0
    return sum(len(str(name).encode()) + len(str(value).encode()) for name, value in item.items())


class PartitionMeter:
    """Counts write units per (where, partition key): where is "table" or an index name."""

    def __init__(self, table: TwinTable) -> None:
        self.table = table
        self.units: Counter[tuple[str, str]] = Counter()
        self._indexes = {
            name: (
                [k["AttributeName"] for k in index["KeySchema"]],
                index["Projection"]["ProjectionType"],
                index["Projection"].get("NonKeyAttributes", []),
            )
            for name, index in table._indexes.items()
        }
        self._wrap()

    def reset(self) -> None:
        self.units.clear()

    def busiest(self, where: str | None = None) -> tuple[tuple[str, str], int]:
        candidates = [(k, v) for k, v in self.units.items() if where is None or k[0] == where]
        return max(candidates, key=lambda kv: kv[1]) if candidates else (("", ""), 0)

    # --- metering -----------------------------------------------------------------------------------------
    def _entry(self, name: str, item: dict[str, Any] | None) -> tuple[Any, ...] | None:
        keys, projection, included = self._indexes[name]
        if not item or any(k not in item for k in keys):
            return None
        projected = () if projection == "KEYS_ONLY" else tuple(str(item.get(a)) for a in included)
        return (*[item[k] for k in keys], projected)

    def record(self, old: dict[str, Any] | None, new: dict[str, Any] | None, pk: str, transactional: bool) -> None:
        units = max(1, math.ceil(max(item_size(old), item_size(new)) / KB))
        self.units[("table", pk)] += units * (2 if transactional else 1)
        if new is old:
            return  # refused or a ConditionCheck: no index changes
        for name in self._indexes:
            before, after = self._entry(name, old), self._entry(name, new)
            if before == after:
                continue
            if before is not None and (after is None or before[0] != after[0] or before[1:-1] != after[1:-1]):
                self.units[(name, str(before[0]))] += 1  # the old entry goes
                before = None
            if after is not None:
                self.units[(name, str(after[0]))] += 1

    def _wrap(self) -> None:
        from botocore.exceptions import ClientError

        table, meter = self.table, self

        def metered(method_name: str, key_of) -> None:
            method = getattr(table, method_name)

            def call(**kwargs: Any) -> Any:
                key = table._key(key_of(kwargs))
                old = table._items.get(key)
                try:
                    result = method(**kwargs)
                except ClientError:
                    meter.record(old, old, str(key[0]), transactional=False)
                    raise
                meter.record(old, table._items.get(key), str(key[0]), transactional=False)
                return result

            setattr(table, method_name, call)

        metered("put_item", lambda kw: kw["Item"])
        metered("update_item", lambda kw: kw["Key"])
        metered("delete_item", lambda kw: kw["Key"])

        def transact(TransactItems: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803 - boto3's name
            keys = []
            for entry in TransactItems:
                ((operation, request),) = entry.items()
                keys.append((operation, table._key(request["Item"] if operation == "Put" else request["Key"])))
            olds = {key: table._items.get(key) for _, key in keys}
            try:
                result = real_client(table).transact_write_items(TransactItems=TransactItems)
            except ClientError:
                for _, key in keys:
                    meter.record(olds[key], olds[key], str(key[0]), transactional=True)
                raise
            for operation, key in keys:
                new = olds[key] if operation == "ConditionCheck" else table._items.get(key)
                meter.record(olds[key], new, str(key[0]), transactional=True)
            return result

        real_client = lambda t: type(t).__mro__[1].meta.fget(t).client  # noqa: E731 - the twin's own client

        class MeteredClient:
            transact_write_items = staticmethod(transact)

            def __getattr__(self, name: str) -> Any:
                return getattr(real_client(table), name)

        class Meta:
            client = MeteredClient()

        table.__class__ = type(f"Metered{type(table).__name__}", (type(table),), {"meta": property(lambda _: Meta)})
