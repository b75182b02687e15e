"""Supporters see target names in their page's language (chalicelib/directory/target_names.py): the target
preview, the form posted without JavaScript, the emails and the pages behind their links; the letter itself is
addressed with the directory's sourced official name."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

BROWSER = "text/html,application/xhtml+xml"
MINISTRY, MISSION = "Ministry of Foreign and Diaspora Affairs", "Permanent Mission of Kenya to the United Nations"


def preview(client, query: str = "") -> dict:
    return json.loads(client.http.get(f"/campaigns/hrd-resolution/targets/KE{query}").body)


@pytest.mark.parametrize(
    "ui_language, ministry, mission",
    [
        ("fr", "Ministère des Affaires étrangères — Kenya", "Mission permanente auprès de l’ONU (New York) — Kenya"),
        ("ar", "وزارة خارجية كينيا", "بعثة كينيا الدائمة لدى الأمم المتحدة في نيويورك"),
        ("zh", "肯尼亚外交部", "肯尼亚常驻联合国代表团（纽约）"),
    ],
)
def test_the_target_preview_names_the_targets_in_the_pages_language(client, ui_language, ministry, mission):
    body = preview(client, f"?ui_language={ui_language}")
    assert (body["target"]["name"], body["target"]["display_name"]) == (MINISTRY, ministry)
    fallback = body["fallbacks"][0]["target"]
    assert (fallback["name"], fallback["display_name"]) == (MISSION, mission)
    assert body["letter"]["language"] == "en"  # Kenya's letter stays English: only what the supporter reads moves


def test_without_a_page_language_the_target_is_named_in_the_letters_language(client):
    assert preview(client)["target"]["display_name"] == MINISTRY
    assert preview(client, "?language=fr")["target"]["display_name"] == "Ministère des Affaires étrangères — Kenya"
    assert preview(client, "?ui_language=de")["target"]["display_name"] == MINISTRY  # not ours: English


def test_the_form_posted_without_javascript_names_the_target_in_french(
    client, services, letters_api, single_target_set
):
    single_target_set("hrd-resolution")  # no chain: the letter cannot be emailed, the supporter sends it
    object.__setattr__(services.settings, "sandbox_recipients", False)
    fields = {"country": "KE", "name": "Amina", "email": "amina@example.org", "lang": "fr", "ui_language": "fr"}
    page = client.http.post(
        "/campaigns/hrd-resolution/form",
        body=urlencode({"form_token": letters_api.stamp("hrd-resolution"), **fields}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    ).body.decode()
    assert "Ministère des Affaires étrangères — Kenya" in page and MINISTRY not in page


def test_a_chinese_supporters_mail_and_pages_name_the_mission_in_chinese_and_the_letter_keeps_its_name(
    client, letters_api, drain
):
    shown = "肯尼亚常驻联合国代表团（纽约）"
    response = letters_api.post("hrd-resolution", {"country": "KE", "name": "Li Wei", "email": "li@example.org",
                                                   "ui_language": "zh"})  # fmt: skip
    [mail] = letters_api.notices()
    assert shown in mail["subject"] + mail["body"] and MISSION not in mail["body"]
    status_url = response.json_body["status_url"]
    status = client.http.get("/" + status_url.split("://", 1)[1].split("/", 1)[1], headers={"Accept": BROWSER})
    assert shown in status.body.decode()

    assert letters_api.confirm(response.json_body["letter_id"]).status_code == 200
    drain()
    [letter] = letters_api.letters_sent()
    assert MISSION in letter["to"]  # addressed with the sourced official name
