"""GIVEN a supporter's letter WHEN it is posted, confirmed and the queue drained THEN the ministry gets it and the log
says sent."""

from __future__ import annotations

import json
from email.utils import getaddresses

LETTER = {
    "country": "KE",
    "name": "Amina Wanjiru",
    "email": "amina@example.org",
    "message": "I have seen defenders in Nairobi threatened for their work.",
}


def test_a_letter_reaches_the_ministry_and_the_log(letters_api, drain, services):
    # Kenya's ministry publishes no general address we could source, so the letter goes down the campaign's
    # chain to Kenya's Permanent Mission to the UN in New York (its Blue Book address); Finland's is used as it is.
    assert services.directory.target("foreign-ministry", "KE").email is None

    response = letters_api.post("hrd-resolution", {**LETTER, "partner": "amnesty-ke"})

    assert response.status_code == 202
    body = response.json_body
    assert body["status"] == "pending_confirmation"
    assert body["status_url"].endswith(f"/letters/{body['letter_id']}/" + body["status_url"].rsplit("/", 1)[1])
    assert drain() == 0 and letters_api.letters_sent() == []  # nothing reaches the ministry unconfirmed
    assert letters_api.confirm(body["letter_id"]).status_code == 200
    assert drain() == 1
    [mail] = letters_api.letters_sent()
    assert getaddresses([mail["to"]]) == [("Permanent Mission of Kenya to the United Nations", "info@kenyaun.org")]
    assert getaddresses([mail["reply_to"]]) == [("Amina Wanjiru", "amina@example.org")]
    display, address = getaddresses([mail["from"]])[0]
    assert address == "letters@demarche.example.org"
    assert display == "Amina Wanjiru via Defenders Coalition (example)"
    campaign = services.campaigns.get("hrd-resolution")
    assert mail["subject"] == campaign.subject["en"]
    assert LETTER["message"] in mail["body"]
    assert "Amina Wanjiru" in mail["body"]

    letter = services.letters.get(body["letter_id"])
    assert letter.status == "sent"
    assert letter.ses_message_id == mail["message_id"]
    assert letter.partner == "amnesty-ke"
    assert letter.target_email == "info@kenyaun.org" and letter.target_set == "un-mission-new-york"


def test_a_sourced_ministry_address_is_used_as_published(letters_api, drain, services):
    finland = services.directory.target("foreign-ministry", "FI")
    assert finland.email and finland.source

    letters_api.send("hrd-resolution", {**LETTER, "country": "FI"})
    drain()

    assert getaddresses([letters_api.letters_sent()[0]["to"]])[0][1] == finland.email


def test_the_status_link_shows_progress_and_nothing_else(client, letters_api, drain):
    body = letters_api.post("hrd-resolution", LETTER).json_body
    path = body["status_url"].split("://", 1)[1].split("/", 1)[1]

    pending = client.http.get("/" + path).json_body
    letters_api.confirm(body["letter_id"])
    before = client.http.get("/" + path).json_body
    drain()
    after = client.http.get("/" + path).json_body

    assert pending["status"] == "pending_confirmation"
    assert before["status"] == "queued" and after["status"] == "sent"
    assert "amina@example.org" not in json.dumps(after)
    wrong = client.http.get(f"/letters/{body['letter_id']}/not-the-token")
    assert wrong.status_code == 404


def test_language_follows_the_country_and_the_supporter_may_choose(letters_api, settle, services):
    campaign = services.campaigns.get("hrd-resolution")

    letters_api.send("hrd-resolution", {**LETTER, "country": "SN"})  # Senegal writes in French
    letters_api.send("hrd-resolution", {**LETTER, "country": "SN", "language": "es", "email": "ana@example.org"})
    letters_api.send("hrd-resolution", {**LETTER, "country": "JP"})  # Japanese is not a campaign language
    settle()  # the second letter to Senegal's ministry is paced: it goes a little later

    subjects = sorted(m["subject"] for m in letters_api.letters_sent())
    assert subjects == sorted([campaign.subject["fr"], campaign.subject["es"], campaign.subject["en"]])


def test_outside_the_local_sandbox_a_target_without_address_is_refused_not_guessed(
    letters_api, services, stored_items, single_target_set
):
    single_target_set("hrd-resolution")
    object.__setattr__(services.front_door, "_sandbox", False)
    response = letters_api.post("hrd-resolution", LETTER)
    assert response.status_code == 422
    assert response.json_body["error"]["code"] == "target_unreachable"
    assert stored_items() == []


def test_fixed_target_campaign_records_the_country(client, letters_api, services, drain):
    # The Secretary-General has no published address in the example campaign: we never guess one.
    response = letters_api.send("sg-defenders", LETTER)
    drain()
    assert services.letters.get(response.json_body["letter_id"]).country == "KE"
    assert getaddresses([letters_api.letters_sent()[0]["to"]])[0][1] == "fixed.ke@sandbox.invalid"
    preview = client.http.get("/campaigns/sg-defenders/targets/KE").json_body
    assert preview["target"]["name"] == "Secretary-General of the United Nations"
    assert preview["target"]["email_available"] is False
    assert preview["country"] == {"code": "KE", "name": "Kenya"}


def test_campaign_list_and_detail(client):
    slugs = {c["slug"] for c in client.http.get("/campaigns").json_body["campaigns"]}
    assert {"hrd-resolution", "whrd-resolution", "hrd-mandate", "sg-defenders"} <= slugs
    detail = client.http.get("/campaigns/hrd-mandate").json_body
    assert detail["target_set"] == "un-mission-geneva"
    assert len(detail["countries"]) == 195
    assert {"en", "fr", "es"} <= set(detail["languages"])
    assert client.http.get("/campaigns/nope").status_code == 404


def test_preview_renders_the_letter_for_a_country(client):
    data = client.http.get("/campaigns/hrd-mandate/targets/Kenya?name=Jo%20Doe&message=Hello%20there").json_body
    assert data["target"]["target_set"] == "un-mission-geneva"
    assert "Kenya" in data["target"]["name"]
    assert "Jo Doe" in data["letter"]["body"] and "Hello there" in data["letter"]["body"]
    assert client.http.get("/campaigns/hrd-mandate/targets/Atlantis").status_code == 404
