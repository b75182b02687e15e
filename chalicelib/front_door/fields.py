"""Checking what a supporter submitted: every bad field is named, with a message that says how to fix it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Mapping

from chalicelib.campaigns.catalogue import Campaign
from chalicelib.directory import Country, Directory
from chalicelib.errors import InvalidField, NotFound, PayloadTooLarge
from chalicelib.i18n import UI_LANGUAGES
from chalicelib.letters.composing import MAX_BODY_CHARACTERS
from chalicelib.mail.addresses import header_unsafe_reason, normalise_email

MAX_LENGTH = {
    "name": 100,
    "email": 254,
    "city": 100,
    "message": 2000,  # the supporter's own words added to the campaign's letter: one paragraph or several
    "letter_body": MAX_BODY_CHARACTERS,  # the letter's body as the supporter edited or wrote it (`[letter] editing`)
    "country": 60,
    "language": 5,
    "ui_language": 5,
    "partner": 40,
}
REQUIRED = ("country", "name", "email")
# All fields at their longest fit well within, even a 4,000-character Chinese body sent as a no-JavaScript form
# (9 bytes a character once percent-encoded) or as JSON with \u escapes (6).
MAX_BODY_BYTES = 48 * 1024


def check_body_size(raw: bytes, limit: int = MAX_BODY_BYTES) -> None:
    if len(raw) > limit:
        raise PayloadTooLarge(f"The request body is larger than {limit // 1024} KiB.")


def parse_json_body(raw: bytes, limit: int = MAX_BODY_BYTES) -> Any:
    """The JSON document in a request body, or an error naming what is wrong with the body."""
    check_body_size(raw, limit)
    try:
        return json.loads(raw or b"")
    except (ValueError, UnicodeDecodeError):
        raise InvalidField("body", "The request body is not valid JSON (UTF-8).") from None
    except RecursionError:
        raise InvalidField("body", "The request body is nested too deeply.") from None


PARTNER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class Submission:
    country: Country
    name: str
    email: str
    city: str
    message: str
    language: str | None
    partner: str | None
    ui_language: str = ""  # the language the supporter reads (chalicelib/i18n.py); "" for the letter's
    letter_body: str = ""  # the letter's body as the supporter edited or wrote it; "" where they add a paragraph


# Control characters (Unicode category Cc) and the Unicode line separators: they break headers and layouts.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
CONTROL_EXCEPT_NEWLINE_TAB = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def _has_control_characters(value: str, allowed: str) -> bool:
    """Control characters other than `allowed` ("" or "\n\t")."""
    return bool((CONTROL_EXCEPT_NEWLINE_TAB if allowed else CONTROL).search(value))


def clean_fields(
    payload: Any,
    limits: Mapping[str, int],
    required: tuple[str, ...],
    required_text: str,
    *,
    multiline: tuple[str, ...] = ("message", "letter_body"),
) -> dict[str, str]:
    """Every field in `limits` as clean text (a missing one is ""), or InvalidField naming the first bad one.
    Unknown fields are refused; a field in `multiline` may hold line breaks and tabs, the others are one line
    (collapsed whitespace) safe for a mail header."""
    if not isinstance(payload, Mapping):
        raise InvalidField("body", f"Send a JSON object with the fields {required_text}.")
    unknown = sorted(set(payload) - set(limits))
    if unknown:
        raise InvalidField(unknown[0], f"Unknown field {unknown[0]!r}; allowed: {', '.join(limits)}.")
    values: dict[str, str] = {}
    for field, limit in limits.items():
        value = payload.get(field)
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise InvalidField(field, f"The {field} must be text.")
        if "\0" in value:
            raise InvalidField(field, f"The {field} contains a NUL character.")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate from a JSON "\ud800" escape: not text
            raise InvalidField(field, f"The {field} is not valid Unicode text.") from None
        value = value.replace("\r\n", "\n").strip()
        if len(value) > limit:
            raise InvalidField(field, f"The {field} is too long: at most {limit} characters.")
        if field in required and not value:
            raise InvalidField(field, f"Please fill in the {field}.")
        long_text = field in multiline
        if not long_text:
            reason = header_unsafe_reason(value)
            if reason:
                raise InvalidField(field, f"The {field} {reason}.")
        if _has_control_characters(value, allowed="\n\t" if long_text else ""):
            raise InvalidField(field, f"The {field} contains invisible control characters.")
        values[field] = value if long_text else " ".join(value.split())
    return values


def check_country_and_email(values: Mapping[str, str], directory: Directory) -> tuple[Country, str]:
    """The country (by code or name) and the normalised email address of cleaned fields, or InvalidField."""
    try:
        country = directory.country(values["country"])
    except NotFound:
        raise InvalidField("country", f"Unknown country {values['country']!r}.") from None
    try:
        email = normalise_email(values["email"])
    except ValueError as exc:
        raise InvalidField("email", str(exc)) from None
    return country, email


def check_submission(payload: Any, campaign: Campaign, directory: Directory) -> Submission:
    """Validate a submission for `campaign`; raise InvalidField for the first bad field (checked in a fixed order)."""
    values = clean_fields(payload, MAX_LENGTH, REQUIRED, "country, name and email")
    country, email = check_country_and_email(values, directory)
    language = values["language"] or None
    if language is not None and language not in campaign.languages:
        raise InvalidField("language", f"This campaign is written in {', '.join(campaign.languages)}.")
    partner = values["partner"] or None
    if partner is not None and not PARTNER_RE.match(partner):
        raise InvalidField("partner", "A partner code uses only letters, digits, '-' and '_'.")
    if values["ui_language"] and values["ui_language"] not in UI_LANGUAGES:
        raise InvalidField("ui_language", f"The ui_language is one of {', '.join(UI_LANGUAGES)}.")
    check_editing(values, campaign)
    return Submission(
        country=country,
        name=values["name"],
        email=email,
        city=values["city"],
        message=values["message"],
        language=language,
        partner=partner,
        ui_language=values["ui_language"],
        letter_body=values["letter_body"],
    )


def check_editing(values: Mapping[str, str], campaign: Campaign) -> None:
    """The supporter changes no more of the letter than the campaign allows (`[letter] editing`): a paragraph of
    their own in `message`, or the whole body in `letter_body`; InvalidField names the field that may not be used."""
    if not campaign.supporter_writes_body:
        if values["letter_body"]:
            raise InvalidField(
                "letter_body",
                "This campaign's letter cannot be edited: add your own words in the message field instead.",
            )
        return
    if values["message"]:
        raise InvalidField(
            "message",
            "In this campaign you write the letter's body yourself: send your words in the letter_body field.",
        )
    if not values["letter_body"]:
        what = "the campaign's text, changed as you like" if campaign.editing == "edit_body" else "your own words"
        raise InvalidField("letter_body", f"Please write the letter: its body is empty (send {what}).")
