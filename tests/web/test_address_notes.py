"""The supporter is told what kind of address their letter goes to where it matters (a registry inbox, a public mail
provider, a press desk, an address of unstated purpose), in the preview's `route` and on the form."""

from __future__ import annotations

import pytest


def route_of(client, country, slug="hrd-resolution"):
    response = client.http.get(f"/campaigns/{slug}/targets/{country}")
    assert response.status_code == 200, response.body
    return response.json_body["route"]


@pytest.mark.parametrize(
    ("country", "kind", "answered_by", "named"),
    [
        ("CH", "desk", "foreign-ministry", "Federal Department of Foreign Affairs"),
        ("CZ", "registry", "foreign-ministry", "Ministry of Foreign Affairs"),
        ("ZW", "free-mail", "un-mission-new-york", "Permanent Mission of Zimbabwe"),
    ],
)
def test_a_noted_kind_comes_with_its_sentence_about_the_office_that_receives_it(
    client, country, kind, answered_by, named
):
    route = route_of(client, country)
    assert (route["answered_by"], route["address_kind"], route["address_note_key"]) == (
        answered_by,
        kind,
        f"address.{kind}",
    )
    assert named in route["address_note"]


def test_a_general_inbox_needs_no_note_and_a_placeholder_has_no_kind(client, hrd_without_chain):
    finland = route_of(client, "FI")  # a sourced address with no evidence: its kind is not known, nothing is said
    assert (finland["answered_by"], finland["address_kind"], finland["address_note_key"]) == (
        "foreign-ministry",
        None,
        None,
    )
    kenya = route_of(client, "KE", "whrd-resolution")  # the New York mission's general inbox
    assert (kenya["address_kind"], kenya["address_note"], kenya["address_note_key"]) == ("general", None, None)
    local = route_of(client, "KE")  # no chain: the local placeholder, which is no kind of address
    assert (local["address_kind"], local["address_note_key"]) == (None, None)


def test_every_note_is_in_the_six_languages():
    from chalicelib.i18n import Messages
    from chalicelib.web.api_views import NOTED_KINDS

    for language in ("ar", "en", "es", "fr", "ru", "zh"):
        for kind in NOTED_KINDS:
            text = Messages(language)(f"address.{kind}", name="X")
            english = Messages("en")(f"address.{kind}", name="X")
            assert "X" in text and text != f"address.{kind}", (language, kind)
            assert (text != english) == (language != "en"), (language, kind)  # translated, not the English fallback
