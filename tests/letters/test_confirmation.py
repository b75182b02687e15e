"""Double opt-in: GIVEN a posted letter WHEN its emailed link is used (once, tampered, late) THEN only a confirmed
letter reaches the ministry, and an unconfirmed one expires with its personal data removed."""

from __future__ import annotations

from email.utils import getaddresses

import pytest

LETTER = {"country": "SN", "name": "Awa Diop", "email": "awa@example.org", "message": "Protégez les défenseurs."}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def pending(letters_api):
    """A posted, unconfirmed letter: its id."""
    response = letters_api.post("hrd-resolution", LETTER)
    assert response.status_code == 202 and response.json_body["status"] == "pending_confirmation"
    return response.json_body["letter_id"]


def test_the_confirmation_email_is_short_in_the_letters_language_from_the_campaign(letters_api, pending, services):
    [mail] = letters_api.notices()
    campaign = services.campaigns.get("hrd-resolution")

    assert getaddresses([mail["from"]]) == [(campaign.organisation, campaign.sender_address)]
    assert getaddresses([mail["to"]]) == [("Awa Diop", "awa@example.org")]
    assert mail["subject"].startswith("Merci de confirmer")  # Senegal's letter is in French, so is its email
    assert letters_api.link(pending) in mail["body"] and letters_api.link(pending, DELETE) in mail["body"]
    assert len(mail["body"].splitlines()) < 20


def test_nothing_reaches_the_ministry_before_confirmation_and_one_letter_after(letters_api, pending, drain, services):
    assert drain() == 0 and letters_api.letters_sent() == []

    assert letters_api.confirm(pending).status_code == 200
    drain()

    assert services.letters.get(pending).status == "sent"
    assert len(letters_api.letters_sent()) == 1


def test_a_reused_link_is_410_and_sends_nothing_more(letters_api, pending, drain, client):
    letters_api.confirm(pending)
    drain()

    again = letters_api.confirm(pending)
    looked = client.http.get(letters_api.link(pending))
    drain()

    assert again.status_code == 410 and looked.status_code == 410
    assert "already used" in again.body.decode()
    assert len(letters_api.letters_sent()) == 1


@pytest.mark.parametrize(
    "tamper",
    [
        lambda path: path[:-1] + ("A" if path[-1] != "A" else "B"),  # one character changed
        lambda path: path[:-10],  # truncated
        lambda path: path.replace("/confirm/", "/confirm/x"),
        lambda path: "/letters/00000000-0000-0000-0000-000000000000/confirm/" + path.rsplit("/", 1)[1],  # other letter
    ],
)
def test_a_tampered_or_unknown_link_is_404_and_sends_nothing(letters_api, pending, client, drain, services, tamper):
    path = tamper(letters_api.link(pending))

    response = client.http.post(path, body=b"", headers=FORM)
    looked = client.http.get(path)
    drain()

    assert response.status_code == 404 and looked.status_code == 404
    assert "text/html" in response.headers["Content-Type"]
    assert services.letters.get(pending).status == "pending_confirmation"
    assert letters_api.letters_sent() == []


def test_a_status_token_does_not_confirm(letters_api, pending, client, services):
    status_token = services.signer.token("status", pending)  # the status link's: tokens are bound to a purpose
    assert client.http.get(f"/letters/{pending}/{status_token}").status_code == 200
    response = client.http.post(f"/letters/{pending}/confirm/{status_token}", body=b"", headers=FORM)
    assert response.status_code == 404


def test_an_expired_link_is_410_and_sends_nothing(letters_api, pending, clock, drain, services):
    clock.advance(days=7, seconds=1)

    response = letters_api.confirm(pending)
    drain()

    assert response.status_code == 410 and "expired" in response.body.decode()
    assert letters_api.letters_sent() == []


def test_one_reminder_then_expiry_removes_personal_data(
    housekeeping, letters_api, pending, clock, services, stored_items
):
    def run() -> dict:
        done = housekeeping()
        done.pop("deleted", None)  # finished rate-limit windows are deleted along the way
        return done

    assert run() == {}  # nothing is due yet
    clock.advance(hours=48)
    assert run() == {"reminded": 1}
    clock.advance(hours=1)
    assert run() == {}  # at most one reminder
    reminders = [m for m in letters_api.notices() if m["subject"].startswith("Rappel")]
    assert len(reminders) == 1 and letters_api.link(pending) in reminders[0]["body"]

    clock.advance(days=5)
    assert run() == {"expired": 1}

    letter = services.letters.get(pending)
    assert letter.status == "expired"
    item = services.aws.table.get_item(Key={"pk": f"LETTER#{pending}", "sk": "LETTER"})["Item"]
    assert "awa@example.org" not in str(item) and "Awa Diop" not in str(item) and "body" not in item
    assert not [i for i in stored_items() if i["pk"].startswith("GUARD#")]  # the supporter may write again
    assert letters_api.confirm(pending).status_code == 410
    assert letters_api.post("hrd-resolution", LETTER).status_code == 202


def test_a_campaign_without_reminders_sends_none(housekeeping, letters_api, services, monkeypatch, clock):
    from support.letters_api import with_policies

    with_policies(services, monkeypatch, "hrd-resolution", confirmation={"remind_after": None})
    letter_id = letters_api.post("hrd-resolution", LETTER).json_body["letter_id"]
    clock.advance(days=3)
    assert "reminded" not in housekeeping()
    clock.advance(days=4, minutes=1)  # just past the 7 days
    assert housekeeping().get("expired") == 1
    assert len(letters_api.notices()) == 1 and services.letters.get(letter_id).status == "expired"


def test_direct_sending_queues_without_confirmation(letters_api, direct_sending, drain):
    response = letters_api.post("hrd-resolution", LETTER)

    assert response.json_body["status"] == "queued"
    assert drain() == 1
    assert letters_api.notices() == [] and len(letters_api.letters_sent()) == 1


def test_when_the_queue_is_down_the_confirmation_can_be_tried_again(letters_api, pending, services, drain):
    real = services.queue.enqueue

    def broken(letter_id):
        raise ConnectionError("queue unreachable")

    services.queue.enqueue = broken
    assert letters_api.confirm(pending).status_code == 503
    assert services.letters.get(pending).status == "pending_confirmation"

    services.queue.enqueue = real
    assert letters_api.confirm(pending).status_code == 200
    drain()
    assert len(letters_api.letters_sent()) == 1


# --- the delete-my-data link -----------------------------------------------------------------------

from support.letters_api import DELETE_LINK as DELETE  # noqa: E402


def delete(letters_api, letter_id):
    return letters_api.client.http.post(letters_api.link(letter_id, DELETE), body=b"", headers=FORM)


def test_deleting_before_confirmation_stops_the_letter_and_removes_the_data(letters_api, pending, services, drain):
    page = letters_api.client.http.get(letters_api.link(pending, DELETE))  # no ui_language: the letter's French
    assert page.status_code == 200 and "ne sera pas envoyée" in page.body.decode()

    assert delete(letters_api, pending).status_code == 200
    assert letters_api.confirm(pending).status_code == 410
    drain()

    assert letters_api.letters_sent() == []
    item = services.aws.table.get_item(Key={"pk": f"LETTER#{pending}", "sk": "LETTER"})["Item"]
    assert item["status"] == "expired" and "supporter_email" not in item and "supporter_name" not in item
    assert delete(letters_api, pending).status_code == 410  # already deleted


def test_deleting_after_sending_keeps_only_what_organisers_count(letters_api, pending, services, drain):
    letters_api.confirm(pending)
    drain()

    assert delete(letters_api, pending).status_code == 200

    item = services.aws.table.get_item(Key={"pk": f"LETTER#{pending}", "sk": "LETTER"})["Item"]
    assert item["status"] == "sent" and item["country"] == "SN"
    assert not {"supporter_email", "supporter_name", "body"} & set(item)


def test_a_tampered_delete_link_is_404(letters_api, pending, client, services):
    path = letters_api.link(pending, DELETE)[:-2] + "xx"
    assert client.http.post(path, body=b"", headers=FORM).status_code == 404
    assert services.letters.get(pending).supporter_email == "awa@example.org"


@pytest.mark.parametrize(
    ("name", "greeting"),
    [
        ("Awa Diop", "Bonjour Awa Diop,"),
        ("Jean-Luc O'Brien Jr.", "Bonjour Jean-Luc O'Brien Jr.,"),
        ("Win a prize at https://evil.example now", "Bonjour,"),
        ("Write to boss@evil.example", "Bonjour,"),
        ("Visit evil.example/claim", "Bonjour,"),
        ("A" * 41, "Bonjour,"),
    ],
)
def test_the_greeting_carries_a_name_only_if_it_is_short_and_plain(letters_api, name, greeting):
    # GIVEN anyone may type any name next to any address WHEN the confirmation email goes to that address
    assert letters_api.post("hrd-resolution", {**LETTER, "name": name}).status_code == 202
    [mail] = letters_api.notices()
    # THEN a stranger's link, address or long text never reaches it from our domain: the greeting is plain
    assert mail["body"].splitlines()[0] == greeting
    assert "evil.example" not in mail["body"] + mail["to"] + mail["subject"]


# --- the supporter's language, not the letter's --------------------------------------------------------


@pytest.mark.parametrize(
    "ui_language,subject,confirm_button,done_title",
    [
        ("ar", "يُرجى تأكيد رسالتك", "أكِّد رسالتي وأرسلها", "شكرًا لك: تم تأكيد رسالتك"),
        ("en", "Please confirm your letter", "Confirm and send my letter", "Thank you: your letter is confirmed"),
        ("zh", "请确认您写给", "确认并发送我的信", "谢谢：您的信已确认"),
    ],
)
def test_emails_and_pages_follow_the_language_the_supporter_used_not_the_letters(
    letters_api, services, ui_language, subject, confirm_button, done_title
):
    # GIVEN a supporter who used the form in their language to write to Senegal (a letter in French)
    response = letters_api.post("hrd-resolution", {**LETTER, "ui_language": ui_language})
    letter_id = response.json_body["letter_id"]
    assert services.letters.get(letter_id).language == "fr"

    # THEN the confirmation email, the confirm page and the confirmed page are in their language
    [mail] = letters_api.notices()
    assert mail["subject"].startswith(subject) and "Merci" not in mail["body"]
    page = letters_api.client.http.get(letters_api.link(letter_id), headers={"Accept-Language": "fr"})
    assert f'lang="{ui_language}"' in page.body.decode() and confirm_button in page.body.decode()
    confirmed = letters_api.confirm(letter_id).body.decode()
    assert done_title in confirmed
    # AND `?lang=` on a link still wins (the supporter switched)
    deleted = letters_api.client.http.get(letters_api.link(letter_id, DELETE) + "?lang=es").body.decode()
    assert 'lang="es"' in deleted and "Borrar mis datos" in deleted


def test_an_unknown_interface_language_is_refused_by_name(letters_api, stored_items):
    response = letters_api.post("hrd-resolution", {**LETTER, "ui_language": "de"})
    assert response.status_code == 400 and response.json_body["error"]["field"] == "ui_language"
