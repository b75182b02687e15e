"""Mail to a letter's writer and the links it carries (status, confirm, delete), shared by confirmation,
follow-ups and sign-on: one place builds a supporter's links and their emails from templates/mail/, in the
supporter's language (chalicelib/i18n.py), not their letter's."""

from __future__ import annotations

import re
from dataclasses import dataclass

from chalicelib.campaigns.catalogue import Campaign
from chalicelib.i18n import Messages
from chalicelib.letters.letter import Letter
from chalicelib.mail.mailer import Notice
from chalicelib.rendering import render
from chalicelib.signing import Signer, token_hash

STATUS, CONFIRM, DELETE = "status", "confirm", "delete"  # what a link token is for
# Anyone may type any name next to any address, and our mail goes from the organisation's verified domain:
# a greeting carries the name only if it is short and plain (letters, spaces, basic punctuation; no link, no @).
GREETING_MAX = 40
PLAIN_NAME = re.compile(r"[^\W\d_](?:[^\W\d_]|[ .,'’-])*")
LOOKS_LIKE_A_LINK = re.compile(r"[.](?:[^\W\d_]{2,})\b|www|https?", re.IGNORECASE)


@dataclass(frozen=True)
class Links:
    status: str
    confirm: str
    delete: str


def link_paths(signer: Signer, letter_id: str) -> Links:
    return Links(
        status=f"/letters/{letter_id}/{signer.token(STATUS, letter_id)}",
        confirm=f"/letters/{letter_id}/confirm/{signer.token(CONFIRM, letter_id)}",
        delete=f"/letters/{letter_id}/delete/{signer.token(DELETE, letter_id)}",
    )


def link_hashes(signer: Signer, letter_id: str) -> dict[str, str]:
    """What a new letter stores of its three link tokens."""
    return {
        f"{purpose}_token_hash": token_hash(signer.token(purpose, letter_id)) for purpose in (STATUS, CONFIRM, DELETE)
    }


def greeting_name(name: str) -> str:
    """`name` if it is fit to greet someone with in our mail (short, plain, no link or address), else ""."""
    name = " ".join(name.split())
    if len(name) > GREETING_MAX or not PLAIN_NAME.fullmatch(name) or LOOKS_LIKE_A_LINK.search(name):
        return ""
    return name


def mail_to_supporter(letter: Letter, campaign: Campaign, template: str, **context: object) -> Notice:
    """An email from the campaign to the letter's writer (see `campaign_mail`), the target named in their language."""
    from chalicelib.directory.target_names import letter_target_name

    language = supporter_language(letter)
    return campaign_mail(
        campaign,
        template,
        language,
        letter.supporter_name,
        letter.supporter_email,
        name=letter.supporter_name,
        target=letter_target_name(letter, language),
        **context,
    )


def supporter_language(letter: Letter) -> str:
    """The language the supporter reads us in: the form's, else (an API client that sent none) their letter's."""
    return letter.ui_language or letter.language


def campaign_mail(
    campaign: Campaign, template: str, language: str, to_name: str, to_email: str, **context: object
) -> Notice:
    """An email from the campaign, from templates/mail/<template>.txt (first line: the subject), its words from
    the `language` catalogue (`t`). Templates get `organisation` and `title` too. A `name` (the greeting) and
    `to_name` are someone's typing: kept only if plain (`greeting_name`); no one's typing goes in a subject."""
    t = Messages(language)
    if "name" in context:
        context["name"] = greeting_name(str(context["name"]))
    to_name = greeting_name(to_name)
    text = render(
        f"mail/{template}.txt",
        t=t,
        organisation=campaign.organisation,
        title=campaign.text(campaign.title, t.language),
        **context,
    )
    subject, _, body = text.partition("\n")
    return Notice(
        to_name=to_name,
        to_email=to_email,
        organisation=campaign.organisation,
        sender_address=campaign.sender_address,
        subject=subject.strip(),
        body=body.lstrip("\n"),
        language=t.language,
        campaign=campaign.slug,
    )
