"""Target health: a target whose address hard-bounces is marked failing and gets no letters until cleared.

One small DynamoDB item per failing target (pk "TARGET#<set>#<country>", sk "HEALTH"). The delivery
path marks targets failing from SES bounce events; organisers clear them.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

HEALTH_SK = "HEALTH"


def health_key(target_set: str, country: str) -> dict[str, str]:
    return {"pk": f"TARGET#{target_set}#{country}", "sk": HEALTH_SK}


@dataclass(frozen=True)
class Failing:
    target_set: str
    country: str
    since: str
    diagnostic: str


class TargetHealth:
    def __init__(self, table: Any) -> None:
        self._table = table

    def mark_failing(self, target_set: str, country: str, diagnostic: str, now: dt.datetime) -> None:
        """Record a hard bounce; the first diagnostic and date are kept if it was failing already."""
        self._table.update_item(
            Key=health_key(target_set, country),
            UpdateExpression="SET target_set = :set, country = :country, since = if_not_exists(since, :now), "
                             "diagnostic = if_not_exists(diagnostic, :diag), last_bounce = :now",
            ExpressionAttributeValues={":set": target_set, ":country": country, ":now": now.isoformat(),
                                       ":diag": diagnostic[:500]},
        )

    def clear(self, target_set: str, country: str) -> None:
        self._table.delete_item(Key=health_key(target_set, country))

    def failing(self, target_set: str, country: str) -> Failing | None:
        item = self._table.get_item(Key=health_key(target_set, country)).get("Item")
        if not item:
            return None
        return Failing(item["target_set"], item["country"], item["since"], item["diagnostic"])
