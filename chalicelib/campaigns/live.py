"""The campaigns the public routes, the worker and the scheduled jobs see: the campaign files, overlaid by the
versions organisers published in the console (campaigns/store.py).

Each process keeps what it read for LIVE_TTL (30 seconds): a publish reaches every Lambda container within that,
without a deploy, and a page view costs one Query at most every 30 seconds per container, not one per request.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Callable

from chalicelib.campaigns.catalogue import Campaign, Campaigns
from chalicelib.errors import CampaignFileError, NotFound

log = logging.getLogger(__name__)

LIVE_TTL = dt.timedelta(seconds=30)


class LiveCampaigns:
    """Campaigns.get/all over files and published versions; the published version wins over the file."""

    def __init__(self, files: Callable[[], Campaigns], store: Any, clock: Callable[[], dt.datetime]) -> None:
        self._files, self._store, self._clock = files, store, clock  # files: the loaded folders (loaded once)
        self._read_at: dt.datetime | None = None
        self._published: dict[str, Campaign] = {}
        self._built: dict[tuple[str, int], Campaign] = {}  # (slug, version): each version is parsed once

    def all(self) -> list[Campaign]:
        published = self._snapshot()
        files = {c.slug: c for c in self._files().all()}
        return [published.get(slug, c) for slug, c in files.items()] + [
            c for slug, c in published.items() if slug not in files
        ]

    def get(self, slug: str) -> Campaign:
        campaign = self._snapshot().get(slug) or self.file_campaign(slug)
        if campaign is None:
            raise NotFound(f"There is no campaign called {slug!r}.")
        return campaign

    def file_campaign(self, slug: str) -> Campaign | None:
        """The campaign file's own version, if there is a file."""
        try:
            return self._files().get(slug)
        except NotFound:
            return None

    def forget(self) -> None:
        """Read again on the next call (this process just published)."""
        self._read_at = None

    def _snapshot(self) -> dict[str, Campaign]:
        """The published campaigns by slug, read again after LIVE_TTL."""
        now = self._clock()
        if self._read_at is not None and self._read_at <= now < self._read_at + LIVE_TTL:
            return self._published
        try:
            items = self._store.live_items()
        except Exception as exc:  # noqa: BLE001 - only AWS's errors are caught: the rest is raised below
            if not _aws_error(exc):
                raise
            # Availability over freshness: keep serving what we had (the files, if nothing yet) and try again
            # after LIVE_TTL; letters cannot be written without DynamoDB anyway.
            log.warning("could not read the published campaigns (%s); serving what this process had", exc)
            self._read_at = now
            return self._published
        published = {}
        for item in items:
            campaign = self._build(item)
            if campaign is not None:
                published[item["slug"]] = campaign
        self._published, self._read_at = published, now
        return published

    def _build(self, item: dict[str, Any]) -> Campaign | None:
        from chalicelib.campaigns.documents import campaign_from_document

        key = (item["slug"], item["version"])
        if key not in self._built:
            try:
                self._built[key] = campaign_from_document(item["slug"], item["document"])
            except CampaignFileError:  # checked when published; a later, stricter rule must not take the site down
                log.exception("published campaign %s version %s no longer passes its checks", *key)
                return None
        return self._built[key]


def _aws_error(exc: Exception) -> bool:
    from botocore.exceptions import BotoCoreError, ClientError

    return isinstance(exc, (BotoCoreError, ClientError))
