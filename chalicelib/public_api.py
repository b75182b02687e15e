"""The JSON shapes of the public API: campaigns, countries, targets and letter previews."""
from __future__ import annotations

import datetime as dt
from typing import Any

from .campaigns import Campaign
from .directory import Country, Directory, Target
from .letter_log import Letter
from .letter_states import EXPLAINED, Status
from .letters import Supporter, compose, resolve_target

PLACEHOLDER_NAME = {"en": "[Your name]", "fr": "[Votre nom]", "es": "[Su nombre]", "ar": "[اسمك]",
                    "ru": "[Ваше имя]", "zh": "[您的姓名]"}


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
    }


def campaign_detail(campaign: Campaign, directory: Directory, today: dt.date) -> dict[str, Any]:
    countries = [{"code": c.alpha2, "name": c.name} for c in directory.countries()]
    return {**campaign_summary(campaign, today), "countries": countries}


def target_view(target: Target) -> dict[str, Any]:
    return {
        "target_set": target.target_set,
        "name": target.name,
        "addressee": target.addressee,
        "email_available": target.email_available,
        "email": target.email,
        "website": target.website or None,
        "contact_form_url": target.contact_form_url or None,
        "verified": target.verified,
    }


def preview(campaign: Campaign, country: Country, directory: Directory, *, language: str | None = None,
            name: str = "", city: str = "", message: str = "") -> dict[str, Any]:
    """The target and the letter as it would be sent, with a placeholder where the name is not given yet."""
    target = resolve_target(campaign, country, directory)
    lang = campaign.language_for(language, target.language)
    supporter = Supporter(name=name.strip() or PLACEHOLDER_NAME.get(lang, "[Your name]"), email="", city=city,
                          message=message)
    letter = compose(campaign, country, target, supporter, lang)
    return {
        "country": {"code": country.alpha2, "name": country.name},
        "target": target_view(target),
        "letter": {"language": letter.language, "subject": letter.subject, "body": letter.body},
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
        "updated_at": letter.updated_at,
        "failure_reason": letter.failure_reason or None,
    }
