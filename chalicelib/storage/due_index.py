"""The `by-due` index: every item that will need work later (a reminder, an expiry, a scrub) says when.

Items carry `due_pk` ("DUE#<shard>") and `due_at` (epoch seconds of their next action). The index projects
keys only, so it holds no personal data; the housekeeping job queries it for `due_at <= now` instead of
scanning the table. Shards spread the writes over index partitions: a submission and its confirmation write
about eleven index entries (the letter, its guard, its counters, its email, its follow-up), so 2,000 letters a
second make ~22,000 index writes a second; 64 shards keep each near 350, under DynamoDB's 1,000 per partition
(tests/performance/test_flash_crowd.py). The housekeeping job reads each shard: 64 small Queries a run.
Items written under an earlier, smaller count keep their shard, which is still read.
"""

from __future__ import annotations

import hashlib
from typing import Any, Iterator

from chalicelib.storage.conditional import conditionally

DUE_INDEX = "by-due"
DUE_SHARDS = 64


def due_keys(pk: str, due_at: int) -> dict[str, Any]:
    shard = hashlib.sha256(pk.encode()).digest()[0] % DUE_SHARDS
    return {"due_pk": f"DUE#{shard}", "due_at": int(due_at)}


def due_items(table: Any, now_epoch: int, limit: int = 500) -> Iterator[dict[str, str]]:
    """Keys ({pk, sk}) of up to `limit` items whose next action is due, oldest first within each shard."""
    from boto3.dynamodb.conditions import Key

    seen = 0
    for shard in range(DUE_SHARDS):
        kwargs: dict[str, Any] = {
            "IndexName": DUE_INDEX,
            "KeyConditionExpression": Key("due_pk").eq(f"DUE#{shard}") & Key("due_at").lte(now_epoch),
        }
        while seen < limit:
            page = table.query(**kwargs, Limit=min(100, limit - seen))
            for item in page.get("Items", []):
                seen += 1
                yield {"pk": item["pk"], "sk": item["sk"]}
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def delete_if_expired(table: Any, key: dict[str, str], now_epoch: int) -> bool:
    """Delete an item whose `expires_at` has passed (what DynamoDB TTL does, without its lag of up to days)."""
    return conditionally(
        table.delete_item,
        Key=key,
        ConditionExpression="expires_at <= :now",
        ExpressionAttributeValues={":now": now_epoch},
    )
