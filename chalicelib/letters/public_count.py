"""The public counter a supporter sees after confirming ("Letters so far: 1,234 · Countries: 57"): confirmed letters
and the countries they came from.

It reads the campaign's stats rollup (stats_rollup.py: one GetItem, rebuilt from the counters every minute by
`roll_up_stats`), not the 40 counter shards, and keeps the figure CACHE_FOR per warm Lambda: a burst of supporters
costs one small read a minute per container. The figure is at most about two minutes behind (the rollup's minute
plus the cache's). A campaign with no rollup yet (its first minute) is counted from the counters themselves."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable

from chalicelib.letters.counters import CampaignStats, read_stats
from chalicelib.letters.states import Status
from chalicelib.letters.stats_rollup import read_rollup

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
    """public_count per campaign from its rollup, kept CACHE_FOR (a couple of minutes late is fine)."""

    def __init__(self, table: Any, clock: Callable[[], dt.datetime]) -> None:
        self._table, self._clock = table, clock
        self._kept: dict[str, tuple[dt.datetime, PublicCount]] = {}

    def get(self, campaign: str) -> PublicCount:
        now = self._clock()
        kept = self._kept.get(campaign)
        if kept is None or now - kept[0] >= CACHE_FOR:
            rolled_up = read_rollup(self._table, campaign)
            stats = rolled_up[0] if rolled_up is not None else read_stats(self._table, campaign)
            kept = (now, public_count(stats))
            self._kept[campaign] = kept
        return kept[1]
