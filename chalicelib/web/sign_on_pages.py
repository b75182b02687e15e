"""The pages a signatory sees on a sign-on campaign: the form organisations sign with, the page after it, the public
list of signatories, the pages behind the confirmation email's links, and the signed letter as a print-ready
document (chalicelib/outcomes/sign_on_document.py).

Every word comes from the message catalogues (`sign_on.*` keys, i18n.py), in the signatory's language: the page's
`?lang=`, else the browser's, else the campaign's first; the pages behind the emailed links use the language the
organisation signed in. The form and the list work without JavaScript and may be framed on partners' sites.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from chalicelib.campaigns.catalogue import Campaign
from chalicelib.directory import Directory
from chalicelib.directory.country_names import country_name
from chalicelib.i18n import ENDONYMS, Messages, direction
from chalicelib.letters.composing import render_letter
from chalicelib.outcomes.sign_on_document import SignedLetter, letter_target
from chalicelib.outcomes.signatures import SIGN_FIELDS
from chalicelib.rendering import render
from chalicelib.web.pages import action_page, campaign_texts, closed_notice, countries_in, language_links

VISIBLE = ("organisation", "country", "website", "contact_name", "email")


def sign_on_error(t: Messages, field: str, api_message: str, code: str = "") -> str:
    """The API speaks English: English pages show its exact words, others the catalogue's for the field at fault
    (or for the error, such as "too_quick"), else a general one."""
    if t.language == "en":
        return api_message
    key = f"sign_on.errors.{'too_quick' if code == 'too_quick' else field}"
    return t(key) if key in t else t("sign_on.errors.other")


def sign_on_form_page(
    campaign: Campaign,
    directory: Directory,
    signatories: list[dict[str, Any]],
    t: Messages,
    *,
    today: dt.date,
    stamp: str,
    values: Mapping[str, str] | None = None,
    error: Mapping[str, str] | None = None,
    embed: bool = False,
) -> str:
    """The sign-on form, with the letter as it stands (in the page's language where the campaign has it)."""
    error = {"field": "", "message": "", **(error or {})}
    letter = render_letter(
        campaign,
        "",
        letter_target(campaign),
        t.language,
        signatories=[
            {"number": s["number"], "organisation": s["organisation"], "country_code": s["country"]}
            for s in signatories
        ],
    )
    return render(
        "pages/sign_on_form.html",
        t=t,
        embed=embed,
        campaign=campaign,
        **campaign_texts(campaign, t.language),
        closed=closed_notice(campaign, t, today),
        countries=countries_in(directory, t.language),
        languages=language_links(t.language, "", embed),
        values={**{name: "" for name in SIGN_FIELDS}, **(values or {}), "language": t.language},
        error={**error, "link": error["field"] in VISIBLE},
        stamp=stamp,
        letter=letter,
        letter_dir=direction(letter.language),
        count=t.number(len(signatories)),
    )


def signatories_page(campaign: Campaign, signatories: list[dict[str, Any]], t: Messages, *, embed: bool = False) -> str:
    """The public list, each country named in the page's language."""
    return render(
        "pages/signatories.html",
        t=t,
        embed=embed,
        campaign=campaign,
        **campaign_texts(campaign, t.language),
        languages=language_links(t.language, "", embed),
        signatories=[{**s, "country_name": country_name(s["country"], t.language)} for s in signatories],
        count=t.number(len(signatories)),
    )


def signed_page(t: Messages, organisation: str, *, embed: bool = False) -> str:
    """After the form: the link is on its way to the contact."""
    message = t.isolated("sign_on.signed.message", organisation=organisation)
    return action_page(t, t("sign_on.signed.title"), message, embed=embed)


SIGNATURE_STEPS_WITH_A_BUTTON = ("confirm", "withdraw")  # the pages an email link opens; a POST shows the next


def signature_page(step: str, item: Mapping[str, Any], t: Messages) -> str:
    """The pages behind a signature's links: `confirm` and `withdraw` (a button that POSTs), then `confirmed` and
    `withdrawn`, each naming the organisation in the signatory's language."""
    message = t.isolated(f"sign_on.{step}.message", organisation=item["organisation"])
    button = t(f"sign_on.{step}.button") if step in SIGNATURE_STEPS_WITH_A_BUTTON else ""
    return action_page(t, t(f"sign_on.{step}.title"), message, button=button)


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
