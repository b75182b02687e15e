"""The organiser console: what an organiser may ask about a campaign, each answer checked against their token.

Routes in app.py call one method each; this is where a token's campaigns are enforced (the authorizer's
policy enforces them too), personal data is masked unless revealed, and every reveal is audited.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable, Mapping

from chalicelib.campaigns.catalogue import Campaign, Campaigns
from chalicelib.clock import iso
from chalicelib.console.access_audit import AccessAudit
from chalicelib.console.charts import country_chart, daily_chart
from chalicelib.console.export_jobs import ExportJobs, job_view
from chalicelib.console.letter_queries import LetterQueries, decode_cursor, parse_filter, parse_limit
from chalicelib.console.letter_rows import country_names, letter_row
from chalicelib.console.roles import READ, REVEAL, rights_of
from chalicelib.console.tokens import Organiser
from chalicelib.directory import Directory
from chalicelib.directory.health import TargetHealth
from chalicelib.errors import InvalidField, NotFound
from chalicelib.letters.counters import STATUSES, CampaignStats
from chalicelib.letters.stats_rollup import StatsRollup

LATEST = 10


def actor_of(organiser: Organiser) -> str:
    return organiser.actor


MAX_REASON = 200
LETTER_ID_RE = re.compile(
    r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
)  # uuid4, or uuid5 for group letters


def reveal_reason(params: Mapping[str, str]) -> str | None:
    """The reason given with `reveal=1` (required: it goes in the audit), or None when nothing is revealed."""
    if params.get("reveal") != "1":
        return None
    reason = " ".join((params.get("reason") or "").split())
    if not reason or len(reason) > MAX_REASON or not reason.isprintable():
        raise InvalidField(
            "reason", f"Say why you reveal personal data (`reason`, 1 to {MAX_REASON} characters): the audit keeps it."
        )
    return reason


def timeline(item: Mapping[str, Any]) -> list[dict[str, str]]:
    """The letter's steps, oldest first: written, each move its log recorded (SES's events among them), reminders."""
    steps = [{"at": str(item.get("created_at", "")), "to": "written", "why": ""}]
    if item.get("reminded_at"):
        steps.append({"at": str(item["reminded_at"]), "to": "reminded", "why": "confirmation reminder sent"})
    steps += [
        {
            "at": str(h.get("at", "")),
            "from": str(h.get("from", "")),
            "to": str(h.get("to", "")),
            "why": str(h.get("why", "")),
        }
        for h in item.get("history") or []
    ]
    return sorted(steps, key=lambda step: step["at"])


def _tallies(tallies: Mapping[str, Mapping[str, int]], key: str, name: Callable[[str], Any]) -> list[dict[str, Any]]:
    rows = [{key: name(value), "total": sum(t.values()), "by_status": dict(t)} for value, t in tallies.items()]
    return sorted(rows, key=lambda r: (-r["total"], str(r[key])))


class OrganiserConsole:
    def __init__(
        self,
        *,
        table: Any,
        campaigns: Campaigns,
        directory: Directory,
        queries: LetterQueries,
        audit: AccessAudit,
        health: TargetHealth,
        exports: ExportJobs,
        rollup: StatsRollup,
        clock: Callable[[], dt.datetime],
    ) -> None:
        self._table, self._campaigns, self._directory, self._queries = table, campaigns, directory, queries
        self._audit, self._health, self._exports, self._clock = audit, health, exports, clock
        self._rollup = rollup
        self.country_name = country_names(directory)

    def campaign(self, organiser: Organiser, slug: str, right: str = READ) -> Campaign:
        """The campaign, if the organiser's role on it carries `right` (Forbidden first: a token learns nothing
        about other campaigns)."""
        organiser.require(slug, right)
        return self._campaigns.get(slug)

    def campaigns(self, organiser: Organiser) -> dict[str, Any]:
        return {
            "campaigns": [
                {
                    "slug": c.slug,
                    "title": c.text(c.title, "en"),
                    "opens": c.opens.isoformat(),
                    "closes": c.closes.isoformat(),
                    "kind": c.kind,
                    "role": organiser.role(c.slug),
                    "rights": rights_of(organiser.role(c.slug)),
                }
                for c in self._campaigns.all()
                if organiser.covers(c.slug)
            ]
        }

    def letters(self, organiser: Organiser, slug: str, params: Mapping[str, str]) -> dict[str, Any]:
        """One page of the log, newest first; emails and names masked unless `reveal=1` with a `reason` (audited)."""
        reveal = params.get("reveal") == "1"
        campaign = self.campaign(organiser, slug, REVEAL if reveal else READ)
        reason = reveal_reason(params)
        filters = parse_filter(params, self._directory)
        page = self._queries.page(
            campaign.slug, filters, limit=parse_limit(params.get("limit")), cursor=decode_cursor(params.get("cursor"))
        )
        items = self._queries.letters(entry["letter_id"] for entry in page.entries)
        if reveal:
            self._audit.record(
                campaign.slug,
                actor=actor_of(organiser),
                action="reveal_letters",
                filters=filters.as_dict(),
                letter_ids=[i["letter_id"] for i in items],
                reason=reason or "",
            )
        return {
            "letters": [letter_row(i, self.country_name, reveal=reveal) for i in items],
            "next_cursor": page.next_cursor,
            "revealed": reveal,
            "filters": filters.as_dict(),
        }

    def letter(self, organiser: Organiser, slug: str, letter_id: str, params: Mapping[str, str]) -> dict[str, Any]:
        """One letter of the campaign: its row (masked unless revealed with a reason, audited), its timeline and
        what SES said of it."""
        reveal = params.get("reveal") == "1"
        campaign = self.campaign(organiser, slug, REVEAL if reveal else READ)
        reason = reveal_reason(params)
        item = self._queries.letter(letter_id) if LETTER_ID_RE.match(letter_id) else None
        if item is None or item.get("campaign") != campaign.slug:
            raise NotFound("This campaign has no such letter (its data may have been deleted after its retention).")
        if reveal:
            self._audit.record(
                campaign.slug,
                actor=actor_of(organiser),
                action="reveal_letter",
                filters={},
                letter_ids=[letter_id],
                reason=reason or "",
            )
        return {
            "letter": letter_row(item, self.country_name, reveal=reveal),
            "timeline": timeline(item),
            "ses": {
                "message_id": str(item.get("ses_message_id", "")),
                "delivered_at": str(item.get("delivered_at", "")),
                "failure_reason": str(item.get("failure_reason", "")),
            },
            "waiting": {"reason": str(item.get("waiting_reason", "")), "until": str(item.get("waiting_until", ""))},
            "revealed": reveal,
        }

    def stats(self, organiser: Organiser, slug: str) -> dict[str, Any]:
        campaign = self.campaign(organiser, slug)
        return self._stats_view(campaign, *self._rollup.read(campaign.slug))

    def dashboard(self, organiser: Organiser, slug: str) -> dict[str, Any]:
        """Everything the dashboard page shows, in one answer: stats, the charts (SVG) and the latest letters."""
        campaign = self.campaign(organiser, slug)
        stats = self._stats_view(campaign, *self._rollup.read(campaign.slug))
        latest = self.letters(organiser, slug, {"limit": str(LATEST)})["letters"]
        return {
            "campaign": {"slug": campaign.slug, "title": campaign.text(campaign.title, "en")},
            "stats": stats,
            "charts": {
                "daily": daily_chart({d["day"]: d["by_status"] for d in stats["by_day"]}),
                "countries": country_chart(stats["by_country"]),
            },
            "latest": latest,
        }

    def request_export(self, organiser: Organiser, slug: str, params: Mapping[str, str]) -> dict[str, Any]:
        reveal = params.get("reveal") == "1"
        campaign = self.campaign(organiser, slug, REVEAL if reveal else READ)
        reason = reveal_reason(params)
        filters = parse_filter(params, self._directory)
        if reveal:
            self._audit.record(
                campaign.slug,
                actor=actor_of(organiser),
                action="reveal_export",
                filters=filters.as_dict(),
                reason=reason or "",
            )
        return job_view(self._exports.request(campaign.slug, filters, reveal=reveal, actor=actor_of(organiser)))

    def export_status(self, organiser: Organiser, slug: str, export_id: str) -> dict[str, Any]:
        campaign = self.campaign(organiser, slug)
        job = self._exports.get(campaign.slug, export_id)
        view = job_view(job)
        if job["status"] == "done":
            view["download_url"] = self._exports.download_url(job)
        return view

    def audit(self, organiser: Organiser, slug: str) -> dict[str, Any]:
        campaign = self.campaign(organiser, slug)
        return {"records": self._audit.recent(campaign.slug)}

    def _stats_view(
        self, campaign: Campaign, stats: CampaignStats, failing_targets: list[dict[str, str]], as_of: str
    ) -> dict[str, Any]:
        """What the dashboard shows, from the rollup (stats_rollup.py: one read, at most about a minute old)."""
        by_status = stats.by_status
        failing = [
            f for f in failing_targets if f["target_set"] == campaign.target_set and f["country"] in stats.by_country
        ]
        return {
            "campaign": campaign.slug,
            "generated_at": iso(self._clock()),
            "as_of": as_of,
            "total": sum(by_status.values()),
            "by_status": {status: by_status.get(status, 0) for status in STATUSES},
            "by_day": sorted(
                ({"day": day, "total": sum(t.values()), "by_status": dict(t)} for day, t in stats.by_day.items()),
                key=lambda d: d["day"],
            ),
            "by_country": [
                {**row, "name": self.country_name(row["country"])} for row in _tallies(stats.by_country, "country", str)
            ],
            "by_partner": _tallies(stats.by_partner, "partner", lambda code: code or None),
            "failing_targets": [{**f, "name": self.country_name(f["country"])} for f in failing],
        }
