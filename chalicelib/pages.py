"""The HTML pages a supporter sees: the campaign form and the result of a plain (no-JavaScript) form post."""
from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import parse_qs

from .campaigns import Campaign
from .directory import Directory
from .rendering import render


FORM_FIELDS = {"country": "", "name": "", "email": "", "city": "", "message": "", "partner": ""}


def form_fields(raw_body: bytes) -> dict[str, str]:
    """A urlencoded form post as a dict (last value wins); empty values are kept as empty strings."""
    parsed = parse_qs(raw_body.decode("utf-8", errors="strict"), keep_blank_values=True, strict_parsing=False)
    return {key: values[-1] for key, values in parsed.items()}


def form_page(campaign: Campaign, directory: Directory, *, language: str | None = None,
              values: Mapping[str, str] | None = None, error: Mapping[str, str] | None = None,
              partner: str = "") -> str:
    lang = language if language in campaign.languages else campaign.languages[0]
    return render(
        "pages/form.html",
        campaign=campaign,
        lang=lang,
        title=campaign.text(campaign.title, lang),
        summary=campaign.text(campaign.summary, lang),
        countries=directory.countries(),
        values={**FORM_FIELDS, **(values or {})},
        error={"field": "", "message": "", **(error or {})},
        partner=partner,
    )


def result_page(campaign: Campaign, lang: str, status: Mapping[str, Any], status_url: str) -> str:
    return render("pages/result.html", campaign=campaign, lang=lang, title=campaign.text(campaign.title, lang),
                  status=status, status_url=status_url)


def message_page(title: str, message: str, lang: str = "en") -> str:
    return render("pages/message.html", title=title, message=message, lang=lang)


def outbox_page(messages: list[dict[str, Any]]) -> str:
    return render("pages/outbox.html", messages=list(reversed(messages)))


def unreachable_page(campaign: Campaign, language: str | None, message: str, delivery: Mapping[str, Any]) -> str:
    """The supporter's letter, ready to copy, with the other ways to send it (contact form, own email)."""
    lang = language if language in campaign.languages else campaign.languages[0]
    return render("pages/unreachable.html", campaign=campaign, lang=lang, title=campaign.text(campaign.title, lang),
                  message=message, delivery=delivery)
