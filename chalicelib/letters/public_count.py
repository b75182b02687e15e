"""The public counter a supporter sees after confirming ("1,234 letters from 57 countries"): confirmed letters and
the countries they came from, read from the campaign's O(1) counters (counters.py) and cached for a minute per
warm Lambda, so a burst of supporters costs a handful of reads, not one per page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable

from chalicelib.letters.counters import CampaignStats, read_stats
from chalicelib.letters.states import Status

NOT_COUNTED = frozenset({Status.PENDING_CONFIRMATION.value, Status.EXPIRED.value})  # never confirmed, or deleted
CACHE_FOR = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class PublicCount:
    letters: int
    countries: int


def public_count(stats: CampaignStats) -> PublicCount:
    def counted(tally: dict[str, int]) -> int:
        return sum(n for status, n in tally.items() if status not in NOT_COUNTED)

    return PublicCount(
        letters=sum(counted(t) for t in stats.by_day.values()),
        countries=sum(1 for country, t in stats.by_country.items() if country and counted(t)),
    )


class PublicCounts:
    """public_count per campaign, kept CACHE_FOR (the counters change with every letter; a minute late is fine)."""

    def __init__(self, table: Any, clock: Callable[[], dt.datetime]) -> None:
        self._table, self._clock = table, clock
        self._kept: dict[str, tuple[dt.datetime, PublicCount]] = {}

    def get(self, campaign: str) -> PublicCount:
        now = self._clock()
        kept = self._kept.get(campaign)
        if kept is None or now - kept[0] >= CACHE_FOR:
            kept = (now, public_count(read_stats(self._table, campaign)))
            self._kept[campaign] = kept
        return kept[1]
