"""A target's name as a supporter reads it, in the page's language (ar, en, es, fr, ru, zh).

The directory keeps each target's sourced official name (`name_en`), and letters are addressed with it. Nobody
publishes those names translated, so a supporter reading another language sees a pattern for the target set
(`target_name.<set>` in chalicelib/locales/<lang>.json) filled with the state's CLDR name in that language
(country_names.py): "Министерство иностранных дел — Кения", "肯尼亚外交部". English pages show the official name.
A set without a pattern (a campaign's fixed target) keeps its own name in every language.
"""

from __future__ import annotations

from typing import Protocol

from chalicelib.directory.country_names import country_name
from chalicelib.directory.index import default_directory
from chalicelib.i18n import Messages

PATTERN = "target_name."


def pattern_keys(target_set: str, country: str) -> tuple[str, ...]:
    """The catalogue keys that may name `country`'s target in `target_set`, most specific first: the state's own
    (the Holy See's foreign ministry is its Secretariat of State), an observer's mission, then the set's."""
    key = PATTERN + target_set
    found = default_directory().find_country(country)
    observer = (f"{key}.observer",) if found is not None and found.status == "observer" else ()
    return (f"{key}.{country.lower()}", *observer, key)


def shown_name(official: str, target_set: str, country: str | None, language: str) -> str:
    """The name to show a supporter reading `language` for the target `official` names (`target_set`, `country`)."""
    t = Messages(language)  # a language we do not have is English
    if not country or (t.language == "en" and official):
        return official
    for key in pattern_keys(target_set, country.upper()):
        if key in t:
            return t(key, country=country_name(country, t.language))
    return official


class AddressedLetter(Protocol):
    target_name: str
    target_set: str
    country: str


def letter_target_name(letter: AddressedLetter, language: str) -> str:
    """Who a letter goes to, named for its supporter reading `language` (the letter keeps the official name)."""
    return shown_name(letter.target_name, letter.target_set, letter.country, language)
