"""Campaign statistics from counters kept on write: reading them costs the same at 1,000 or 1,000,000 letters.

Counter items hold no personal data and no TTL (the numbers outlive the 90-day log):
    pk "STATS#<campaign>#<shard>"   sk "DAY#2026-11-26" | "COUNTRY#KE" | "PARTNER#<code>"  ("PARTNER#": none)
with one number per status, e.g. {"queued": 3, "sent": 120}. LetterLog updates them in the same
transaction as the letter (+1 on create, -1/+1 on each move, -1 when an unsent letter is forgotten), so
they never drift from the log. A day is the UTC day the letter was written. Why 64 shards: write_shards.py.

A letter with no partner (most of them) counts in its day and country only: every letter counts in exactly one
day, so the letters with no partner are the days' tallies less the named partners', status by status. That
spares each of its writes a counter item (2 write units in the transaction). "PARTNER#" items written before that
are not read (their letters are in the days' tallies, as the others are).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable

from chalicelib.letters.states import Status
from chalicelib.storage.write_shards import COUNTER_SHARDS, shard_of

DAY, COUNTRY, PARTNER = "DAY#", "COUNTRY#", "PARTNER#"
STATUSES = tuple(s.value for s in Status)


def counter_pk(campaign: str, shard: int) -> str:
    return f"STATS#{campaign}#{shard:02d}"


def counter_keys(campaign: str, letter_id: str, created_at: str, country: str, partner: str) -> list[dict[str, str]]:
    """The counter items one letter counts in, on the letter's shard: its day and country, and its partner if it
    came through one (no partner is derived: see above)."""
    pk = counter_pk(campaign, shard_of(letter_id, COUNTER_SHARDS))
    keys = [{"pk": pk, "sk": DAY + created_at[:10]}, {"pk": pk, "sk": COUNTRY + country}]
    return [*keys, {"pk": pk, "sk": PARTNER + partner}] if partner else keys


def counter_updates(
    table_name: str, keys: Iterable[dict[str, str]], *, minus: str | None = None, plus: str | None = None
) -> list[dict[str, Any]]:
    """TransactWriteItems entries moving one letter out of status `minus` and/or into status `plus`."""
    adds, names, values = [], {}, {}
    for tag, status, delta in (("m", minus, -1), ("p", plus, 1)):
        if status:
            adds.append(f"#{tag} :{tag}")
            names[f"#{tag}"], values[f":{tag}"] = status, delta
    return [
        {
            "Update": {
                "TableName": table_name,
                "Key": key,
                "UpdateExpression": "ADD " + ", ".join(adds),
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            }
        }
        for key in keys
    ]


Tally = dict[str, int]  # status -> letters


def _total(tally: Tally) -> int:
    return sum(tally.values())


@dataclass
class CampaignStats:
    """Letters by status, summed over shards, along each dimension (day, country, partner; "" = no partner)."""

    by_day: dict[str, Tally] = field(default_factory=dict)
    by_country: dict[str, Tally] = field(default_factory=dict)
    by_partner: dict[str, Tally] = field(default_factory=dict)

    @property
    def by_status(self) -> Tally:
        totals: Tally = {s: 0 for s in STATUSES}
        for tally in self.by_day.values():
            for status, n in tally.items():
                totals[status] = totals.get(status, 0) + n
        return totals

    @property
    def total(self) -> int:
        return _total(self.by_status)

    def upper_bound(
        self,
        *,
        status: str | None = None,
        country: str | None = None,
        partner: str | None = None,
        days: tuple[str, str] | None = None,
    ) -> int:
        """Letters matching these filters: exact for one dimension (with or without status), else an upper bound."""

        def count(tallies: Iterable[Tally]) -> int:
            return sum(t.get(status, 0) if status else _total(t) for t in tallies)

        bounds = [
            count(self.by_day.values())
            if days is None
            else count(t for day, t in self.by_day.items() if days[0] <= day <= days[1])
        ]
        if country is not None:
            bounds.append(count([self.by_country.get(country, {})]))
        if partner is not None:
            bounds.append(count([self.by_partner.get(partner, {})]))
        return min(bounds)


def read_stats(table: Any, campaign: str) -> CampaignStats:
    """One Query per counter shard; cost grows with days, countries and partners, never with letters."""
    dims: dict[str, dict[str, Tally]] = {DAY: defaultdict(dict), COUNTRY: defaultdict(dict), PARTNER: defaultdict(dict)}
    for shard in range(COUNTER_SHARDS):
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": counter_pk(campaign, shard)},
        }
        while True:
            page = table.query(**kwargs)
            for item in page["Items"]:
                prefix, _, value = item["sk"].partition("#")
                if prefix + "#" == PARTNER and not value:
                    continue  # no partner: derived below
                tally = dims[prefix + "#"][value]
                for status in STATUSES:
                    if item.get(status):
                        tally[status] = tally.get(status, 0) + int(item[status])
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    dims[PARTNER][""] = _no_partner(dims[DAY].values(), dims[PARTNER].values())
    return CampaignStats(
        by_day=_nonempty(dims[DAY]), by_country=_nonempty(dims[COUNTRY]), by_partner=_nonempty(dims[PARTNER])
    )


def _no_partner(days: Iterable[Tally], partners: Iterable[Tally]) -> Tally:
    """Letters with no partner, by status: all letters (each counts in one day) less those of named partners."""
    tally: Tally = {}
    for sign, tallies in ((1, days), (-1, partners)):
        for t in tallies:
            for status, n in t.items():
                tally[status] = tally.get(status, 0) + sign * n
    return {status: n for status, n in tally.items() if n}


def _nonempty(tallies: dict[str, Tally]) -> dict[str, Tally]:
    """Drop dimension values whose letters have all gone (e.g. forgotten unsent letters)."""
    return {key: tally for key, tally in tallies.items() if _total(tally)}
