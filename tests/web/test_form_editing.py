"""The form page shows the control the campaign's editing mode allows, and works without JavaScript."""

from __future__ import annotations

import html
import re

from test_form_page import post_form  # the no-JavaScript post, with the stamp the form page carries


def textarea(page: str, name: str) -> str | None:
    found = re.search(rf'<textarea id="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    return html.unescape(found.group(1)) if found else None


def test_add_paragraph_shows_the_message_field_only(client):
    page = client.http.get("/campaigns/hrd-resolution/form").body.decode()
    assert textarea(page, "message") == "" and textarea(page, "letter_body") is None
    assert "a few lines or several paragraphs" in page


def test_edit_body_starts_from_the_campaigns_text_in_the_pages_language(editing, client):
    editing("edit_body")

    page = client.http.get("/campaigns/hrd-resolution/form?lang=fr").body.decode()

    body = textarea(page, "letter_body")
    assert body.startswith("Je vous écris pour demander") and body.endswith("droits d'autrui.")
    assert textarea(page, "message") is None
    assert '<label for="letter_body">Votre lettre (modifiez-la à votre guise)</label>' in page
    assert re.search(r'<textarea id="letter_body"[^>]*lang="fr"', page)
    assert '<option value="fr" lang="fr" selected>' in page  # the letter is in the language of its body


def test_own_letter_starts_empty(editing, client):
    editing("own_letter")
    page = client.http.get("/campaigns/hrd-resolution/form?lang=es").body.decode()
    assert textarea(page, "letter_body") == ""
    assert '<label for="letter_body">Su carta</label>' in page


def test_without_javascript_an_edited_body_is_sent(editing, client, letters_api, drain):
    editing("edit_body")
    body = "Please co-sponsor the resolution.\r\n\r\nIt matters to me."
    fields = {"country": "FI", "name": "Aino Virtanen", "email": "aino@example.org", "language": "en"}

    response = post_form(client, {**fields, "letter_body": body, "lang": "en"}, letters_api)

    assert response.status_code == 202, response.body
    [notice] = letters_api.notices()
    letter_id = re.search(r"/letters/([^/]+)/confirm/", notice["body"]).group(1)
    assert letters_api.confirm(letter_id).status_code == 200
    assert drain() == 1
    [mail] = letters_api.letters_sent()
    assert "Please co-sponsor the resolution.\n\nIt matters to me." in mail["body"].replace("\r\n", "\n")


def test_without_javascript_an_empty_body_comes_back_named_in_the_pages_language(editing, client, letters_api):
    editing("edit_body")
    fields = {"country": "FI", "name": "Aino Virtanen", "email": "aino@example.org", "lang": "fr"}

    response = post_form(client, {**fields, "letter_body": ""}, letters_api)

    page = response.body.decode()
    assert response.status_code == 400
    assert '<a href="#letter_body">Écrivez votre lettre' in page
    assert textarea(page, "letter_body") == ""  # what they sent, not the campaign's text again
    assert re.search(r'<textarea id="letter_body"[^>]*aria-invalid="true"', page)
