"""Letters that wait: due-time entries a scheduled job hands back to the queue, and letters parked while
their campaign is paused.

A queued letter always has a queue message or an entry here, never neither: the worker writes the entry
before its handler returns (only then does SQS delete the message), and the release job deletes an entry
only after SQS took its message. A crash in between leaves two messages for one letter, which is harmless:
only one worker can move it `queued -> sending`. Entries hold only the letter id, and expire with the letter (TTL, and the housekeeping job's by-due scrub).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from chalicelib.clock import iso
from chalicelib.letters.queue import LetterQueue
from chalicelib.storage.due_index import due_keys

SCHEDULE_PK = "SCHEDULE"  # one partition ordered by due time: a Query finds what is due, never a Scan
PAGE = 100


def parked_pk(campaign: str) -> str:
    return f"PARKED#{campaign}"


class LetterSchedule:
    def __init__(self, table: Any) -> None:
        self._table = table

    def add(self, letter_id: str, due: dt.datetime, reason: str, expires_at: int) -> None:
        """Hand `letter_id` back to the queue at `due` (its reason is kept for whoever reads the table)."""
        self._table.put_item(
            Item={
                "pk": SCHEDULE_PK,
                "sk": f"{iso(due)}#{letter_id}",
                "letter_id": letter_id,
                "reason": reason,
                "expires_at": expires_at,
                **due_keys(f"{SCHEDULE_PK}#{letter_id}", expires_at),
            }
        )

    def park(self, campaign: str, letter_id: str, expires_at: int) -> None:
        """Hold `letter_id` until its paused campaign resumes."""
        self._table.put_item(
            Item={
                "pk": parked_pk(campaign),
                "sk": letter_id,
                "letter_id": letter_id,
                "expires_at": expires_at,
                **due_keys(parked_pk(campaign), expires_at),
            }
        )

    def unpark(self, campaign: str, letter_id: str) -> None:
        self._table.delete_item(Key={"pk": parked_pk(campaign), "sk": letter_id})

    def release_due(self, now: dt.datetime, queue: LetterQueue, limit: int = 1000) -> int:
        """Queue every letter due by `now` (up to `limit`); returns how many were released."""
        from boto3.dynamodb.conditions import Key

        condition = Key("pk").eq(SCHEDULE_PK) & Key("sk").lte(iso(now) + "#~")
        return self._release(condition, queue, limit)

    def release_parked(self, campaign: str, queue: LetterQueue, limit: int = 100_000) -> int:
        from boto3.dynamodb.conditions import Key

        return self._release(Key("pk").eq(parked_pk(campaign)), queue, limit)

    def next_due(self) -> dt.datetime | None:
        """When the earliest waiting letter is due (None if none waits)."""
        from boto3.dynamodb.conditions import Key

        items = self._table.query(KeyConditionExpression=Key("pk").eq(SCHEDULE_PK), Limit=1, ConsistentRead=True)[
            "Items"
        ]
        return dt.datetime.fromisoformat(items[0]["sk"].split("#", 1)[0]) if items else None

    def _release(self, condition: Any, queue: LetterQueue, limit: int) -> int:
        released = 0
        while released < limit:
            items = self._table.query(
                KeyConditionExpression=condition, ConsistentRead=True, Limit=min(PAGE, limit - released)
            )["Items"]
            if not items:
                break
            self._queue_then_delete(items, queue)
            released += len(items)
            if len(items) < PAGE:
                break
        return released

    def _queue_then_delete(self, items: Iterable[dict[str, Any]], queue: LetterQueue) -> None:
        items = list(items)
        sent = queue.enqueue_many([item["letter_id"] for item in items])
        with self._table.batch_writer() as batch:
            for item, ok in zip(items, sent):
                if ok:
                    batch.delete_item(Key={"pk": item["pk"], "sk": item["sk"]})
        if not all(sent):
            raise RuntimeError(f"{sent.count(False)} waiting letters could not be queued; they stay scheduled")
