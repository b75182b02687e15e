"""The pages of a sign-on campaign: the form organisations sign with, the public list of signatories, and the
signed letter as a print-ready document (chalicelib/outcomes/sign_on_document.py).

Both work without JavaScript and may be framed on partners' sites, like the letter form. Their words are in
English for now (like the confirmation pages): the campaign's own texts are shown in the page's language.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from chalicelib.campaigns.catalogue import Campaign
from chalicelib.directory import Directory
from chalicelib.letters.composing import render_letter
from chalicelib.outcomes.sign_on_document import GENERIC_TARGET as SAMPLE_TARGET
from chalicelib.outcomes.sign_on_document import SignedLetter
from chalicelib.outcomes.signatures import SIGN_FIELDS
from chalicelib.rendering import render
from chalicelib.web.i18n import ENDONYMS, Messages
from chalicelib.web.pages import campaign_texts, closed_notice

VISIBLE = ("organisation", "country", "website", "contact_name", "email")


def sign_on_form_page(
    campaign: Campaign,
    directory: Directory,
    signatories: list[dict[str, Any]],
    *,
    today: dt.date,
    stamp: str,
    values: Mapping[str, str] | None = None,
    error: Mapping[str, str] | None = None,
    embed: bool = False,
) -> str:
    t = Messages("en")
    error = {"field": "", "message": "", **(error or {})}
    letter = render_letter(
        campaign,
        "",
        SAMPLE_TARGET,
        "en",
        signatories=[
            {"number": s["number"], "organisation": s["organisation"], "country": s["country_name"]}
            for s in signatories
        ],
    )
    return render(
        "pages/sign_on_form.html",
        t=t,
        embed=embed,
        campaign=campaign,
        **campaign_texts(campaign, "en"),
        closed=closed_notice(campaign, t, today),
        countries=directory.countries(),
        values={**{name: "" for name in SIGN_FIELDS}, **(values or {})},
        error={**error, "link": error["field"] in VISIBLE},
        stamp=stamp,
        letter=letter,
        count=len(signatories),
    )


def signatories_page(campaign: Campaign, signatories: list[dict[str, Any]], *, embed: bool = False) -> str:
    return render(
        "pages/signatories.html",
        t=Messages("en"),
        embed=embed,
        campaign=campaign,
        **campaign_texts(campaign, "en"),
        signatories=signatories,
    )


def signed_letter_page(document: SignedLetter, *, embed: bool = False) -> str:
    """The signed letter, in its own language: the words of the page too (its print stylesheet makes the PDF)."""
    return render(
        "pages/signed_letter.html",
        t=Messages(document.language),
        embed=embed,
        title=document.title,
        document=document,
        languages=[(code, ENDONYMS.get(code, code)) for code in document.campaign.languages],
    )
