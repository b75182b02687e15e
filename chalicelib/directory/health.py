"""Target health: a target whose address hard-bounces is marked failing and gets no letters until cleared.

One small DynamoDB item per failing target, all in one partition (pk "TARGET_HEALTH", sk "<set>#<country>"),
so that one Query lists them all. The delivery path marks targets failing from SES bounce events; organisers
clear them (`python -m chalicelib.cli.directory health clear`).

Page views must not cost a DynamoDB read each: `is_failing` answers from an in-process snapshot of all failing
targets, refreshed by one Query at most every `cache_seconds` (60 s by default) per warm Lambda. `failing`
reads the one item, strongly consistent, for decisions that send mail.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any, Callable

from chalicelib.storage.snapshots import Snapshot

HEALTH_PK = "TARGET_HEALTH"


def health_key(target_set: str, country: str) -> dict[str, str]:
    return {"pk": HEALTH_PK, "sk": f"{target_set}#{country}"}


@dataclass(frozen=True)
class Failing:
    target_set: str
    country: str
    since: str
    diagnostic: str
    last_bounce: str = ""


def _failing(item: dict[str, Any]) -> Failing:
    return Failing(item["target_set"], item["country"], item["since"], item["diagnostic"], item.get("last_bounce", ""))


class TargetHealth:
    def __init__(
        self, table: Any, *, cache_seconds: float = 60.0, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._table = table
        self._snapshot = Snapshot(
            lambda: frozenset((f.target_set, f.country) for f in self.all_failing()),
            empty=frozenset(),
            seconds=cache_seconds,
            monotonic=monotonic,
            what="target health",
        )

    def mark_failing(self, target_set: str, country: str, diagnostic: str, now: dt.datetime) -> None:
        """Record a hard bounce; the first diagnostic and date are kept if it was failing already."""
        self._table.update_item(
            Key=health_key(target_set, country),
            UpdateExpression="SET target_set = :set, country = :country, since = if_not_exists(since, :now), "
            "diagnostic = if_not_exists(diagnostic, :diag), last_bounce = :now",
            ExpressionAttributeValues={
                ":set": target_set,
                ":country": country,
                ":now": now.isoformat(),
                ":diag": diagnostic[:500],
            },
        )
        self._snapshot.invalidate()

    def clear(self, target_set: str, country: str) -> Failing | None:
        """Let the target receive letters again; returns what was cleared (None if it was not failing)."""
        old = self._table.delete_item(Key=health_key(target_set, country), ReturnValues="ALL_OLD").get("Attributes")
        self._snapshot.invalidate()
        return _failing(old) if old else None

    def failing(self, target_set: str, country: str) -> Failing | None:
        item = self._table.get_item(Key=health_key(target_set, country), ConsistentRead=True).get("Item")
        return _failing(item) if item else None

    def all_failing(self) -> list[Failing]:
        """Every failing target, sorted by set and country (one Query, paginated)."""
        items, start = [], {}
        while True:
            page = self._table.query(
                KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": HEALTH_PK}, **start
            )
            items += page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                break
            start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}
        return sorted((_failing(i) for i in items), key=lambda f: (f.target_set, f.country))

    def is_failing(self, target_set: str, country: str) -> bool:
        """From the in-process snapshot (at most `cache_seconds` old): for page views, not for sending.

        If DynamoDB cannot be read, the page still shows (from the last snapshot, or as healthy): submitting
        a letter checks the target's health again with a direct read.
        """
        return (target_set, country) in self._snapshot.get()
