"""Message catalogues: complete in every language we ship, used by key, and the page language chosen as promised."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from chalicelib.letters.states import Status
from chalicelib.web.i18n import LOCALES_DIR, UI_LANGUAGES, Messages, accepted, catalogue, negotiate

PROJECT_DIR = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def test_we_ship_exactly_the_six_un_languages():
    assert sorted(p.stem for p in LOCALES_DIR.glob("*.json")) == sorted(UI_LANGUAGES)


@pytest.mark.parametrize("language", UI_LANGUAGES)
def test_every_catalogue_is_complete_with_the_same_placeholders(language):
    english, other = catalogue("en"), catalogue(language)
    assert set(other) == set(english)
    for key, text in other.items():
        assert text.strip(), f"{language}: {key} is empty"
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(english[key])), f"{language}: {key}"


def test_every_letter_status_is_explained_to_supporters():
    assert {f"status.{s.value}" for s in Status} <= set(catalogue("en"))


def test_every_key_the_templates_and_the_script_use_exists():
    english = catalogue("en")
    pages = "".join(p.read_text(encoding="utf-8") for p in (PROJECT_DIR / "templates" / "pages").glob("*.html"))
    script = (PROJECT_DIR / "chalicelib" / "web" / "static" / "form.js").read_text(encoding="utf-8")
    used = set(re.findall(r't(?:\.isolated)?\(["\']([a-z_.]+)["\']', pages))
    used |= set(re.findall(r'say(?:Into)?\((?:\w+, )?"([a-z_.]+)"', script))
    fixed = {key for key in used if not key.endswith(".")}  # "status." ~ status: covered by the test above
    assert len(fixed) > 30 and fixed <= set(english), fixed - set(english)


@pytest.mark.parametrize(
    "requested,header,default,expected",
    [
        ("fr", "es", "en", "fr"),  # ?lang= wins
        ("fr-CA", None, "en", "fr"),  # only the language part counts
        (None, "de-DE,de;q=0.9,es;q=0.8,en;q=0.5", "en", "es"),  # the first one we have, by weight
        (None, "en;q=0.2, ar", "fr", "ar"),
        (None, "zh-Hant-TW", "en", "zh"),
        (None, "fr;q=0, ru;q=0.1", "en", "ru"),  # q=0 means "not this one"
        ("xx", "de", "es", "es"),  # nothing we have: the campaign's default
        (None, "*", "fr", "fr"),
        ("<script>", "garbage;;q=abc", "en", "en"),
    ],
)
def test_the_page_language_is_lang_then_accept_language_then_the_campaign_default(requested, header, default, expected):
    assert negotiate(requested, header, default) == expected


def test_accept_language_is_ranked_by_weight_then_order():
    assert accepted("es;q=0.5, fr, ar;q=0.5, ru;q=0") == ["fr", "es", "ar"]


def test_arabic_is_right_to_left_and_values_are_escaped_and_isolated():
    t = Messages("ar")
    assert t.direction == "rtl" and Messages("fr").direction == "ltr"
    html = str(t.isolated("done.sent_to", target="<b>Ministry</b>"))
    assert "<bdi>&lt;b&gt;Ministry&lt;/b&gt;</bdi>" in html and "<b>" not in html


def test_a_key_missing_from_a_catalogue_falls_back_to_english(monkeypatch):
    t = Messages("ru")
    monkeypatch.delitem(t._own, "form.submit")
    assert t("form.submit") == "Send my letter"
    with pytest.raises(KeyError):
        t("no.such.key")


def test_the_catalogues_are_valid_utf8_json_objects_of_strings():
    for path in LOCALES_DIR.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert all(isinstance(v, str) for v in data.values()), path
