"""The HTML form: accessible markup, and a plain form post (JavaScript off) that sends a letter or names the error."""
from __future__ import annotations

import re
from urllib.parse import urlencode

FORM = {"country": "KE", "name": "Amina Wanjiru", "email": "amina@example.org", "message": "<b>My words</b>",
        "lang": "en", "partner": "pen-kenya"}


def post_form(client, fields, letters_api=None):
    if letters_api is not None:  # the stamp the form page carries, issued a little while ago
        fields = {"form_token": letters_api.stamp("hrd-resolution"), **fields}
    return client.http.post("/campaigns/hrd-resolution/form", body=urlencode(fields).encode(),
                            headers={"Content-Type": "application/x-www-form-urlencoded"})


def test_every_input_has_a_label(client):
    page = client.http.get("/campaigns/hrd-resolution/form").body.decode()
    ids = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', page)
    assert {"country", "name", "email", "city", "message"} <= set(ids)
    for field_id in ids:
        assert f'<label for="{field_id}"' in page
    assert page.count("<option value=") == 196  # 195 countries and the prompt


def test_a_plain_form_post_sends_the_letter_once_confirmed(client, letters_api, drain, services):
    response = post_form(client, FORM, letters_api)

    assert response.status_code == 202
    page = response.body.decode()
    assert 'role="status"' in page and "/letters/" in page and "check your email" in page
    assert len(letters_api.notices()) == 1
    [item] = [i for i in services.aws.table.scan()["Items"] if i["sk"] == "LETTER"]
    letter_id = item["letter_id"]
    confirm_page = client.http.get(letters_api.link(letter_id))
    assert confirm_page.status_code == 200 and '<form method="post"' in confirm_page.body.decode()
    assert drain() == 0  # opening the link shows a button; mail scanners that only GET confirm nothing
    assert letters_api.confirm(letter_id).status_code == 200
    drain()
    [mail] = letters_api.letters_sent()
    assert "<b>My words</b>" in mail["body"]  # plain text mail carries the words as written
    assert item["partner"] == "pen-kenya"


def test_a_bad_form_post_shows_the_form_again_with_the_error_linked_to_the_field(client, letters_api, stored_items):
    response = post_form(client, {**FORM, "email": "nope"}, letters_api)

    assert response.status_code == 400
    page = response.body.decode()
    assert 'id="email-error"' in page
    assert re.search(r'id="email"[^>]*aria-invalid="true"', page, re.S)
    assert 'value="Amina Wanjiru"' in page  # nothing the supporter typed is lost
    assert "&lt;b&gt;My words&lt;/b&gt;" in page  # and everything shown is escaped
    assert stored_items() == []


def test_the_form_of_an_unknown_campaign_is_a_404_page(client):
    response = client.http.get("/campaigns/nope/form")
    assert response.status_code == 404
    assert "text/html" in response.headers["Content-Type"]


def test_dev_pages_exist_only_in_the_local_stage(client, monkeypatch, services):
    assert client.http.get("/dev/outbox.json").status_code == 200
    assert client.http.get("/dev/outbox").status_code == 200
    object.__setattr__(services.settings, "stage", "prod")
    assert client.http.get("/dev/outbox.json").status_code == 404
    assert client.http.get("/dev/outbox").status_code == 404
