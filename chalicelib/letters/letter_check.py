"""The campaign linter's widest check: a campaign's letter rendered for every language it has and every country
a supporter may pick, as that supporter would get it (with and without their optional parts).

check_campaign_deeply (campaigns/catalogue.py) renders each template once with sample values; this one catches
what only some countries reach (a branch on the country, a target with no addressee). The tests and
`make package` run it on every campaign.
"""

from __future__ import annotations

from chalicelib.campaigns.catalogue import Campaign
from chalicelib.directory import Directory
from chalicelib.letters.composing import Supporter, compose, resolve_target

FULL = Supporter("Jo Doe", "jo@example.org", "Mombasa", "My words.")
BARE = Supporter("Jo Doe", "jo@example.org")


def letter_problems(campaign: Campaign, directory: Directory) -> list[str]:
    """Every way the campaign's letter fails for some language × country, one line each ("" if none)."""
    problems = []
    for language in campaign.languages:
        for country in directory.countries():
            where = f"{campaign.slug}: letter.{language}.txt for {country.alpha2}"
            try:
                target = resolve_target(campaign, country, directory)
                full, bare = (compose(campaign, country, target, s, language) for s in (FULL, BARE))
            except Exception as exc:  # noqa: BLE001 (reported with where it happened, never swallowed)
                problems.append(f"{where}: {type(exc).__name__}: {exc}")
                continue
            for letter in (full, bare):
                if letter.language != language:
                    problems.append(f"{where}: rendered in {letter.language}")
                if not letter.subject.strip() or not letter.body.strip():
                    problems.append(f"{where}: empty subject or body")
                if "{{" in letter.body or "{%" in letter.body:
                    problems.append(f"{where}: template syntax left in the letter")
            if not campaign.is_sign_on and "My words." not in full.body:
                problems.append(f"{where}: the supporter's own words are not in the letter")
    return problems
