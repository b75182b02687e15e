"""The HTML form: accessible markup, and a plain form post (JavaScript off) that sends a letter or names the error."""
from __future__ import annotations

import re
from urllib.parse import urlencode

FORM = {"country": "KE", "name": "Amina Wanjiru", "email": "amina@example.org", "message": "<b>My words</b>",
        "lang": "en", "partner": "pen-kenya"}


def post_form(client, fields):
    return client.http.post("/campaigns/hrd-resolution/form", body=urlencode(fields).encode(),
                            headers={"Content-Type": "application/x-www-form-urlencoded"})


def test_every_input_has_a_label(client):
    page = client.http.get("/campaigns/hrd-resolution/form").body.decode()
    ids = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', page)
    assert {"country", "name", "email", "city", "message"} <= set(ids)
    for field_id in ids:
        assert f'<label for="{field_id}"' in page
    assert page.count("<option value=") == 196  # 195 countries and the prompt


def test_a_plain_form_post_sends_the_letter(client, drain, outbox, services):
    response = post_form(client, FORM)

    assert response.status_code == 202
    page = response.body.decode()
    assert 'role="status"' in page and "/letters/" in page
    drain()
    [mail] = outbox()
    assert "<b>My words</b>" in mail["body"]  # plain text mail carries the words as written
    [item] = [i for i in services.aws.table.scan()["Items"]]
    assert item["partner"] == "pen-kenya"


def test_a_bad_form_post_shows_the_form_again_with_the_error_linked_to_the_field(client, stored_items):
    response = post_form(client, {**FORM, "email": "nope"})

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
