"""A campaign as a document: campaign.toml's fields and its letters as one JSON object, the shape the console edits
and campaigns/store.py keeps. A file campaign becomes one (its first version); a document becomes a Campaign
through catalogue.parse_campaign, the same checks a file gets.

    {"campaign": {"title": {"en": "…"}, "opens": "2026-01-01", "delivery": {"mode": "direct"}, …},
     "letters": {"en": "Dear {{ target.addressee }}, …"}}
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any, Mapping

from chalicelib.campaigns.catalogue import CAMPAIGNS_DIR, SLUG_RE, Campaign, parse_campaign
from chalicelib.errors import CampaignFileError

DATES = ("opens", "closes")  # TOML dates; JSON carries them as "YYYY-MM-DD"
RESERVED_SLUGS = ("new",)  # /admin/campaigns/new is the editor's page for a new campaign
MAX_DOCUMENT_CHARS = 200_000  # a DynamoDB item holds 400 KB; six letters and six summaries fit many times over


def check_slug(slug: str) -> None:
    if not SLUG_RE.match(slug) or slug in RESERVED_SLUGS:
        raise CampaignFileError(f"campaign {slug}", "slug", "must be lower-case letters, digits and hyphens")


def campaign_from_document(slug: str, document: Any, where: str = "") -> Campaign:
    """The Campaign a document describes, or CampaignFileError naming the field (`title.fr`, `letters.es`, …)."""
    where = where or f"campaign {slug}"
    check_slug(slug)
    if not isinstance(document, Mapping):
        raise CampaignFileError(where, "-", "must be a JSON object with `campaign` and `letters`")
    fields, letters = document.get("campaign"), document.get("letters")
    if not isinstance(fields, Mapping):
        raise CampaignFileError(where, "campaign", "must be an object of campaign.toml's fields")
    if not isinstance(letters, Mapping):
        raise CampaignFileError(where, "letters", "must be an object: one letter per language")
    for lang, text in letters.items():
        if not isinstance(text, str):
            raise CampaignFileError(where, f"letters.{lang}", f"must be text, not {type(text).__name__}")
    return parse_campaign(slug, _with_dates(fields, where), where, CAMPAIGNS_DIR / slug, letters)


def document_from_folder(folder: Path) -> dict[str, Any]:
    """A campaign folder (campaign.toml and letter.<lang>.txt) as a document: what its first version stores."""
    fields = tomllib.loads((folder / "campaign.toml").read_text(encoding="utf-8"))
    languages = fields.get("languages") if isinstance(fields.get("languages"), list) else []
    letters = {
        lang: (folder / f"letter.{lang}.txt").read_text(encoding="utf-8")
        for lang in languages
        if (folder / f"letter.{lang}.txt").is_file()
    }
    return {"campaign": _json_dates(fields), "letters": letters}


def changed_fields(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> list[str]:
    """The fields that differ, two levels deep (`title.fr`, `delivery.mode`, `letters.en`): the history's "what"."""
    before = before or {}
    changed = []
    for part in ("campaign", "letters"):
        old, new = before.get(part) or {}, after.get(part) or {}
        for name in sorted(set(old) | set(new)):
            a, b = old.get(name), new.get(name)
            if a == b:
                continue
            prefix = "letters." if part == "letters" else ""
            if isinstance(a, Mapping) and isinstance(b, Mapping):
                changed += [f"{prefix}{name}.{key}" for key in sorted(set(a) | set(b)) if a.get(key) != b.get(key)]
            else:
                changed.append(f"{prefix}{name}")
    return changed


def _with_dates(fields: Mapping[str, Any], where: str) -> dict[str, Any]:
    """JSON's "YYYY-MM-DD" as the dates campaign.toml holds; anything else is left for the checks to name."""
    out = dict(fields)
    for name in DATES:
        if isinstance(out.get(name), str):
            try:
                out[name] = dt.date.fromisoformat(out[name].strip())
            except ValueError:
                raise CampaignFileError(where, name, "must be a date written YYYY-MM-DD") from None
    return out


def _json_dates(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in fields.items()}
