"""The front door under abuse: bots get a decoy, limits are exact, a supporter writes to a target once, retries are
idempotent, and twenty racing identical submissions make one letter and one email."""

from __future__ import annotations

import base64
import json
import threading

import pytest
from support.letters_api import with_policies

LETTER = {"country": "KE", "name": "Amina Wanjiru", "email": "amina@example.org"}


def letters_in(stored_items):
    return [i for i in stored_items() if i["sk"] == "LETTER"]


# --- bots ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("trap", ["honeypot", "forged stamp", "stamp for another campaign"])
def test_a_bot_gets_a_success_shaped_answer_and_nothing_happens(letters_api, stored_items, outbox, trap):
    stamp = {
        "honeypot": letters_api.stamp("hrd-resolution"),
        "forged stamp": letters_api.stamp("hrd-resolution")[:-3] + "abc",
        "stamp for another campaign": letters_api.stamp("hrd-mandate"),
    }[trap]
    payload = {**LETTER, "form_token": stamp, **({"homepage": "http://spam.example"} if trap == "honeypot" else {})}

    response = letters_api.post("hrd-resolution", payload, stamped=False)

    assert response.status_code == 202
    assert set(response.json_body) == {"letter_id", "status", "status_url"}
    assert response.json_body["status"] == "pending_confirmation"
    assert stored_items() == [] and outbox() == []


def test_a_form_sent_too_fast_is_asked_to_wait_and_the_same_form_then_goes_through(
    letters_api, clock, stored_items, outbox
):
    # GIVEN a real form, sent one second after it was shown (autofill, a password manager): no silent decoy
    payload = {**LETTER, "form_token": letters_api.stamp("hrd-resolution", age_seconds=1)}

    too_soon = letters_api.post("hrd-resolution", payload, stamped=False)

    # THEN the person is told to wait and send again, and nothing is kept or sent yet
    assert too_soon.status_code == 400
    assert (
        too_soon.json_body["error"]["code"] == "too_quick" and "wait a moment" in too_soon.json_body["error"]["message"]
    )
    assert stored_items() == [] and outbox() == []
    # WHEN they send the same form again a moment later: the real flow (the letter and its confirmation email)
    clock.advance(seconds=2)
    again = letters_api.post("hrd-resolution", payload, stamped=False)
    assert again.status_code == 202 and len(letters_in(stored_items)) == 1 and len(outbox()) == 1


def test_the_form_page_sent_too_fast_comes_back_filled_in_with_its_own_stamp_and_a_message(client, letters_api):
    from urllib.parse import urlencode

    stamp = letters_api.stamp("hrd-resolution", age_seconds=1)
    fields = {**LETTER, "form_token": stamp, "lang": "fr", "ui_language": "fr"}
    page = client.http.post(
        "/campaigns/hrd-resolution/form",
        body=urlencode(fields).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    html = page.body.decode()
    assert page.status_code == 400
    assert "patientez un instant" in html  # in the page's language
    assert f'name="form_token" value="{stamp}"' in html  # sending again in a moment goes through
    assert 'value="amina@example.org"' in html


def test_a_form_token_from_the_api_works_after_the_minimum_fill_time(client, letters_api, clock, stored_items):
    issued = client.http.get("/campaigns/hrd-resolution/form-token").json_body
    assert issued["usable_after_seconds"] == 2

    clock.advance(seconds=3)
    response = letters_api.post("hrd-resolution", {**LETTER, "form_token": issued["form_token"]}, stamped=False)

    assert response.status_code == 202 and len(letters_in(stored_items)) == 1


def test_the_form_page_carries_a_stamp_and_a_hidden_honeypot(client):
    page = client.http.get("/campaigns/hrd-resolution/form").body.decode()
    assert 'name="form_token" value="' in page
    assert 'class="trap" aria-hidden="true"' in page and 'name="homepage" tabindex="-1"' in page


# --- proof of work (ALTCHA) ------------------------------------------------------------------------


@pytest.fixture
def proof(client, services, monkeypatch):
    """hrd-resolution with ALTCHA on (cheap puzzles for tests); returns a function that solves a fresh one."""
    from altcha import Challenge, Payload, solve_challenge

    with_policies(services, monkeypatch, "hrd-resolution", bots={"proof_of_work": True, "proof_of_work_cost": 1})

    def solve() -> str:
        challenge = Challenge.from_dict(client.http.get("/campaigns/hrd-resolution/challenge").json_body)
        return Payload(challenge, solve_challenge(challenge)).to_base64()

    return solve


def test_a_solved_challenge_is_accepted_once(letters_api, proof, stored_items):
    solution = proof()

    first = letters_api.post("hrd-resolution", {**LETTER, "altcha": solution})
    replay = letters_api.post("hrd-resolution", {**LETTER, "email": "other@example.org", "altcha": solution})

    assert first.status_code == 202 and replay.status_code == 202  # the replay is told "thanks" ...
    assert len(letters_in(stored_items)) == 1  # ... and kept nothing


def test_a_missing_or_expired_solution_is_named_and_a_forged_one_gets_a_decoy(letters_api, proof, clock, stored_items):
    missing = letters_api.post("hrd-resolution", LETTER)
    solution = proof()
    decoded = json.loads(base64.b64decode(solution))
    decoded["challenge"]["parameters"]["data"]["campaign"] = "whrd-resolution"
    forged = letters_api.post(
        "hrd-resolution", {**LETTER, "altcha": base64.b64encode(json.dumps(decoded).encode()).decode()}
    )
    clock.advance(minutes=21)
    expired = letters_api.post("hrd-resolution", {**LETTER, "altcha": solution})

    assert missing.status_code == 400 and missing.json_body["error"]["field"] == "altcha"
    assert forged.status_code == 202
    assert expired.status_code == 400 and expired.json_body["error"]["field"] == "altcha"
    assert letters_in(stored_items) == []


def test_no_challenge_is_issued_for_a_campaign_without_proof_of_work(client):
    assert client.http.get("/campaigns/hrd-resolution/challenge").status_code == 404


# --- exact rate limits -----------------------------------------------------------------------------


def test_the_sixth_letter_from_one_address_in_a_day_is_429_with_retry_after(letters_api, clock, stored_items):
    countries = ["KE", "FI", "SN", "JP", "BR", "IN"]
    responses = [letters_api.post("hrd-resolution", {**LETTER, "country": c}) for c in countries]

    assert [r.status_code for r in responses] == [202] * 5 + [429]
    refused = responses[-1]
    assert refused.json_body["error"]["code"] == "rate_limited"
    assert "5 letters today" in refused.json_body["error"]["message"]
    assert int(refused.headers["Retry-After"]) == 14 * 3600  # the clock stands at 10:00 UTC
    assert len(letters_in(stored_items)) == 5

    clock.advance(hours=14)
    assert letters_api.post("hrd-resolution", {**LETTER, "country": "IN"}).status_code == 202


def test_the_ip_limit_counts_letters_from_one_network_whatever_the_address(letters_api, services, monkeypatch):
    with_policies(services, monkeypatch, "hrd-resolution", limits={"per_ip_per_hour": 3})
    statuses = [
        letters_api.post("hrd-resolution", {**LETTER, "email": f"p{i}@example.org"}).status_code for i in range(4)
    ]
    assert statuses == [202, 202, 202, 429]


def test_the_per_target_limit(letters_api, services, monkeypatch):
    with_policies(services, monkeypatch, "hrd-resolution", limits={"per_target_per_hour": 2, "per_ip_per_hour": 99})
    for i in range(2):
        letters_api.send("hrd-resolution", {**LETTER, "email": f"p{i}@example.org"})  # written and confirmed
    third = letters_api.post("hrd-resolution", {**LETTER, "email": "p2@example.org"})
    other_target = letters_api.post("hrd-resolution", {**LETTER, "email": "p9@example.org", "country": "FI"})
    assert third.status_code == 429 and other_target.status_code == 202


def test_unconfirmed_letters_do_not_use_up_a_targets_hourly_limit(letters_api, services, monkeypatch):
    # GIVEN a target that takes two letters an hour, and junk submissions nobody will confirm
    with_policies(services, monkeypatch, "hrd-resolution", limits={"per_target_per_hour": 2, "per_ip_per_hour": 99})
    junk = [letters_api.post("hrd-resolution", {**LETTER, "email": f"junk{i}@example.org"}) for i in range(4)]
    # THEN they do not lock real supporters out: two supporters still write and confirm
    assert [r.status_code for r in junk] == [202] * 4
    real = [letters_api.send("hrd-resolution", {**LETTER, "email": f"real{i}@example.org"}) for i in range(2)]
    # AND the limit holds for confirmed letters: the next submission is refused
    refused = letters_api.post("hrd-resolution", {**LETTER, "email": "late@example.org"})
    assert refused.status_code == 429 and "2 letters in the last hour" in refused.json_body["error"]["message"]
    # AND a letter admitted before the hour filled can still be confirmed (we never break a link we sent)
    assert letters_api.confirm(junk[0].json_body["letter_id"]).status_code == 200
    assert {services.letters.get(r.json_body["letter_id"]).status for r in real} == {"queued"}


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("2001:db8:1:2::1", "2001:db8:1:2:ffff:abcd:1:9", True),
        ("2001:db8:1:2::1", "2001:db8:1:3::1", False),
        ("192.0.2.1", "192.0.2.2", False),
        ("::ffff:192.0.2.1", "192.0.2.1", True),
    ],
)
def test_the_ip_limit_treats_an_ipv6_64_as_one_address(services, first, second, same):
    # GIVEN two submissions from two addresses WHEN their per-IP counters are built
    campaign = services.campaigns.get("hrd-resolution")

    def ip_counter(ip):
        [counter] = [c for c in services.screening.counters(campaign, {}, ip, "m", "t") if c.scope == "ip"]
        return counter.subject

    # THEN a /64 (one household's or one host's IPv6 network) counts as one address; IPv4 stays per address
    assert (ip_counter(first) == ip_counter(second)) is same


def test_no_clear_text_ip_is_stored_anywhere(letters_api, stored_items):
    letters_api.post("hrd-resolution", LETTER)
    dump = json.dumps(stored_items(), default=str)
    assert "127.0.0.1" not in dump and "amina@example.org" in dump  # the letter itself is there, the IP is not


# --- duplicates and retries ------------------------------------------------------------------------


@pytest.mark.parametrize("again", ["amina@example.org", "AMINA@Example.org"])
def test_the_same_supporter_writes_to_the_same_target_once(letters_api, again, stored_items):
    first = letters_api.post("hrd-resolution", LETTER)
    second = letters_api.post("hrd-resolution", {**LETTER, "email": again, "name": "A. Wanjiru"})

    # The answer is shaped like any new letter's: whether this address wrote before is not told to the caller
    assert second.status_code == 202 and set(second.json_body) == set(first.json_body)
    assert second.json_body["status"] == "pending_confirmation"
    assert second.json_body["letter_id"] != first.json_body["letter_id"]
    assert len(letters_in(stored_items)) == 1
    # ... but to the address's owner, by email, with their first letter's status link
    told = letters_api.notices()[-1]
    assert "already" in told["subject"] and first.json_body["status_url"].split("/letters/")[1] in told["body"]


def test_a_duplicates_status_link_reads_like_an_unconfirmed_letters_until_both_expire(
    client, letters_api, housekeeping, clock
):
    def status(receipt):
        path = "/" + receipt.json_body["status_url"].split("://", 1)[1].split("/", 1)[1]
        response = client.http.get(path)
        return response.status_code, response.json_body

    # GIVEN a letter nobody confirms, and a duplicate of a letter its owner already sent, posted the same moment
    letters_api.send("hrd-resolution", LETTER)
    new = letters_api.post("hrd-resolution", {**LETTER, "email": "new@example.org"})
    duplicate = letters_api.post("hrd-resolution", LETTER)

    def same_shape():
        (new_code, new_view), (dup_code, dup_view) = status(new), status(duplicate)
        assert new_code == dup_code
        if new_code == 200:
            assert {**new_view, "letter_id": ""} == {**dup_view, "letter_id": ""}
        return new_code, new_view["status"] if new_code == 200 else None

    # THEN a prober cannot tell them apart by their status links: pending, then expired, then gone
    assert same_shape() == (200, "pending_confirmation")
    clock.advance(days=3)
    housekeeping()  # the unconfirmed letter's one reminder
    assert same_shape() == (200, "pending_confirmation")
    clock.advance(days=4, hours=1)
    housekeeping()  # past its confirmation time: expired
    assert same_shape() == (200, "expired")
    clock.advance(days=31)
    housekeeping()
    assert same_shape()[0] == 404


def test_a_duplicates_idempotent_retry_gets_its_first_answer_like_a_new_letters(letters_api):
    letters_api.post("hrd-resolution", LETTER)
    payload, key = {**LETTER, "form_token": letters_api.stamp("hrd-resolution")}, {"Idempotency-Key": "dup-1"}
    first = letters_api.post("hrd-resolution", payload, key, stamped=False)
    # a retry is not screened again: its form token, spent by the duplicate, would give the duplicate away
    retry = letters_api.post("hrd-resolution", payload, key, stamped=False)
    assert first.status_code == retry.status_code == 202 and retry.json_body == first.json_body


def test_duplicates_count_toward_the_rate_limits(letters_api, services, monkeypatch):
    # GIVEN a campaign that takes three letters an hour from one network
    with_policies(services, monkeypatch, "hrd-resolution", limits={"per_ip_per_hour": 3})
    # WHEN someone probes the same address again and again THEN the probes are limited like letters
    statuses = [letters_api.post("hrd-resolution", LETTER).status_code for _ in range(4)]
    assert statuses == [202, 202, 202, 429]


def test_gmail_dots_and_tags_are_one_mailbox_but_other_providers_are_not_folded(letters_api, stored_items):
    assert letters_api.post("hrd-resolution", {**LETTER, "email": "amina.w@gmail.com"}).status_code == 202
    folded = letters_api.post("hrd-resolution", {**LETTER, "email": "AminaW+ke@googlemail.com"})
    assert letters_api.post("hrd-resolution", {**LETTER, "email": "amina.w@example.org"}).status_code == 202
    assert letters_api.post("hrd-resolution", {**LETTER, "email": "aminaw@example.org"}).status_code == 202
    assert folded.status_code == 202 and len(letters_in(stored_items)) == 3  # the folded one was a duplicate


def test_an_idempotent_retry_gets_the_first_response(letters_api, stored_items, outbox):
    key = {"Idempotency-Key": "retry-7f3a"}
    payload = {**LETTER, "form_token": letters_api.stamp("hrd-resolution")}

    first = letters_api.post("hrd-resolution", payload, key, stamped=False)
    retry = letters_api.post("hrd-resolution", payload, key, stamped=False)
    other = letters_api.post("hrd-resolution", {**payload, "email": "someone@example.org"}, key, stamped=False)

    assert first.status_code == retry.status_code == 202
    assert retry.json_body == first.json_body
    assert other.status_code == 422 and other.json_body["error"]["code"] == "idempotency_key_reused"
    assert len(letters_in(stored_items)) == 1 and len(outbox()) == 1


def test_a_form_token_sends_one_submission_but_a_retry_of_it_still_gets_its_answer(letters_api, stored_items):
    key = {"Idempotency-Key": "form-once-1"}
    stamp = letters_api.stamp("hrd-resolution")
    first = letters_api.post("hrd-resolution", {**LETTER, "form_token": stamp}, key, stamped=False)
    # WHEN the same form token comes back with another letter (a script replaying one page's token)
    other = letters_api.post(
        "hrd-resolution", {**LETTER, "email": "someone@example.org", "form_token": stamp}, stamped=False
    )
    # THEN it is refused, saying why; the first submission's own retry still gets its answer
    retry = letters_api.post("hrd-resolution", {**LETTER, "form_token": stamp}, key, stamped=False)
    assert first.status_code == 202 and retry.json_body == first.json_body
    assert other.status_code == 409, other.body
    assert other.json_body["error"]["field"] == "form_token" and "reload" in other.json_body["error"]["message"]
    assert len(letters_in(stored_items)) == 1


def test_two_forms_loaded_in_the_same_second_each_send_their_letter(letters_api, stored_items):
    # GIVEN two people whose pages were stamped at the same moment
    stamps = [letters_api.stamp("hrd-resolution"), letters_api.stamp("hrd-resolution")]
    assert stamps[0] != stamps[1]
    for stamp, email in zip(stamps, ["a@example.org", "b@example.org"]):
        response = letters_api.post("hrd-resolution", {**LETTER, "email": email, "form_token": stamp}, stamped=False)
        assert response.status_code == 202
    assert len(letters_in(stored_items)) == 2


def test_a_form_token_spent_on_a_duplicate_is_spent(letters_api, stored_items):
    letters_api.post("hrd-resolution", LETTER)
    stamp = letters_api.stamp("hrd-resolution")
    # a probe of an address that already wrote spends its token like a letter, so it cannot be reused to probe more
    assert letters_api.post("hrd-resolution", {**LETTER, "form_token": stamp}, stamped=False).status_code == 202
    again = letters_api.post("hrd-resolution", {**LETTER, "email": "c@example.org", "form_token": stamp}, stamped=False)
    assert again.status_code == 409 and len(letters_in(stored_items)) == 1


def test_a_form_whose_email_could_not_leave_can_be_sent_again(letters_api, services, stored_items, monkeypatch):
    # GIVEN the mail queue cannot take the confirmation: the submission is refused and nothing is kept
    stamp = letters_api.stamp("hrd-resolution")

    def broken(mail_id, delay_seconds=0):
        raise ConnectionError("mail queue unreachable")

    with monkeypatch.context() as patch:
        patch.setattr(services.mail_queue, "enqueue", broken)
        assert letters_api.post("hrd-resolution", {**LETTER, "form_token": stamp}, stamped=False).status_code == 503
    # THEN the same form (its stamp given back with the letter) sends the letter once the queue is back
    assert letters_api.post("hrd-resolution", {**LETTER, "form_token": stamp}, stamped=False).status_code == 202
    assert len(letters_in(stored_items)) == 1


@pytest.fixture
def atomic_moto(monkeypatch):
    """DynamoDB applies each request atomically; moto does not lock. Give each moto request that guarantee,
    so racing threads interleave between requests, as they would against DynamoDB, never inside one."""
    from moto.core.responses import BaseResponse

    lock = threading.Lock()
    real = BaseResponse.call_action

    def call_action(self):
        with lock:
            return real(self)

    monkeypatch.setattr(BaseResponse, "call_action", call_action)


@pytest.mark.parametrize("idempotency_key", ["", "same-key"])
def test_twenty_concurrent_identical_submissions_make_one_letter_and_one_email(
    atomic_moto, services, letters_api, stored_items, idempotency_key
):
    from chalicelib.errors import DemarcheError
    from chalicelib.front_door.door import Visitor

    campaign = services.campaigns.get("hrd-resolution")
    payload = {**LETTER, "form_token": letters_api.stamp("hrd-resolution")}
    start, outcomes = threading.Barrier(20), []

    def submit() -> None:
        start.wait()
        try:
            receipt = services.front_door.submit(
                campaign, dict(payload), Visitor("203.0.113.9", "http://x"), idempotency_key
            )
            outcomes.append(("ok", receipt.letter_id))
        except DemarcheError as exc:
            outcomes.append((exc.code, getattr(exc, "letter_id", None)))

    threads = [threading.Thread(target=submit) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    [letter] = letters_in(stored_items)
    # one confirmation, and at most one "you already wrote" email to the address's owner
    assert sum("confirm" in m["subject"].lower() for m in letters_api.notices()) == 1
    assert len(letters_api.notices()) <= 2
    assert len(outcomes) == 20 and ("ok", letter["letter_id"]) in outcomes
    # duplicates count toward the limits like letters: past five a day for one address, they are refused; without
    # an Idempotency-Key the one form token is spent by the first admitted, so the others are told it was sent
    assert {code for code, _ in outcomes} <= {"ok", "request_in_progress", "rate_limited", "form_already_sent"}
