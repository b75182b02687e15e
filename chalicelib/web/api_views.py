"""The JSON shapes of the public API: campaigns, countries, targets and letter previews."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from chalicelib.campaigns.catalogue import Campaign
from chalicelib.clock import iso
from chalicelib.directory import Country, Directory, Target
from chalicelib.directory.target_names import shown_name
from chalicelib.letters.composing import ComposedLetter, Supporter, compose, editable_body
from chalicelib.letters.fallbacks import IsFailing, Route, mailto_url, never_failing, plan_route, webmail_urls
from chalicelib.letters.letter import Letter
from chalicelib.letters.states import DIGEST_EXPLAINED, EXPLAINED, WAITING_EXPLAINED, Status

OPENAPI_FILE = Path(__file__).resolve().parent / "openapi.json"

# Address kinds a supporter is told about (a general inbox needs no note): the form shows `address.<kind>`.
NOTED_KINDS = ("registry", "free-mail", "desk", "role-unknown")

PLACEHOLDER_NAME = {
    "en": "[Your name]",
    "fr": "[Votre nom]",
    "es": "[Su nombre]",
    "ar": "[اسمك]",
    "ru": "[Ваше имя]",
    "zh": "[您的姓名]",
}


def campaign_summary(campaign: Campaign, today: dt.date) -> dict[str, Any]:
    return {
        "slug": campaign.slug,
        "title": dict(campaign.title),
        "summary": dict(campaign.summary),
        "organisation": campaign.organisation,
        "languages": list(campaign.languages),
        "target_set": campaign.target_set,
        "opens": campaign.opens.isoformat(),
        "closes": campaign.closes.isoformat(),
        "open": campaign.opens <= today <= campaign.closes,
        "kind": campaign.kind,
        "delivery": campaign.delivery.mode,
        "editing": campaign.editing,  # add_paragraph: send `message`; edit_body, own_letter: send `letter_body`
    }


def campaign_detail(campaign: Campaign, directory: Directory, today: dt.date) -> dict[str, Any]:
    countries = [{"code": c.alpha2, "name": c.name} for c in directory.countries()]
    return {**campaign_summary(campaign, today), "countries": countries}


def target_view(target: Target, *, failing: bool = False, language: str = "en") -> dict[str, Any]:
    """`name` is the sourced official name letters are addressed with; `display_name` the one a supporter reading
    `language` is shown (target_names.py)."""
    return {
        "target_set": target.target_set,
        "name": target.name,
        "display_name": shown_name(target.name, target.target_set, target.country, language),
        "addressee": target.addressee,
        "email_available": target.email_available and not failing,
        "email": target.email,
        "address_kind": (target.address_kind or None) if target.email else None,
        "website": target.website or None,
        "contact_form_url": target.contact_form_url or None,
        "verified": target.verified,
        "failing": failing,
    }


def letter_view(letter: ComposedLetter) -> dict[str, str]:
    return {"language": letter.language, "subject": letter.subject, "body": letter.body}


def fallbacks_view(
    route: Route, letter: ComposedLetter, fallback_letter: ComposedLetter | None, ui_language: str
) -> list[dict]:
    """The ways to deliver a letter its target cannot receive by email, in the order they should be offered."""
    if route.email_available:
        return []
    offers: list[dict[str, Any]] = []
    if route.fallback is not None and fallback_letter is not None:
        offers.append(
            {
                "kind": "fallback_target",
                "target": target_view(route.fallback, language=ui_language),
                "letter": letter_view(fallback_letter),
            }
        )
    web = route.web_target or route.target  # the first target down the chain with a form or a website
    if web.contact_form_url:
        offers.append({"kind": "contact_form", "url": web.contact_form_url, "letter": letter_view(letter)})
    # The target's own address when it has one that is not failing (we may not send, but the supporter may);
    # with none, the page says where to look (their website).
    to = (route.target.email or "") if not route.target_failing else ""
    offers.append(
        {
            "kind": "mailto",
            "url": mailto_url(letter.subject, letter.body, to),
            "to": to or None,
            "webmail": webmail_urls(letter.subject, letter.body, to),
            "website": web.website or None,
        }
    )
    return offers


def route_view(route: Route) -> dict[str, Any]:
    """Who will receive the letter and why: the set that answered, the reason, and the sentence to show
    (English here; the form shows `explanation_key` from the page's own language)."""
    from chalicelib.i18n import Messages

    key = f"route.{route.reason}.{route.answered_by}" if route.sends_to == "fallback_target" else None
    fallback = route.fallback.name if route.fallback else ""
    answering = route.send_to if route.answered_by else None  # a real address, never a placeholder
    kind = (answering.address_kind or None) if answering else None
    note_key = f"address.{kind}" if kind in NOTED_KINDS else None
    return {
        "chain": list(route.chain),
        "answered_by": route.answered_by,
        "reason": route.reason,
        "explanation": Messages("en")(key, name=route.target.name, fallback=fallback) if key else None,
        "explanation_key": key,
        # what kind of address the letter goes to, and a sentence where the supporter should know it
        "address_kind": kind,
        "address_note": Messages("en")(note_key, name=answering.name) if note_key and answering else None,
        "address_note_key": note_key,
    }


def delivery_view(
    route: Route, campaign: Campaign, supporter: Supporter, language: str | None, ui_language: str | None = None
) -> dict[str, Any]:
    """What a supporter needs to decide how their letter goes: the letter, and the fallbacks if any; targets are
    named for a supporter reading `ui_language` (else the letter's language)."""
    letter = compose(campaign, route.country, route.target, supporter, language)
    shown_in = ui_language or letter.language
    fallback_letter = (
        compose(campaign, route.country, route.fallback, supporter, language)
        if route.fallback is not None and not route.email_available
        else None
    )
    return {
        "target": target_view(route.target, failing=route.target_failing, language=shown_in),
        "letter": letter_view(letter),
        "email_available": route.email_available,
        "sends_to": route.sends_to,
        "route": route_view(route),
        "fallbacks": fallbacks_view(route, letter, fallback_letter, shown_in),
        # "send from my own email", offered whatever the route: the supporter's mail program, the letter written
        "mailto": mailto_url(letter.subject, letter.body, (route.target.email or "") if route.email_available else ""),
    }


def preview(
    campaign: Campaign,
    country: Country,
    directory: Directory,
    *,
    language: str | None = None,
    ui_language: str | None = None,
    name: str = "",
    city: str = "",
    message: str = "",
    is_failing: IsFailing = never_failing,
    sandbox: bool = False,
) -> dict[str, Any]:
    """The target and the letter as it would be sent, with a placeholder where the name is not given yet; names
    shown in `ui_language` (the page's), else in the letter's language."""
    route = plan_route(campaign, country, directory, is_failing=is_failing, sandbox=sandbox)
    lang = campaign.language_for(language, route.target.language)
    supporter = Supporter(
        name=name.strip() or PLACEHOLDER_NAME.get(lang, "[Your name]"), email="", city=city, message=message
    )
    return {
        "country": {"code": country.alpha2, "name": country.name},
        **delivery_view(route, campaign, supporter, lang, ui_language),
        **({"editing": editing_view(campaign, route, supporter, lang)} if campaign.supporter_writes_body else {}),
    }


BODY_MARK = "\ue000"  # a private-use character: where the supporter's body goes, to split the letter around it


def editing_view(campaign: Campaign, route: Route, supporter: Supporter, language: str) -> dict[str, str]:
    """What a form needs to show the letter as the supporter edits it: the campaign's own body in that language
    (`body`, empty for own_letter) and the letter around it, ours (`before`: the greeting; `after`: the sign-off)."""
    marked = compose(campaign, route.country, route.target, replace(supporter, body=BODY_MARK), language)
    before, _, after = marked.body.partition(BODY_MARK)
    own = campaign.editing == "own_letter"
    return {
        "mode": campaign.editing,
        "body": "" if own else editable_body(campaign, marked.language),
        "before": before,
        "after": after,
    }


def letter_status_view(letter: Letter) -> dict[str, Any]:
    """What the supporter sees of their letter: no one else's data, nothing they did not write."""
    return {
        "letter_id": letter.letter_id,
        "campaign": letter.campaign,
        "status": letter.status,
        "explanation": EXPLAINED[Status(letter.status)],
        "target": letter.target_name,
        "created_at": letter.created_at,
        "updated_at": _shown_update(letter),
        "failure_reason": letter.failure_reason or None,
        "partner": letter.partner or None,
        "waiting": _waiting(letter),
        "digest": _digest(letter),
    }


def _digest(letter: Letter) -> dict[str, Any] | None:
    """Whether the letter goes, or went, in a digest: why, when it is due, and when it went in (None: on its own)."""
    if letter.status not in (Status.AWAITING_DIGEST.value, Status.IN_DIGEST.value) or not letter.digest_id:
        return None
    stamp = letter.digest_id.split(":")[1]  # digests.py digest_id_for: campaign:YYYYmmddTHHMMZ:set:who
    due = dt.datetime.strptime(stamp, "%Y%m%dT%H%MZ").replace(tzinfo=dt.timezone.utc)
    overflow = letter.digest_reason == "overflow"
    return {
        "reason": "overflow" if overflow else "campaign",
        "explanation": DIGEST_EXPLAINED["overflow" if overflow else "campaign"],
        "due_at": iso(due),
        "went_at": letter.updated_at if letter.status == Status.IN_DIGEST.value else None,
    }


def _shown_update(letter: Letter) -> str:
    """When the supporter's letter last changed as they see it. An unconfirmed letter shows its creation (a reminder
    changes nothing they see) and one that expired unconfirmed its confirm-by time, not when the job noticed: so a
    duplicate's decoy (front_door/decoys.py), which cannot know the job's timing, reads exactly like a real one."""
    if letter.status == Status.PENDING_CONFIRMATION.value:
        return letter.created_at
    unconfirmed = letter.confirm_by and not letter.confirmed_at
    if letter.status == Status.EXPIRED.value and unconfirmed and letter.updated_at >= iso(_moment(letter.confirm_by)):
        return iso(_moment(letter.confirm_by))
    return letter.updated_at


def _moment(epoch: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc)


def _waiting(letter: Letter) -> dict[str, Any] | None:
    """Why a queued letter is held back and until about when (None when it is not waiting)."""
    if letter.status != Status.QUEUED.value or letter.waiting_reason not in WAITING_EXPLAINED:
        return None
    return {
        "reason": letter.waiting_reason,
        "explanation": WAITING_EXPLAINED[letter.waiting_reason],
        "until": letter.waiting_until or None,
    }


@lru_cache(maxsize=1)
def _openapi_file() -> str:
    return OPENAPI_FILE.read_text(encoding="utf-8")


def openapi_document(base_url: str) -> dict[str, Any]:
    """chalicelib/web/openapi.json, the reviewed description of this API, pointing at the server that serves it."""
    return {**json.loads(_openapi_file()), "servers": [{"url": base_url or "/"}]}
