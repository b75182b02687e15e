"""Pacing: no target receives more than its campaign's letters per hour, spread out, weighted to office hours.

One small DynamoDB item per recipient address (keyed by a hash, shared by every campaign writing to it):
- `sends`: the times of the sends in the last hour, a sliding log. A letter goes only while fewer than the
  hour's limit went in the 60 minutes before it, so no 60-minute window ever holds more than the limit,
  whatever happened before (an outage, a late queue).
- `next_free`: the first free place in line. Letters go one at a time, 3600/limit seconds apart (a letter
  every 2 minutes at 30 an hour); a letter that must wait is given the next place and told when to come back.
  That place is held: coming back, it waits only for the hourly limit, not behind newer letters.
The limit is the campaign's `max_per_target_per_hour` during the target's office hours and a quarter of it
(at least one) at night and at weekends, in the target's own time zone.

The line is kept shorter than a `horizon` (OVERFLOW_HORIZON) for letters that may go in a digest instead: a letter
whose place would come later is given none (`overflow`), and joins its target's overflow digest (gates.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.storage.conditional import conditionally

HOUR_MS = 3_600_000
OFFICE_HOURS = range(9, 17)  # 09:00–16:59 local time, Monday to Friday
OFF_HOURS_SHARE = 0.25
# Where targets that are not a country's own ministry work.
TARGET_SET_ZONES = {"un-mission-geneva": "Europe/Zurich", "un-mission-new-york": "America/New_York"}
ATTEMPTS = 8  # optimistic-concurrency retries when workers race on one target


def hourly_limit(per_hour: int, local: dt.datetime) -> int:
    """The number of letters the target may receive in the hour around `local` (its own wall-clock time)."""
    if local.weekday() < 5 and local.hour in OFFICE_HOURS:
        return per_hour
    return max(1, math.floor(per_hour * OFF_HOURS_SHARE))


def target_zone(target_set: str, country_zone: str, fixed_zone: str | None = None) -> ZoneInfo:
    if target_set == "fixed":
        return ZoneInfo(fixed_zone or "UTC")
    return ZoneInfo(TARGET_SET_ZONES.get(target_set, country_zone or "UTC"))


def pace_key(address: str) -> dict[str, str]:
    digest = hashlib.sha256(address.strip().lower().encode()).hexdigest()[:32]
    return {"pk": f"PACE#{digest}", "sk": "PACE"}


@dataclass(frozen=True)
class Admission:
    go: bool
    not_before: dt.datetime  # when to come back, if not go
    overflow: bool = False  # its place would be beyond the horizon: none was given (the letter goes in a digest)


def _ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


def _at(ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc)


class Pacer:
    def __init__(self, table: Any) -> None:
        self._table = table

    def admit(
        self,
        address: str,
        per_hour: int,
        zone: ZoneInfo,
        now: dt.datetime,
        *,
        holds_place: bool,
        horizon: dt.timedelta | None = None,
    ) -> Admission:
        """May a letter to `address` go at `now`? If not, its place in line (when to come back) is reserved.

        `holds_place` is true for a letter coming back at the place it was given: it no longer queues behind
        others, it waits only for the hourly limit. With a `horizon`, a letter whose place would come later than
        `now + horizon` is given none: Admission(overflow=True).
        """
        horizon_ms = None if horizon is None else int(horizon.total_seconds() * 1000)
        for _ in range(ATTEMPTS):
            item = self._table.get_item(Key=pace_key(address), ConsistentRead=True).get("Item") or {}
            admission, changes = self.decide(item, per_hour, zone, _ms(now), holds_place, horizon_ms)
            if changes is None:
                return admission
            if conditionally(self._write, address, item, changes, _ms(now)):
                return admission
            # another worker wrote first: decide again on what it wrote
        raise RuntimeError(f"pacing for one target stayed contended after {ATTEMPTS} attempts")

    @staticmethod
    def decide(
        item: dict[str, Any], per_hour: int, zone: ZoneInfo, now: int, holds_place: bool, horizon: int | None = None
    ) -> tuple[Admission, dict[str, Any] | None]:
        """The pacing decision on the target's item as read (times in epoch ms); the changes to write, or None.
        Pure: the overflow simulation (bench/overflow.py) drives it directly."""

        def limit_at(ms: int) -> int:
            return hourly_limit(per_hour, _at(ms).astimezone(zone))

        sends = sorted(int(t) for t in item.get("sends", []) if int(t) > now - HOUR_MS)
        next_free = int(item.get("next_free", 0))
        limit = limit_at(now)
        # When the hourly limit lets one more through: once enough of the last hour's sends have aged out.
        open_at = now if len(sends) < limit else sends[len(sends) - limit] + HOUR_MS
        if open_at <= now and (holds_place or next_free <= now):
            new_next = next_free if holds_place else max(next_free, now) + HOUR_MS // limit
            return Admission(True, _at(now)), {"sends": [*sends, now], "next_free": new_next}
        if holds_place:
            return Admission(False, _at(open_at)), None
        place = max(now, next_free, open_at)
        if horizon is not None and place > now + horizon:
            return Admission(False, _at(place), overflow=True), None
        return Admission(False, _at(place)), {"sends": sends, "next_free": place + HOUR_MS // limit_at(place)}

    def _write(self, address: str, old: dict[str, Any], changes: dict[str, Any], now: int) -> None:
        version = int(old.get("version", 0))
        key, expires_at = pace_key(address), (max(now, changes["next_free"]) + 2 * HOUR_MS) // 1000
        self._table.put_item(
            Item={
                **key,
                **changes,
                "version": version + 1,
                # TTL alone (no `by-due` entry, which moved with every send): a public address's hash, and an
                # item outliving its expiry holds only sends older than the hour, which `decide` ignores
                "expires_at": expires_at,
            },
            ConditionExpression="attribute_not_exists(pk) OR version = :v",
            ExpressionAttributeValues={":v": version},
        )
