""" "Did they reply?": one question some days after delivery, one reminder at most, answers that count per target."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from support.ses_events import ses_event, sns_event

from chalicelib.feedback.responsiveness import responsiveness

# These tests are about a letter after routing: Kenya's ministry letter keeps its local placeholder.
pytestmark = pytest.mark.usefixtures("hrd_without_chain")

SLUG = "hrd-resolution"
AMINA = {"country": "KE", "name": "Amina Wanjiru", "email": "amina@example.org"}
ANSWER = re.compile(r"https?://[^/\s]+(/follow-ups/[^/\s]+/[A-Za-z0-9_-]+)\?answer=(yes|not_yet|no)\b")
STOP = re.compile(r"https?://[^/\s]+(/follow-ups/[^/\s]+/[A-Za-z0-9_-]+/stop)")
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def questions(letters_api, email: str = "amina@example.org") -> list[dict]:
    return [m for m in letters_api.notices() if "/follow-ups/" in m["body"] and email in m["to"]]


def answer_path(letters_api, email: str = "amina@example.org") -> str:
    [path] = {p for m in questions(letters_api, email) for p, _ in ANSWER.findall(m["body"])}
    return path


def answer(letters_api, path: str, choice: str, reply: str = ""):
    return letters_api.client.http.post(path, body=urlencode({"answer": choice, "reply": reply}), headers=FORM)


def report(services, kind: str = "Delivery", **options) -> int:
    """SES reports every letter that is `sent` as delivered (or bounced...), through the real feedback handler."""
    import app

    sent = [i for i in services.aws.table.scan()["Items"] if i["sk"] == "LETTER" and i["status"] == "sent"]
    app.on_ses_feedback(
        sns_event(*(ses_event(kind, i["ses_message_id"], [i["target_email"]], **options) for i in sent)), None
    )
    return len(sent)


def report_one(services, letter_id: str, kind: str) -> None:
    import app

    letter = services.letters.get(letter_id)
    app.on_ses_feedback(sns_event(ses_event(kind, letter.ses_message_id, [letter.target_email])), None)


@pytest.fixture
def sent_letter(letters_api, drain, services):
    """Amina's letter to Kenya, confirmed and sent at 10:00 on day 0 (not yet reported delivered)."""
    letter_id = letters_api.send(SLUG, AMINA).json_body["letter_id"]
    drain()
    assert services.letters.get(letter_id).status == "sent"
    return letter_id


@pytest.fixture
def delivered_letter(sent_letter, services):
    """The same letter, reported delivered by SES at once."""
    assert report(services) == 1
    return sent_letter


def test_the_question_goes_fourteen_days_after_delivery_with_one_click_answers(
    sent_letter, letters_api, housekeeping, clock, services
):
    # GIVEN a letter sent today, which SES reports delivered only two days later
    clock.advance(days=14, hours=1)
    housekeeping()
    assert questions(letters_api) == []  # sent is not delivered: nobody is asked about a letter not known to arrive
    clock.advance(days=-12)
    report(services)
    # WHEN 13 days pass after the delivery THEN nobody is asked yet
    clock.advance(days=13, hours=22)
    housekeeping()
    assert questions(letters_api) == []
    # WHEN the 14th day after delivery comes THEN one short email asks, with three answers and a way to stop
    clock.advance(hours=2)
    assert housekeeping().get("asked") == 1
    [question] = questions(letters_api)
    assert question["subject"] == "Did Ministry of Foreign and Diaspora Affairs reply to your letter?"
    assert {choice for _, choice in ANSWER.findall(question["body"])} == {"yes", "no", "not_yet"}
    assert STOP.search(question["body"]) and "/delete/" in question["body"]
    # AND opening a link only shows a button (mail scanners open links): nothing is recorded
    path = answer_path(letters_api)
    page = letters_api.client.http.get(path + "?answer=yes").body.decode()
    assert 'value="yes" checked' in page and "<button" in page
    assert responsiveness(services.aws.table, SLUG)[0]["answered"] == 0


def test_an_answer_and_a_pasted_reply_count_for_the_target_and_reach_the_organisers(
    delivered_letter, letters_api, housekeeping, clock, services
):
    clock.advance(days=14, hours=1)
    housekeeping()
    path = answer_path(letters_api)
    # WHEN the supporter answers "yes" and pastes the ministry's reply (markup and all: it is data)
    reply = "Thank you for your letter. <b>Kenya</b> will co-sponsor."
    assert answer(letters_api, path, "yes", reply).status_code == 200
    # THEN the target's figures count it, and the organisers can read the reply, without the supporter's name
    [row] = responsiveness(services.aws.table, SLUG)
    assert row | {"rate": None} == {
        "target_set": "foreign-ministry",
        "country": "KE",
        "target_name": "Ministry of Foreign and Diaspora Affairs",
        "asked": 1,
        "answered": 1,
        "replied": 1,
        "no_reply": 0,
        "not_yet": 0,
        "rate": None,
    }
    [read] = services.follow_ups.replies(SLUG)
    assert read["reply"] == reply and read["answer"] == "yes" and "Amina" not in str(read)
    # WHEN they change their answer THEN it moves between counts, never counted twice
    assert answer(letters_api, path, "no").status_code == 200
    [row] = responsiveness(services.aws.table, SLUG)
    assert (row["answered"], row["replied"], row["no_reply"]) == (1, 0, 1)
    # AND a bad answer or a token we never sent is refused, naming the problem
    assert answer(letters_api, path, "maybe").status_code == 400
    assert answer(letters_api, path.rsplit("/", 1)[0] + "/forged", "yes").status_code == 404


def test_one_reminder_at_most_and_none_after_a_final_answer(letters_api, drain, housekeeping, clock, services):
    # GIVEN three supporters asked on the same day
    people = [{**AMINA, "country": c, "email": f"{c.lower()}@example.org"} for c in ("KE", "FI", "PE")]
    for person in people:
        letters_api.send(SLUG, person)
    drain()
    assert report(services) == 3
    clock.advance(days=14, hours=1)
    assert housekeeping().get("asked") == 3
    # WHEN one answers "yes", one "not yet", and one not at all
    answer(letters_api, answer_path(letters_api, "ke@example.org"), "yes")
    answer(letters_api, answer_path(letters_api, "fi@example.org"), "not_yet")
    # THEN a week later only the two without a final answer are reminded, once
    clock.advance(days=7, hours=1)
    assert housekeeping().get("follow_up_reminded") == 2
    assert [len(questions(letters_api, p["email"])) for p in people] == [1, 2, 2]
    assert questions(letters_api, "fi@example.org")[-1]["subject"].startswith("Reminder:")
    assert questions(letters_api, "pe@example.org")[-1]["subject"].startswith("Recordatorio:")  # in their language
    # AND never again, however long we wait
    for _ in range(3):
        clock.advance(days=10)
        housekeeping()
    assert [len(questions(letters_api, p["email"])) for p in people] == [1, 2, 2]


@pytest.mark.parametrize(("events", "status"), [(["Bounce"], "bounced"), (["Delivery", "Complaint"], "complained")])
def test_never_asked_about_a_letter_that_bounced_or_was_refused(
    sent_letter, letters_api, housekeeping, clock, services, events, status
):
    for kind in events:  # as SES reports them: a hard bounce, or a delivery and then a complaint
        report_one(services, sent_letter, kind)
    assert services.letters.get(sent_letter).status == status
    clock.advance(days=30)
    assert housekeeping().get("follow_up_cancelled") == 1
    assert questions(letters_api) == []
    assert responsiveness(services.aws.table, SLUG) == []


def test_opting_out_stops_the_reminder_and_every_later_question(
    delivered_letter, letters_api, drain, housekeeping, clock, services
):
    clock.advance(days=14, hours=1)
    housekeeping()
    [stop] = STOP.findall(questions(letters_api)[0]["body"])
    # WHEN the supporter opens the stop link, THEN a button; pressing it stops the questions
    assert "Send me no more" in letters_api.client.http.get(stop).body.decode()
    assert letters_api.client.http.post(stop, body=b"", headers=FORM).status_code == 200
    assert letters_api.client.http.get(answer_path(letters_api)).status_code == 410
    # AND a letter they write to another campaign later is never asked about either
    letters_api.send("whrd-resolution", {**AMINA, "email": "Amina@Example.org"})
    drain()
    report(services)
    clock.advance(days=30)
    done = housekeeping()
    assert done.get("follow_up_cancelled") == 1 and "follow_up_reminded" not in done and "asked" not in done
    assert len(questions(letters_api)) == 1


def test_no_question_without_a_confirmed_address_or_when_the_campaign_turns_it_off(
    letters_api, drain, housekeeping, clock, services, monkeypatch
):
    from support.letters_api import with_policies

    # Direct sending: the address was never proven to be the supporter's, so we never write to it unasked
    with_policies(services, monkeypatch, SLUG, confirmation={"required": False})
    letters_api.post(SLUG, AMINA)
    with_policies(services, monkeypatch, "whrd-resolution", follow_up={"enabled": False})
    letters_api.send("whrd-resolution", {**AMINA, "email": "other@example.org"})
    drain()
    clock.advance(days=30)
    housekeeping()
    assert not any("/follow-ups/" in m["body"] for m in letters_api.notices())


def test_deleting_ones_details_deletes_the_answer_and_the_reply(
    delivered_letter, letters_api, housekeeping, clock, services, stored_items
):
    from support.letters_api import DELETE_LINK

    clock.advance(days=14, hours=1)
    housekeeping()
    answer(letters_api, answer_path(letters_api), "yes", "They wrote back to me, Amina Wanjiru, at home.")
    letters_api.client.http.post(letters_api.link(delivered_letter, DELETE_LINK), body=b"", headers=FORM)
    assert services.follow_ups.replies(SLUG) == []
    assert not [i for i in stored_items() if i["sk"] == "FOLLOWUP" or i["pk"].startswith("REPLIES#")]
    assert responsiveness(services.aws.table, SLUG)[0]["replied"] == 1  # the count, with nobody's data, stays


def test_responsiveness_shows_a_rate_only_from_ten_answers(letters_api, settle, housekeeping, clock, services):
    # GIVEN eleven supporters wrote to Kenya's ministry (paced: a few minutes apart) and were asked
    emails = [f"supporter{n}@example.org" for n in range(11)]
    for email in emails:
        letters_api.send(SLUG, {**AMINA, "email": email})
    settle()
    assert report(services) == 11
    clock.advance(days=14, hours=1)
    assert housekeeping().get("asked") == 11
    paths = [answer_path(letters_api, email) for email in emails]
    # WHEN nine answer (six got a reply) THEN the figures show, but no rate yet
    for n, path in enumerate(paths[:9]):
        answer(letters_api, path, "yes" if n < 6 else "no")
    [row] = responsiveness(services.aws.table, SLUG)
    assert (row["asked"], row["answered"], row["replied"], row["rate"]) == (11, 9, 6, None)
    # WHEN a tenth answers "not yet" THEN the rate is replied / answered
    answer(letters_api, paths[9], "not_yet")
    [row] = responsiveness(services.aws.table, SLUG)
    assert (row["answered"], row["replied"], row["not_yet"], row["rate"]) == (10, 6, 1, 0.6)


def test_supporters_in_a_digest_are_asked_once_the_digest_was_delivered(
    letters_api, drain, housekeeping, clock, services
):
    # GIVEN a supporter of a digest campaign; their letter waits for the digest
    letters_api.send("defenders-digest", AMINA)
    clock.advance(days=14, hours=1)
    housekeeping()  # sends the digest (it was due long ago), but it is not delivered yet
    assert questions(letters_api) == []
    drain()
    assert report(services) == 1
    # WHEN the digest letter has been out for 14 days
    clock.advance(days=14, hours=1)
    assert housekeeping().get("asked") == 1
    [question] = questions(letters_api)
    # (Kenya's ministry publishes no address: the campaign's chain took the digest to its New York mission)
    assert "Permanent Mission of Kenya to the United Nations" in question["subject"]


def test_an_answer_larger_than_the_letter_forms_cap_is_refused_unread(
    delivered_letter, letters_api, housekeeping, clock, services
):
    from chalicelib.front_door.fields import MAX_BODY_BYTES

    # GIVEN the question's link, and a "pasted reply" larger than any letter form may be
    clock.advance(days=14, hours=1)
    housekeeping()
    path = answer_path(letters_api)
    body = urlencode({"answer": "yes", "reply": "x" * MAX_BODY_BYTES})

    # WHEN it is posted
    response = letters_api.client.http.post(path, body=body, headers=FORM)

    # THEN it is refused as the letter form refuses one, and nothing is recorded
    assert response.status_code == 413
    assert not responsiveness(services.aws.table, SLUG)[0]["answered"]
