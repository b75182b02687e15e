"""Message catalogues: complete in every language we ship, used by key, and the page language chosen as promised."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from chalicelib.i18n import LOCALES_DIR, UI_LANGUAGES, Messages, accepted, catalogue, negotiate
from chalicelib.letters.states import Status

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


KEY = re.compile(r"""["']([a-z_]+(?:\.[a-z_0-9]+)+)["']""")


def keys_used() -> set[str]:
    """Every catalogue key written out in the pages, the emails, the pages' Python and the form's script."""
    english = catalogue("en")
    namespaces = {key.split(".")[0] for key in english}
    sources = [
        *(PROJECT_DIR / "templates" / "pages").glob("*.html"),
        *(PROJECT_DIR / "templates" / "mail").glob("*.txt"),
        # the organisers' console is English; its campaign editor names campaign.toml's fields, not catalogue keys
        *(p for p in (PROJECT_DIR / "chalicelib" / "web").glob("*.py") if p.name != "campaign_editor_page.py"),
        PROJECT_DIR / "chalicelib" / "web" / "static" / "form.js",
    ]
    used = {key for path in sources for key in KEY.findall(path.read_text(encoding="utf-8"))}
    file_names = {key for key in used if key.rsplit(".", 1)[1] in ("js", "json", "html", "txt")}
    return {key for key in used - file_names if key.split(".")[0] in namespaces}


def test_every_key_the_pages_the_emails_and_the_script_use_exists_in_every_language():
    used = keys_used()
    assert len(used) > 100, sorted(used)  # the pages, the emails and the script all speak through the catalogues
    for language in UI_LANGUAGES:
        missing = used - set(catalogue(language))
        assert not missing, f"{language} lacks {sorted(missing)}"


def test_the_keys_built_from_a_value_exist_too():
    from chalicelib.web.pages import ANSWERS, ERROR_STATUSES
    from chalicelib.web.sign_on_pages import VISIBLE

    english = catalogue("en")
    for status in (*ERROR_STATUSES, 500):
        assert {f"error.title.{status}", f"error.detail.{status}"} <= set(english)
    for answer in ANSWERS:
        assert {f"follow_up.answer.{answer}", f"follow_up.thanks.{answer}"} <= set(english)
    for field in (*VISIBLE, "too_quick", "form_token", "other"):  # sign_on_pages.sign_on_error
        assert f"sign_on.errors.{field}" in english
    for why in ("unknown", "used", "expired"):  # outcomes/signatures.py's link errors
        assert f"sign_on.link.{why}" in english


def test_every_email_template_renders_in_every_language_with_no_english_left_over():
    from chalicelib.rendering import render

    context = dict(
        reminder=False,
        name="Awa",
        target="<Ministry>",
        organisation="Org",
        title="Title",
        confirm_url="https://c",
        delete_url="https://d",
        expires="2026-12-31",
        status_url="https://s",
        sent="2026-11-01",
        yes_url="https://y",
        no_url="https://n",
        not_yet_url="https://l",
        stop_url="https://x",
        signatory="Sig",
        withdraw_url="https://w",
    )
    english = {
        path.stem: render(f"mail/{path.name}", t=Messages("en"), **context)
        for path in (PROJECT_DIR / "templates" / "mail").glob("*.txt")
        if "." not in path.stem  # overflow_digest.<lang>.txt is a letter to a target, in the letter's language
    }
    assert set(english) == {"confirm", "already_wrote", "follow_up", "sign_on_confirm"}
    for language in UI_LANGUAGES:
        for reminder in (False, True):
            for name, text in english.items():
                mail = render(f"mail/{name}.txt", t=Messages(language), **{**context, "reminder": reminder})
                assert "<Ministry>" in mail or name == "sign_on_confirm"  # plain text: never HTML-escaped
                if language != "en":
                    assert "Hello" not in mail and "confirm:" not in mail, (language, name)


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
