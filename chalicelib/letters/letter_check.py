"""The campaign linter's widest check: a campaign's letter rendered for every language it has and every country
a supporter may pick, as that supporter would get it (with and without their optional parts).

check_campaign_deeply (campaigns/catalogue.py) renders each template once with sample values; this one catches
what only some countries reach (a branch on the country, a target with no addressee). The tests and
`make package` run it on every campaign.

A letter in a language not written in Latin script (ar, ru, zh) must not name a state in English: the country
of the supporter, and of each person or organisation in a digest's or sign-on letter's list (rendered here with
one sample entry from the country), is named in the letter's language (chalicelib/directory/country_names.py).
"""

from __future__ import annotations

from dataclasses import replace

from chalicelib.campaigns.catalogue import Campaign
from chalicelib.directory import Country, Directory, Target
from chalicelib.directory.country_names import country_name
from chalicelib.letters.composing import (
    MAX_BODY_CHARACTERS,
    ComposedLetter,
    Supporter,
    compose,
    editable_body,
    render_letter,
    resolve_target,
)

FULL = Supporter("Jo Doe", "jo@example.org", "Mombasa", "My words.")
BARE = Supporter("Jo Doe", "jo@example.org")
OWN_WORDS = "My words."
MARK = "\ue000"  # where a supporter's own body goes (a private-use character: in no template)
NOT_LATIN = frozenset({"ar", "ru", "zh"})  # the UN languages whose letters must name no state in English


def signed_sample(campaign: Campaign, country: Country, target: Target, language: str) -> list[ComposedLetter]:
    """A sign-on letter with one signatory from `country` (the letter as composed for a supporter lists none)."""
    if not campaign.is_sign_on:
        return []
    one = {"number": 1, "organisation": "Org", "country": country.name, "country_code": country.alpha2}
    return [render_letter(campaign, country.alpha2, target, language, signatories=[one])]


def latin_names(letter: ComposedLetter, country: Country) -> list[str]:
    """The English names of `country` left in a letter written in Arabic, Russian or Chinese."""
    if letter.language not in NOT_LATIN:
        return []
    return sorted({name for name in (country.name, country_name(country.alpha2, "en")) if name in letter.body})


def letter_problems(campaign: Campaign, directory: Directory) -> list[str]:
    """Every way the campaign's letter fails for some language × country, one line each ("" if none)."""
    problems = []
    writes_body = campaign.supporter_writes_body
    # Where the supporter edits or writes the body, their words are the body; else a paragraph in the campaign's.
    full_supporter = replace(FULL, message="", body=OWN_WORDS) if writes_body else FULL
    for language in campaign.languages:
        try:
            own = editable_body(campaign, language) if writes_body else ""
        except Exception as exc:  # noqa: BLE001 (no body block: check_letter says how to mark it)
            problems.append(f"{campaign.slug}: letter.{language}.txt: its body block: {type(exc).__name__}: {exc}")
            continue
        if len(own) > MAX_BODY_CHARACTERS:
            problems.append(
                f"{campaign.slug}: letter.{language}.txt: its body block is {len(own)} characters, more than the "
                f"{MAX_BODY_CHARACTERS} a supporter may send: they could not send it unchanged"
            )
        for country in directory.countries():
            where = f"{campaign.slug}: letter.{language}.txt for {country.alpha2}"
            try:
                target = resolve_target(campaign, country, directory)
                full, bare = (compose(campaign, country, target, s, language) for s in (full_supporter, BARE))
                marked = compose(campaign, country, target, replace(BARE, body=MARK), language) if writes_body else None
                signed = signed_sample(campaign, country, target, language)
            except Exception as exc:  # noqa: BLE001 (reported with where it happened, never swallowed)
                problems.append(f"{where}: {type(exc).__name__}: {exc}")
                continue
            for letter in (full, bare, *signed):
                if letter.language != language:
                    problems.append(f"{where}: rendered in {letter.language}")
                if not letter.subject.strip() or not letter.body.strip():
                    problems.append(f"{where}: empty subject or body")
                if "{{" in letter.body or "{%" in letter.body:
                    problems.append(f"{where}: template syntax left in the letter")
                for name in latin_names(letter, country):
                    problems.append(f"{where}: the country is named in English ({name!r}), not in {language}")
            if not campaign.is_sign_on and OWN_WORDS not in full.body:
                problems.append(f"{where}: the supporter's own words are not in the letter")
            # The form shows the body before a country is chosen (and without JavaScript): it must not depend on it.
            if marked is not None and marked.body.replace(MARK, own) != bare.body:
                problems.append(
                    f"{where}: the body block reads differently for this country; the part a supporter "
                    "edits must be the same for every country (greet them in the text around it)"
                )
    return problems
