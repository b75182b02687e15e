"""Whether a page or an email in one language still carries words of ours in English (the catalogues' English, or
English sentences written into a template)."""

from __future__ import annotations

import html
import re

from markupsafe import escape

from chalicelib.i18n import Messages, catalogue

PLACEHOLDER = re.compile(r"\{\w+\}")
LATIN_WORDS = re.compile(r"[A-Za-z]{2,}(?:[ '’-]+[A-Za-z]{2,}){2,}")  # three Latin words in a row
NOT_LATIN = ("ar", "ru", "zh")


def english_left(page: str, language: str) -> list[str]:
    """The catalogue keys whose English words (any part of 12 characters or more) are on a page in `language`."""
    english, own = catalogue("en"), catalogue(language)
    return sorted(
        key
        for key, text in english.items()
        if own[key] != text
        and any(len(part.strip()) >= 12 and str(escape(part.strip())) in page for part in PLACEHOLDER.split(text))
    )


def latin_runs(page: str, data: tuple[str, ...]) -> list[str]:
    """Runs of Latin words in a page's visible text once the data (names people typed, the organiser's name) is
    taken out: on an Arabic, Russian or Chinese page, words of ours left in English."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    text = re.sub(r"\b(?:English|Français|Español)\b", " ", text)  # the language links name each in itself
    return LATIN_WORDS.findall(text)


def speaks_only(page: str, language: str, *data: str) -> None:
    """The page is marked as `language` (and its direction), and none of our words on it is left in English."""
    assert f'<html lang="{language}" dir="{Messages(language).direction}"' in page
    assert english_left(page, language) == []
    if language in NOT_LATIN:
        assert latin_runs(page, data) == []
