"""The letter greets whoever receives it: a minister, a Permanent Representative or Observer, the Secretary-General,
in the letter's language, chosen from the route's resolved target, also down the campaign's chain."""

from __future__ import annotations

import shutil

import pytest

from chalicelib.campaigns.catalogue import CAMPAIGNS_DIR, load_campaign
from chalicelib.errors import CampaignFileError
from chalicelib.letters.letter import Letter
from chalicelib.letters.salutations import RECIPIENT_KINDS, SALUTATIONS, recipient_kind, salutation

MINISTER = {"fr": "Madame la Ministre, Monsieur le Ministre,", "es": "Excelentísimo/a Sr./Sra. Ministro/a:"}
AMBASSADOR = {"fr": "Madame l'Ambassadrice, Monsieur l'Ambassadeur,", "es": "Excelentísimo/a Sr./Sra. Embajador/a:"}
LETTER = {"name": "Amina Wanjiru", "email": "amina@example.org", "message": "Please act."}


def preview(client, slug, country, language):
    response = client.http.get(f"/campaigns/{slug}/targets/{country}?language={language}")
    assert response.status_code == 200, response.body
    return response.json_body


def first_line(body: str) -> str:
    return body.split("\n", 1)[0]


@pytest.mark.parametrize("language", ["fr", "es"])
@pytest.mark.parametrize("slug", ["hrd-resolution", "whrd-resolution"])
def test_down_the_chain_the_letter_greets_the_mission_not_the_minister(client, slug, language):
    # GIVEN Finland's ministry has its own address, and Kenya's letter goes to its New York mission instead
    finland = preview(client, slug, "FI", language)
    kenya = preview(client, slug, "KE", language)
    assert finland["route"]["answered_by"] == "foreign-ministry"
    assert kenya["route"]["answered_by"] == "un-mission-new-york"
    # THEN each letter greets its own recipient, in the letter's language
    assert first_line(finland["letter"]["body"]) == MINISTER[language]
    assert first_line(kenya["fallbacks"][0]["letter"]["body"]) == AMBASSADOR[language]


def test_english_names_the_addressee_the_directory_gives(client):
    kenya = preview(client, "hrd-resolution", "KE", "en")
    assert first_line(kenya["fallbacks"][0]["letter"]["body"]) == "Dear Ambassador and Permanent Representative,"
    assert first_line(preview(client, "hrd-resolution", "FI", "en")["letter"]["body"]) == (
        "Dear Minister for Foreign Affairs,"
    )


def test_the_letter_as_sent_down_the_chain_greets_the_mission(letters_api, services):
    letters_api.send("hrd-resolution", {**LETTER, "country": "KE", "language": "fr"})
    (letter,) = [i for i in services.aws.table.scan()["Items"] if i.get("sk") == "LETTER"]
    assert letter["target_set"] == "un-mission-new-york"
    assert first_line(Letter.from_item(letter).body) == AMBASSADOR["fr"]  # stored packed (letters/letter.py)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Dear Secretary-General,"),
        ("fr", "Madame la Secrétaire générale, Monsieur le Secrétaire général,"),
        ("es", "Excelentísimo/a Sr./Sra. Secretario/a General:"),
    ],
)
def test_the_secretary_general_is_greeted_as_such(client, language, expected):
    assert first_line(preview(client, "sg-defenders", "KE", language)["letter"]["body"]) == expected


def test_a_digest_greets_the_minister_in_its_language_not_with_an_english_title(client):
    body = preview(client, "defenders-digest", "FI", "es")["letter"]["body"]
    assert first_line(body) == MINISTER["es"]


def test_a_permanent_observer_is_greeted_as_one(services):
    from chalicelib.letters.composing import render_letter

    campaign = services.campaigns.get("hrd-resolution")
    target = services.directory.target("un-mission-new-york", "PS")
    assert recipient_kind(target.target_set, target.addressee) == "observer"
    body = render_letter(campaign, "PS", target, "fr", supporter={"name": "A", "city": "", "message": ""}).body
    assert first_line(body) == "Madame l'Observatrice permanente, Monsieur l'Observateur permanent,"


def test_every_kind_has_a_greeting_in_the_six_un_languages():
    for kind in RECIPIENT_KINDS:
        assert set(SALUTATIONS[kind]) == {"ar", "en", "es", "fr", "ru", "zh"}, kind
        assert all(text.strip() and "\n" not in text for text in SALUTATIONS[kind].values()), kind
    assert salutation("ambassador", "ru") == SALUTATIONS["ambassador"]["ru"]
    assert salutation("minister", "en", "Ambassador Jane Doe") == "Dear Ambassador Jane Doe,"
    assert salutation("minister", "en") == "Dear Minister,"
    assert salutation("unknown-kind", "de") == SALUTATIONS["generic"]["en"]


def test_a_fixed_target_of_an_unknown_kind_is_refused(tmp_path):
    folder = tmp_path / "sg"
    shutil.copytree(CAMPAIGNS_DIR / "sg-defenders", folder)
    path = folder / "campaign.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('kind = "secretary-general"', 'kind = "pope"'), encoding="utf-8"
    )
    with pytest.raises(CampaignFileError) as info:
        load_campaign(folder)
    assert info.value.field == "fixed_target.kind"
