"""What a partner organisation sees of a campaign: its own letters per day and per country, no personal data.

A partner opens /partners/<campaign>/<partner code>?key=… . The key is a keyed hash (chalicelib/signing.py,
purpose "partner-view") of the campaign and the code: an organiser hands the link out (`admin partner-link`, or
the console), nothing is stored, and a key for one partner opens nothing else. A wrong key answers 404, as an
unknown campaign does, so the page tells nobody which partner codes exist.

The figures come from the campaign's log index (never personal data: letter id, status, country, partner, time),
filtered to the partner, over the last `days` UTC days. Each shard is read at most READ_CALLS times, so a view
costs a bounded number of Queries; on a campaign so busy that this is not enough, the page says from when its
figures are complete.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING, Any, Callable

from chalicelib.campaigns.catalogue import Campaign, Campaigns
from chalicelib.console.letter_queries import LetterFilter, LetterQueries
from chalicelib.errors import NotFound
from chalicelib.front_door.fields import PARTNER_RE
from chalicelib.signing import Signer

if TYPE_CHECKING:  # pragma: no cover
    from chalicelib.console.tokens import Organiser

PURPOSE = "partner-view"
DAYS = 30
READ_CALLS = 2  # Queries per log shard per view, of EXPORT_CHUNK entries each
SENT = ("sent", "delayed", "delivered")


def partner_key(signer: Signer, slug: str, partner: str) -> str:
    return signer.token(PURPOSE, f"{slug}\n{partner}")


class PartnerResults:
    def __init__(
        self,
        *,
        queries: LetterQueries,
        campaigns: Campaigns,
        country_name: Callable[[str], str],
        signer: Signer,
        clock: Callable[[], dt.datetime],
    ) -> None:
        self._queries, self._campaigns, self._country_name = queries, campaigns, country_name
        self._signer, self._clock = signer, clock

    def link_path(self, campaign: Campaign, partner: str) -> str:
        _check_code(partner)
        return f"/partners/{campaign.slug}/{partner}?key={partner_key(self._signer, campaign.slug, partner)}"

    def link(self, organiser: "Organiser", slug: str, partner: str, base_url: str) -> dict[str, str]:
        """The partner's link, for an organiser who may act on the campaign (handing results out is acting)."""
        from chalicelib.console.roles import ACT

        organiser.require(slug, ACT)
        return {"url": base_url + self.link_path(self._campaigns.get(slug), partner)}

    def results(self, slug: str, partner: str, key: str) -> dict[str, Any]:
        """The partner's letters per day and country over the last DAYS days; NotFound for any wrong part."""
        if not PARTNER_RE.match(partner or "") or len(partner) > 40:
            raise NotFound("Not found.")
        if not self._signer.verify(PURPOSE, f"{slug}\n{partner}", key or ""):
            raise NotFound("Not found.")
        campaign = self._campaigns.get(slug)
        today = self._clock().date()
        since = today - dt.timedelta(days=DAYS - 1)
        entries, complete_from = self._queries.bounded_entries(
            campaign.slug, LetterFilter(partner=partner, since=since.isoformat()), READ_CALLS
        )
        by_day: Counter = Counter()
        sent_by_day: Counter = Counter()
        by_country: Counter = Counter()
        for entry in entries:
            day = entry["created_at"][:10]
            by_day[day] += 1
            sent_by_day[day] += entry["status"] in SENT
            by_country[entry.get("country", "")] += 1
        days = [(since + dt.timedelta(days=n)).isoformat() for n in range(DAYS)]
        return {
            "campaign": {"slug": campaign.slug, "title": campaign.text(campaign.title, "en")},
            "partner": partner,
            "since": since.isoformat(),
            "until": today.isoformat(),
            "total": sum(by_day.values()),
            "complete_from": complete_from[:10] if complete_from else None,
            "by_day": [{"day": d, "letters": by_day[d], "sent": sent_by_day[d]} for d in reversed(days)],
            "by_country": [
                {"country": code, "name": self._country_name(code) if code else "(no country)", "letters": n}
                for code, n in sorted(by_country.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
        }


def _check_code(partner: str) -> None:
    from chalicelib.errors import InvalidField

    if not PARTNER_RE.match(partner or "") or len(partner) > 40:
        raise InvalidField("partner", "A partner code uses only letters, digits, '-' and '_' (at most 40).")
