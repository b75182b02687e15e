"""How much of the letter is the supporter's (`[letter] editing`): add a paragraph (the default), edit the body, or
write their own under the campaign's subject. The server decides: a submission that changes more than the campaign
allows, or sends an empty or too long body, is refused naming the field, and nothing is kept."""

from __future__ import annotations

import pytest

LETTER = {"country": "FI", "name": "Aino Virtanen", "email": "aino@example.org", "city": "Tampere"}
FIRST_SENTENCE = "I am writing to ask that our government support"


def refused(response, field: str) -> str:
    assert response.status_code == 400, response.body
    error = response.json_body["error"]
    assert error["field"] == field, error
    return error["message"]


def sent_letter(letters_api, drain, payload) -> dict:
    letters_api.send("hrd-resolution", payload)
    assert drain() == 1
    [mail] = letters_api.letters_sent()
    return mail


# --- add_paragraph: the default ------------------------------------------------------------------------------


def test_by_default_the_letter_itself_cannot_be_edited(letters_api, stored_items):
    response = letters_api.post("hrd-resolution", {**LETTER, "letter_body": "My whole own letter."})

    assert "cannot be edited" in refused(response, "letter_body")
    assert stored_items() == []


def test_the_added_words_may_be_several_paragraphs(letters_api, drain):
    words = "First paragraph of mine.\n\nA second one.\n\nAnd a third."

    mail = sent_letter(letters_api, drain, {**LETTER, "message": words})

    assert words in mail["body"].replace("\r\n", "\n")
    assert FIRST_SENTENCE in mail["body"]


# --- edit_body ------------------------------------------------------------------------------------------------


def test_an_edited_body_is_the_letter_sent_with_our_greeting_and_sign_off(editing, letters_api, drain):
    editing("edit_body")
    body = "I ask our government to co-sponsor the resolution.\n\nDefenders in Finland and abroad are watching."

    mail = sent_letter(letters_api, drain, {**LETTER, "letter_body": body})

    text = mail["body"].replace("\r\n", "\n")
    assert text.startswith(
        "Dear Minister for Foreign Affairs,\n\n" + body + "\n\n"
    )  # the greeting is ours, per recipient
    assert text.rstrip().endswith("Yours sincerely,\nAino Virtanen\nTampere, Finland")  # and so is the sign-off
    assert FIRST_SENTENCE not in text


@pytest.mark.parametrize("mode", ["edit_body", "own_letter"])
def test_a_body_campaign_refuses_an_added_paragraph_and_an_empty_body(mode, editing, letters_api, stored_items):
    editing(mode)

    assert "letter_body" in refused(letters_api.post("hrd-resolution", {**LETTER, "message": "Hi."}), "message")
    assert "empty" in refused(letters_api.post("hrd-resolution", LETTER), "letter_body")
    assert "empty" in refused(letters_api.post("hrd-resolution", {**LETTER, "letter_body": " \n\n "}), "letter_body")
    assert stored_items() == []


def test_a_body_longer_than_the_limit_is_refused(editing, letters_api, stored_items):
    from chalicelib.letters.composing import MAX_BODY_CHARACTERS

    editing("edit_body")
    response = letters_api.post("hrd-resolution", {**LETTER, "letter_body": "文" * (MAX_BODY_CHARACTERS + 1)})

    assert "at most 4000 characters" in refused(response, "letter_body")
    assert stored_items() == []
    # the longest allowed body, in Chinese, fits in the request (3 bytes a character in UTF-8)
    ok = letters_api.post("hrd-resolution", {**LETTER, "letter_body": "文" * MAX_BODY_CHARACTERS})
    assert ok.status_code == 202, ok.body


# --- own_letter -----------------------------------------------------------------------------------------------


def test_their_own_letter_goes_under_the_campaigns_subject(editing, letters_api, drain, services):
    editing("own_letter")
    body = "As a teacher in Tampere I see why defenders matter.\nPlease back the resolution."

    mail = sent_letter(letters_api, drain, {**LETTER, "letter_body": body})

    assert mail["subject"] == services.campaigns.get("hrd-resolution").subject["en"]
    assert body in mail["body"].replace("\r\n", "\n")
    assert FIRST_SENTENCE not in mail["body"]


def test_supporter_text_is_never_template_source(editing, letters_api, drain):
    editing("own_letter")
    body = "{{ 7*7 }} and {% for x in range(3) %}x{% endfor %} and {{ salutation }} {# not a comment #}"

    mail = sent_letter(letters_api, drain, {**LETTER, "letter_body": body, "name": "{{ 6*7 }}"})

    text = mail["body"]
    assert body in text and "{{ 6*7 }}" in text
    assert "49" not in text and "xxx" not in text and "42" not in text


def test_the_preview_gives_the_form_the_body_and_the_letter_around_it(editing, client):
    editing("edit_body")

    data = client.http.get("/campaigns/hrd-resolution/targets/FR?language=fr").json_body

    editing_view = data["editing"]
    assert editing_view["mode"] == "edit_body"
    assert editing_view["body"].startswith("Je vous écris pour demander")
    assert data["letter"]["body"] == editing_view["before"] + editing_view["body"] + editing_view["after"]
    assert editing_view["before"].strip().endswith(",") and "[Votre nom]" in editing_view["after"]
    assert client.http.get("/campaigns/hrd-resolution").json_body["editing"] == "edit_body"


def test_a_letter_nobody_can_be_emailed_comes_back_with_the_supporters_own_body(
    hrd_without_chain, editing, letters_api, services, stored_items
):
    object.__setattr__(services.settings, "sandbox_recipients", False)  # as in the dev and prod stages
    editing("own_letter")
    body = "Brazil should co-sponsor the resolution: defenders here are at risk."

    response = letters_api.post("hrd-resolution", {**LETTER, "country": "BR", "letter_body": body})

    assert response.status_code == 422, response.body
    error = response.json_body["error"]
    assert error["code"] == "target_unreachable"
    assert body in error["letter"]["body"] and FIRST_SENTENCE not in error["letter"]["body"]
    assert stored_items() == []
