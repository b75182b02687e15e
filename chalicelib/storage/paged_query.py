"""Reading a whole DynamoDB Query, page after page (a partition or an index key: never a Scan)."""

from __future__ import annotations

from typing import Any


def query_all(table: Any, **kwargs: Any) -> list[dict[str, Any]]:
    """Every item the Query matches; `kwargs` are Table.query's (KeyConditionExpression, IndexName...)."""
    items: list[dict[str, Any]] = []
    while True:
        page = table.query(**kwargs)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
