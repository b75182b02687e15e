"""The organiser dashboard page: an HTML shell; its script (static/dashboard.js) fetches the numbers with the token."""

from __future__ import annotations

from chalicelib.console.charts import STATUS_COLOURS
from chalicelib.directory.address_kinds import ADDRESS_KINDS
from chalicelib.i18n import Messages
from chalicelib.letters.counters import STATUSES
from chalicelib.rendering import render


def dashboard_page(api_base: str) -> str:
    """In English for now: the organisers' words are not in the catalogue (chalicelib/locales/) yet."""
    return render(
        "admin/dashboard.html",
        t=Messages("en"),
        embed=False,
        api_base=api_base,
        statuses=STATUSES,
        colours=STATUS_COLOURS,
        address_kinds=ADDRESS_KINDS,
    )
