"""Coalition sign-on letters, part three: the signed letter as a document, as coalitions publish it.

One document per language of the campaign, whatever the number of targets (a letter to 193 ministries is one
document, addressed as the letters were, to no one minister in particular): the letter's text, its date, and the
numbered list of the signatories approved now, in the campaign's `[sign_on] order`, with their countries named in
the document's language. A signature withdrawn or rejected after the letter went leaves the document at once.

- The date is the day of the latest send that went (its send time; chalicelib/outcomes/sign_on_sends.py); before
  any send has gone the document is a draft dated today.
- Organisers always see it (console); the public sees it, and partners may frame it, only once the organisers
  publish it: one item beside the campaign's signatories (pk "SIGNON#<campaign>", sk "DOCUMENT").
- The page (chalicelib/web/sign_on_pages.py) carries a print stylesheet: the browser's "Save as PDF" makes the PDF,
  and `admin signed-letter --pdf` does the same through a headless Chromium (chalicelib/cli/pdf_printing.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from chalicelib.campaigns.catalogue import Campaign
from chalicelib.clock import iso
from chalicelib.directory import Target
from chalicelib.directory.country_names import country_name
from chalicelib.errors import InvalidField, NotFound, WrongKind
from chalicelib.letters.composing import fixed_target, render_letter
from chalicelib.outcomes.signatures import Signatures, partition

if TYPE_CHECKING:  # pragma: no cover
    from chalicelib.outcomes.sign_on_sends import SignOnSends

# A letter to a whole set of targets, shown once: addressed as the real ones are, to no one in particular.
GENERIC_TARGET = Target(
    target_set="foreign-ministry",
    name="Minister for Foreign Affairs",
    addressee="Excellency",
    email=None,
    website="",
    contact_form_url="",
    language="en",
    verified=False,
    source="",
)
WENT = ("dispatching", "dispatched")  # a send whose letters exist: its start is the letter's date


def letter_target(campaign: Campaign) -> Target:
    """Whom the letter is shown addressed to: its fixed target, else the set's targets in general."""
    return fixed_target(campaign.fixed_target) if campaign.fixed_target else GENERIC_TARGET


def document_key(campaign: str) -> dict[str, str]:
    return {"pk": partition(campaign), "sk": "DOCUMENT"}


@dataclass(frozen=True)
class SignedLetter:
    campaign: Campaign
    language: str
    title: str
    subject: str
    addressed_to: str  # the fixed target's name, or "" for a letter to a whole set
    body: str  # the letter's text, without its list (the document numbers the list itself)
    signatories: tuple[dict[str, Any], ...]  # number, organisation, country (named in `language`), website
    date: dt.date
    sent: bool  # False: a draft, dated today
    published: bool


class SignOnDocuments:
    def __init__(
        self, *, table: Any, signatures: Signatures, sends: "SignOnSends", clock: Callable[[], dt.datetime]
    ) -> None:
        self._table, self._signatures, self._sends, self._clock = table, signatures, sends, clock

    def document(self, campaign: Campaign, language: str = "") -> SignedLetter:
        """The signed letter in `language` (the campaign's first when ""); InvalidField for one it lacks."""
        if not campaign.is_sign_on:
            raise WrongKind(f"The campaign {campaign.slug!r} is not a sign-on letter: it has no signed letter.")
        language = language or campaign.languages[0]
        if language not in campaign.languages:
            raise InvalidField("language", f"This letter is written in {', '.join(campaign.languages)}.")
        target = letter_target(campaign)
        body = render_letter(campaign, "", target, language, signatories=[]).body
        approved = self._signatures.approved(campaign.slug, order=campaign.signatory_order)
        signatories = tuple(
            {
                "number": number,
                "organisation": s["organisation"],
                "country": country_name(s["country"], language),
                "website": s["website"],
            }
            for number, s in enumerate(approved, start=1)
        )
        went = [s["send_at"] for s in self._sends.all(campaign.slug) if s["status"] in WENT]
        date = dt.datetime.fromisoformat(max(went).replace("Z", "+00:00")).date() if went else self._clock().date()
        return SignedLetter(
            campaign=campaign,
            language=language,
            title=campaign.text(campaign.title, language),
            subject=campaign.text(campaign.subject, language),
            addressed_to=target.name if campaign.fixed_target else "",
            body=body,
            signatories=signatories,
            date=date,
            sent=bool(went),
            published=self.is_published(campaign.slug),
        )

    def public_document(self, campaign: Campaign, language: str = "") -> SignedLetter:
        """The document as the public sees it: NotFound until the organisers publish it."""
        if not campaign.is_sign_on or not self.is_published(campaign.slug):
            raise NotFound("The organisers have not published this letter yet.")
        return self.document(campaign, language)

    def is_published(self, campaign: str) -> bool:
        item = self._table.get_item(Key=document_key(campaign), ConsistentRead=True).get("Item")
        return bool(item and item.get("published"))

    def publish(self, campaign: Campaign, published: Any, actor: str) -> dict[str, Any]:
        """Publish the document at its public address (or take it down): {"published": true | false}."""
        if not campaign.is_sign_on:
            raise WrongKind(f"The campaign {campaign.slug!r} is not a sign-on letter: it has no signed letter.")
        if not isinstance(published, bool):
            raise InvalidField("published", 'Send {"published": true} to publish the letter, false to take it down.')
        now = iso(self._clock())
        self._table.put_item(
            Item={**document_key(campaign.slug), "published": published, "updated_by": actor, "updated_at": now}
        )
        return {"campaign": campaign.slug, "published": published, "updated_by": actor, "updated_at": now}
