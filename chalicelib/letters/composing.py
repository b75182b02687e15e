"""Composing a letter: who it goes to and what it says, from campaign, country and supporter."""

from __future__ import annotations

import re
from dataclasses import dataclass

from chalicelib.campaigns.catalogue import BODY_BLOCK, Campaign, FixedTarget
from chalicelib.directory import Country, Directory, Target
from chalicelib.directory.country_names import country_name
from chalicelib.letters.salutations import recipient_kind, salutation
from chalicelib.rendering import render_block, render_replacing_block, template_for

# The longest body a supporter may send (`letter_body`): twice the longest of the example letters' bodies. The
# linter checks that a campaign's own body fits, so a supporter can always send it unchanged.
MAX_BODY_CHARACTERS = 4000


@dataclass(frozen=True)
class Supporter:
    name: str
    email: str
    city: str = ""
    message: str = ""
    # The letter's body as the supporter wrote or edited it (campaigns with [letter] editing = edit_body or
    # own_letter); "" where they add a paragraph (`message`) to the campaign's text.
    body: str = ""


@dataclass(frozen=True)
class ComposedLetter:
    target: Target
    language: str
    subject: str
    body: str


def resolve_target(campaign: Campaign, country: Country, directory: Directory) -> Target:
    """The campaign's target for a supporter in `country` (the campaign's overrides win over shared data)."""
    if campaign.fixed_target is not None:
        return fixed_target(campaign.fixed_target)
    return directory.target(campaign.target_set, country.alpha2, campaign.target_overrides)


def fixed_target(fixed: FixedTarget) -> Target:
    """A campaign's fixed target (the UN Secretary-General, say) as a directory target, of no country."""
    return Target(
        target_set="fixed",
        name=fixed.name,
        addressee=fixed.addressee,
        email=fixed.email,
        website=fixed.website,
        contact_form_url="",
        language=fixed.language,
        verified=True,
        source=fixed.email_source or "campaign.toml",
        country=None,
    )


def resolve_fallbacks(campaign: Campaign, country: Country, directory: Directory) -> list[Target]:
    """The targets in the rest of the campaign's chain of target sets, in the order they are tried."""
    return [directory.target(s, country.alpha2, campaign.target_overrides) for s in campaign.fallback_target_sets]


def supporter_context(supporter: Supporter) -> dict[str, str]:
    return {"name": supporter.name, "city": supporter.city, "message": supporter.message.strip()}


def compose(
    campaign: Campaign, country: Country, target: Target, supporter: Supporter, language: str | None = None
) -> ComposedLetter:
    """Render subject and body; supporter fields are values in the template context, never template source.

    A digest campaign's template lists `supporters`: one supporter's letter is the digest with them alone.
    A sign-on campaign's lists `signatories` (none here: see sign_on_send.py for the letter as sent).
    """
    if campaign.is_sign_on:
        return render_letter(campaign, country.alpha2, target, language, signatories=[])
    if campaign.delivery.is_digest:
        one = {**supporter_context(supporter), "country": country.name, "country_code": country.alpha2}
        return render_letter(
            campaign,
            country.alpha2,
            target,
            language,
            supporters=[one],
            digest={"count": 1, "part": 1, "parts": 1, "date": ""},
        )
    # No body yet (a preview before the supporter wrote one): the campaign's own. The front door refuses an empty one.
    own_body = supporter.body if campaign.supporter_writes_body and supporter.body.strip() else None
    return render_letter(
        campaign, country.alpha2, target, language, own_body=own_body, supporter=supporter_context(supporter)
    )


def named_in(entries: object, language: str) -> object:
    """A list of people or organisations with each `country` named in the letter's language: an entry that carries
    `country_code` gets that state's name in `language` (CLDR, chalicelib/directory/country_names.py); one without
    (a list stored before the code was kept) keeps the name it has."""
    if not isinstance(entries, list):
        return entries
    return [
        {**entry, "country": country_name(entry["country_code"], language)}
        if isinstance(entry, dict) and entry.get("country_code")
        else entry
        for entry in entries
    ]


def render_letter(
    campaign: Campaign,
    country_code: str,
    target: Target,
    language: str | None,
    *,
    own_body: str | None = None,
    **lists: object,
) -> ComposedLetter:
    """The campaign's letter to `target`, in `language` if the campaign has it, else the target's; `lists` are the
    kind's own names (`supporter`, `supporters` or `signatories`), always values, never template source.
    `country_code` is the supporter's (or the letter's) state, "" for none: the letter names it, and every
    state in its lists, in its own language, so an Arabic letter says "كينيا", not "Kenya".
    `own_body`: the supporter's text in place of the template's `{% block body %}` (greeting and sign-off stay)."""
    lang = campaign.language_for(language, target.language)
    lists = {name: named_in(value, lang) for name, value in lists.items()}
    context = {**_recipient_context(campaign, country_code, target, lang), **lists}
    # A console campaign's own text or the folder's file: the same sandbox either way.
    template = template_for(campaign.letter_template_name(lang), _source(campaign, lang))
    if own_body is None:
        body = template.render(**context)
    else:
        body = render_replacing_block(template, BODY_BLOCK, tidy(own_body).strip("\n"), **context)
    return ComposedLetter(target=target, language=lang, subject=campaign.text(campaign.subject, lang), body=tidy(body))


def editable_body(campaign: Campaign, language: str) -> str:
    """The campaign's own body in `language` (its `{% block body %}`), which an `edit_body` supporter starts from.
    The linter (letter_check.py) makes sure it reads the same for every country, so the form can show it before a
    country is chosen; the sample context stands in for the recipient."""
    from chalicelib.campaigns.catalogue import sample_context

    template = template_for(campaign.letter_template_name(language), _source(campaign, language))
    return tidy(render_block(template, BODY_BLOCK, **sample_context(campaign))).strip("\n")


def _source(campaign: Campaign, language: str) -> str | None:
    return campaign.letter_sources[language] if campaign.letter_sources is not None else None


def _recipient_context(campaign: Campaign, country_code: str, target: Target, lang: str) -> dict[str, object]:
    """The names that depend on who receives the letter: the greeting among them is always ours."""
    fixed_kind = campaign.fixed_target.kind if campaign.fixed_target else "generic"
    kind = recipient_kind(target.target_set, target.addressee, fixed_kind)
    return {
        "target": {"name": target.name, "addressee": target.addressee, "kind": kind},
        "country": {"name": country_name(country_code, lang) if country_code else ""},
        "salutation": salutation(kind, lang, target.addressee),
    }


def tidy(text: str) -> str:
    """Plain-text hygiene: no trailing spaces, at most one blank line in a row, one final newline."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n") + "\n"
