"""The HTML pages a supporter sees: the campaign form and the result of a plain (no-JavaScript) form post."""
from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import parse_qs

from .campaigns import Campaign
from .directory import Directory
from .errors import DemarcheError
from .letter_log import Letter
from .rendering import render


FORM_FIELDS = {"country": "", "name": "", "email": "", "city": "", "message": "", "partner": ""}


def form_fields(raw_body: bytes) -> dict[str, str]:
    """A urlencoded form post as a dict (last value wins); empty values are kept as empty strings."""
    parsed = parse_qs(raw_body.decode("utf-8", errors="strict"), keep_blank_values=True, strict_parsing=False)
    return {key: values[-1] for key, values in parsed.items()}


def form_page(campaign: Campaign, directory: Directory, *, language: str | None = None,
              values: Mapping[str, str] | None = None, error: Mapping[str, str] | None = None,
              partner: str = "", stamp: str = "") -> str:
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
        stamp=stamp,
        proof_of_work=campaign.policies.bots.proof_of_work,
    )


def result_page(campaign: Campaign, lang: str, status: str, status_url: str) -> str:
    return render("pages/result.html", campaign=campaign, lang=lang, title=campaign.text(campaign.title, lang),
                  status=status, status_url=status_url)


ERROR_TITLES = {404: "Link not found", 409: "Already written", 410: "Link no longer valid",
                429: "Please wait a little", 503: "Please try again"}


def error_page(error: DemarcheError, link: str = "") -> str:
    title = ERROR_TITLES.get(error.status, "Your letter was not sent" if error.status < 500 else "Please try again")
    return render("pages/action.html", title=title, message=error.message, link=link,
                  link_text="Follow your letter" if link else "", button="")


def confirm_page(letter: Letter) -> str:
    return render("pages/action.html", title="Confirm your letter", lang=letter.language,
                  message=f"Your letter to {letter.target_name} will be sent as soon as you confirm.",
                  button="Confirm and send my letter", link="", link_text="")


def confirmed_page(letter: Letter, status_url: str) -> str:
    return render("pages/action.html", title="Thank you: your letter is confirmed", lang=letter.language,
                  message=f"Your letter to {letter.target_name} is in the queue and will be sent shortly.",
                  button="", link=status_url, link_text="Follow your letter")


def delete_page(letter: Letter) -> str:
    sent = letter.status not in ("pending_confirmation", "queued")
    note = (f"Your letter to {letter.target_name} was already sent; the recipient keeps the copy they received. "
            "We will delete your name, email address and words from our records." if sent else
            f"Your letter to {letter.target_name} will not be sent, and we will delete your name, email "
            "address and words.")
    return render("pages/action.html", title="Delete your details", message=note, button="Delete my details",
                  link="", link_text="")


def deleted_page(letter: Letter) -> str:
    return render("pages/action.html", title="Your details are deleted", button="", link="", link_text="",
                  message="We no longer hold your name, email address or words for this letter.")




def outbox_page(messages: list[dict[str, Any]]) -> str:
    return render("pages/outbox.html", messages=list(reversed(messages)))


def unreachable_page(campaign: Campaign, language: str | None, message: str, delivery: Mapping[str, Any]) -> str:
    """The supporter's letter, ready to copy, with the other ways to send it (contact form, own email)."""
    lang = language if language in campaign.languages else campaign.languages[0]
    return render("pages/unreachable.html", campaign=campaign, lang=lang, title=campaign.text(campaign.title, lang),
                  message=message, delivery=delivery)
