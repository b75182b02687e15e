"""Every word a supporter or signatory reads, pages, emails and the form's script alike, in the six UN languages:
one JSON message catalogue per language in chalicelib/locales/.

Templates (pages/*.html, mail/*.txt) and scripts hold keys, never sentences. The interface follows the
supporter's language (the page's `?lang=`, else the browser's Accept-Language, else the campaign's first
language), kept with their letter for the emails and pages that come later; never the letter's language.
Plain JSON, not gettext: no compile step, no runtime dependency in the Lambda zip, and the same file feeds the
form's script. tests/web/test_i18n.py fails on a key missing from any catalogue or used but not defined.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:  # pragma: no cover
    from markupsafe import Markup

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
UI_LANGUAGES = ("en", "fr", "es", "ar", "zh", "ru")
RIGHT_TO_LEFT = frozenset({"ar"})
ENDONYMS = {"en": "English", "fr": "Français", "es": "Español", "ar": "العربية", "zh": "中文", "ru": "Русский"}
GROUP_SEPARATORS = {"fr": "\u202f", "ru": "\u00a0", "es": "."}  # the others use ","
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_TAG = re.compile(r"^\s*([A-Za-z]{1,8})(?:[-_][A-Za-z0-9-]*)?\s*$")


@lru_cache(maxsize=None)
def catalogue(language: str) -> dict[str, str]:
    return json.loads((LOCALES_DIR / f"{language}.json").read_text(encoding="utf-8"))


def primary(tag: str | None) -> str | None:
    """The language part of a BCP 47 tag, lower-cased ("fr-CA" -> "fr"); None if it is not a tag."""
    match = _TAG.match(tag or "")
    return match.group(1).lower() if match else None


def accepted(header: str | None) -> list[str]:
    """The languages of an Accept-Language header, most wanted first (q=0 means "not this one")."""
    ranked = []
    for position, item in enumerate((header or "").split(",")):
        tag, _, params = item.partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        language = primary(tag)
        if language and quality > 0:
            ranked.append((-quality, position, language))
    return [language for _, _, language in sorted(ranked)]


def negotiate(
    requested: str | None, accept_language: str | None, default: str, available: Iterable[str] = UI_LANGUAGES
) -> str:
    """`?lang=` if we have it, else the first Accept-Language we have, else `default`."""
    have = tuple(available)
    for language in (primary(requested), *accepted(accept_language)):
        if language in have:
            return language
    return default if default in have else have[0]


class Messages:
    """One language's messages: `t("form.submit")`, `t("target.goes_to", name=...)`."""

    def __init__(self, language: str) -> None:
        self.language = language if language in UI_LANGUAGES else "en"
        self.direction = "rtl" if self.language in RIGHT_TO_LEFT else "ltr"
        self._own = catalogue(self.language)
        self._english = catalogue("en")

    def __call__(self, key: str, **values: Any) -> str:
        text = self._own.get(key) or self._english[key]  # an unknown key is a bug: KeyError, caught by tests
        return text.format(**values) if values else text

    def number(self, n: int) -> str:
        """`n` with this language's thousands separator (1,234 / 1 234 / 1.234)."""
        return f"{n:,}".replace(",", GROUP_SEPARATORS.get(self.language, ","))

    def __contains__(self, key: str) -> bool:
        return key in self._english

    def isolated(self, key: str, **values: Any) -> "Markup":
        """The message as HTML, each value escaped and isolated in <bdi> (an English name in an Arabic sentence)."""
        from markupsafe import Markup, escape

        text = self._own.get(key) or self._english[key]
        parts = _PLACEHOLDER.split(text)  # text, name, text, name, …, text
        return Markup("").join(
            escape(part) if index % 2 == 0 else Markup("<bdi>%s</bdi>") % values[part]
            for index, part in enumerate(parts)
        )

    def group(self, prefix: str) -> dict[str, str]:
        """Every message whose key starts with `prefix`, unformatted (for the page's script)."""
        return {key: self(key) for key in self._english if key.startswith(prefix)}


def direction(language: str) -> str:
    return "rtl" if language in RIGHT_TO_LEFT else "ltr"
