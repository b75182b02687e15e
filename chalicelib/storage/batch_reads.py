"""Reading many items by key: BatchGetItem, 100 keys a call, keys DynamoDB left unprocessed retried with backoff."""

from __future__ import annotations

import time
from typing import Any, Sequence

BATCH = 100  # BatchGetItem's limit
ATTEMPTS = 5


def batch_get(table: Any, keys: Sequence[dict[str, str]], fields: Sequence[str] = ()) -> list[dict[str, Any]]:
    """The items that exist among `keys` (any order), with only `fields` if given."""
    found: list[dict[str, Any]] = []
    options: dict[str, Any] = {}
    if fields:
        names = {f"#f{i}": name for i, name in enumerate(fields)}
        options = {"ProjectionExpression": ", ".join(names), "ExpressionAttributeNames": names}
    for start in range(0, len(keys), BATCH):
        request = {table.name: {"Keys": list(keys[start : start + BATCH]), **options}}
        for attempt in range(ATTEMPTS):
            response = table.meta.client.batch_get_item(RequestItems=request)
            found += response["Responses"].get(table.name, [])
            request = response.get("UnprocessedKeys") or {}
            if not request:
                break
            time.sleep(0.05 * 2**attempt)  # throttled: back off before asking for the rest
        else:
            raise RuntimeError("DynamoDB kept some items unprocessed after retries; try again.")
    return found
