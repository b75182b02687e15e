"""The stats rollup: a campaign's whole dashboard numbers in one item, so a dashboard view costs one read.

The counters (counters.py) are exact and kept in the letter's own transaction, but reading them takes one Query
per counter shard (40), more pages as a campaign spreads over days, countries and partners. The rollup is what
organisers read instead: one item per campaign,
    pk "ROLLUP#<campaign>"  sk "ROLLUP"  as_of (when its counters were read)  stats (zlib-compressed JSON)
holding the tallies by day, country and partner, and the campaign's failing targets. The every-minute job
(`refresh_active`) rebuilds it from the counters for every campaign that is open or closed less than
`KEEP_FRESH_AFTER_CLOSE` ago, so a view is at most about a minute behind the log (the view says `as_of`).

Why not update it in every letter's transaction: a write costs a write unit per KB of the whole item, and a
spread campaign's rollup is tens of KB (200 countries, a hundred days, partners, by status), so each of a letter's
six moves would cost tens of units instead of two; and every letter would write the one item (2,000 submissions/s
is 12,000 updates/s, 12 times one partition's 1,000 writes/s, however it is sharded within one read). Rebuilt
once a minute, the item is written once a minute per campaign whatever the load; the hot writes stay on the
40 counter shards (write_shards.py).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import zlib
from dataclasses import asdict
from typing import Any, Callable, Iterable

from chalicelib.clock import iso
from chalicelib.letters.counters import CampaignStats, read_stats
from chalicelib.storage.conditional import conditionally

log = logging.getLogger(__name__)

KEEP_FRESH_AFTER_CLOSE = dt.timedelta(days=45)  # letters still move (sends, deliveries, bounces) after a close
ITEM_LIMIT = 380_000  # bytes: DynamoDB's item limit is 400 KB


def rollup_key(campaign: str) -> dict[str, str]:
    return {"pk": f"ROLLUP#{campaign}", "sk": "ROLLUP"}


def read_rollup(table: Any, campaign: str) -> tuple[CampaignStats, list[dict[str, str]], str] | None:
    """The campaign's stats, failing targets and `as_of` as last rolled up (one GetItem); None before its first."""
    item = table.get_item(Key=rollup_key(campaign)).get("Item")
    if item is None:
        return None
    data = json.loads(zlib.decompress(bytes(item["stats"])))
    return CampaignStats(**data["stats"]), data["failing"], item["as_of"]


class StatsRollup:
    def __init__(self, table: Any, clock: Callable[[], dt.datetime], *, failing: Callable[[], Iterable[Any]]) -> None:
        """`failing` lists every failing target (TargetHealth.all_failing: one Query for all campaigns)."""
        self._table, self._clock, self._failing = table, clock, failing

    def read(self, campaign: str) -> tuple[CampaignStats, list[dict[str, str]], str]:
        """The campaign's stats, its failing targets and when they were read: one GetItem. A campaign never
        rolled up yet (a first view before the minute job ran) is rolled up now."""
        rolled_up = read_rollup(self._table, campaign)
        return rolled_up if rolled_up is not None else self.refresh(campaign)

    def refresh(
        self, campaign: str, failing: list[dict[str, str]] | None = None
    ) -> tuple[CampaignStats, list[dict[str, str]], str]:
        """Rebuild the campaign's rollup from its counters; an older rebuild never overwrites a newer one."""
        as_of = iso(self._clock())
        stats = read_stats(self._table, campaign)
        if failing is None:
            failing = self._failing_targets()
        blob = zlib.compress(json.dumps({"stats": asdict(stats), "failing": failing}, sort_keys=True).encode())
        if len(blob) > ITEM_LIMIT:  # never seen: would take tens of thousands of partners
            log.error("stats rollup of %s is %d bytes, over the item limit; views read it stale", campaign, len(blob))
            return stats, failing, as_of
        conditionally(
            self._table.put_item,
            Item={**rollup_key(campaign), "campaign": campaign, "as_of": as_of, "stats": blob},
            ConditionExpression="attribute_not_exists(pk) OR as_of <= :as_of",
            ExpressionAttributeValues={":as_of": as_of},
        )
        return stats, failing, as_of

    def refresh_active(self, campaigns: Iterable[Any]) -> int:
        """Rebuild the rollup of every campaign open now or closed recently; returns how many were rebuilt.
        One campaign's failure does not stop the others (it is tried again next minute)."""
        today = self._clock().date()
        failing = self._failing_targets()
        done = 0
        for campaign in campaigns:
            if not campaign.opens <= today <= campaign.closes + KEEP_FRESH_AFTER_CLOSE:
                continue
            try:
                self.refresh(campaign.slug, failing)
            except Exception:  # noqa: BLE001 - next minute again; the dashboard shows the previous rollup
                log.exception("stats rollup of %s failed; its dashboard shows the previous one", campaign.slug)
                continue
            done += 1
        return done

    def _failing_targets(self) -> list[dict[str, str]]:
        return [
            {"target_set": f.target_set, "country": f.country, "since": f.since, "diagnostic": f.diagnostic}
            for f in self._failing()
        ]
