"""GIVEN a hostile or broken submission WHEN it is posted THEN it gets its documented status, naming the problem,
and nothing is stored, queued or sent (README, "Errors from POST /campaigns/{slug}/letters")."""

from __future__ import annotations

import json
from dataclasses import dataclass
from dataclasses import field as default

import pytest

GOOD = {"country": "KE", "name": "Amina Wanjiru", "email": "amina@example.org"}
JSON = {"Content-Type": "application/json"}


@dataclass
class Case:
    name: str
    change: dict | None = None  # merged into a good, stamped payload
    raw: bytes | None = None  # or: this exact body
    status: int = 400
    field: str | None = None  # the field the error names
    headers: dict = default(default_factory=dict)
    stale_stamp: bool = False


HOSTILE = [
    # header injection: CR, LF, NUL, Unicode line separators and encoded words in header-bound fields
    Case("name CRLF Bcc", {"name": "Eve\r\nBcc: victim@example.org"}, field="name"),
    Case("name LF", {"name": "Eve\nX"}, field="name"),
    Case("name encoded word", {"name": "=?utf-8?q?Eve?="}, field="name"),
    Case("name NUL", {"name": "Eve\0"}, field="name"),
    Case("name line separator", {"name": "Eve\u2028Bcc: x@example.org"}, field="name"),
    Case("name escape sequence", {"name": "Eve\x1b[31m"}, field="name"),
    Case("email CRLF Bcc", {"email": "amina@example.org\r\nBcc: x@example.org"}, field="email"),
    Case("email NUL", {"email": "amina@example.org\0"}, field="email"),
    Case("email encoded word", {"email": "=?utf-8?b?QUJD?=@example.org"}, field="email"),
    Case("city LF Bcc", {"city": "Nairobi\nBcc: x"}, field="city"),
    Case("message NUL", {"message": "nul\0byte"}, field="message"),
    # homoglyph and IDN emails
    Case("email mixed-alphabet domain", {"email": "amina@ex\u0430mple.org"}, field="email"),
    Case("email non-ASCII mailbox", {"email": "\u0430\u043c\u0438\u043d\u0430@example.org"}, field="email"),
    Case("email two @", {"email": "a@b@example.org"}, field="email"),
    Case("email not an address", {"email": "not-an-address"}, field="email"),
    # missing, empty and oversize fields
    Case("country empty", {"country": ""}, field="country"),
    Case("country unknown", {"country": "Atlantis"}, field="country"),
    Case("name empty", {"name": ""}, field="name"),
    Case("name blank", {"name": "   "}, field="name"),
    Case("name too long", {"name": "x" * 101}, field="name"),
    Case("email empty", {"email": ""}, field="email"),
    Case("message too long", {"message": "y" * 2001}, field="message"),
    Case("language not offered", {"language": "de"}, field="language"),
    Case("partner with markup", {"partner": "<script>alert(1)</script>"}, field="partner"),
    Case("unknown field cc", {"cc": "someone@example.org"}, field="cc"),
    # wrong types
    Case("country number", {"country": 12}, field="country"),
    Case("email list", {"email": ["amina@example.org"]}, field="email"),
    Case("name object", {"name": {"first": "Amina"}}, field="name"),
    Case("name boolean", {"name": True}, field="name"),
    Case("message number", {"message": 42}, field="message"),
    Case("form_token number", {"form_token": 5}, field="form_token"),
    # bodies that are not a JSON object of text
    Case("body not JSON", raw=b"{not json", field="body"),
    Case("body an array", raw=b"[1, 2]", field="body"),
    Case("body a string", raw=b'"text"', field="body"),
    Case("body invalid UTF-8", raw=b'{"name": "\xff\xfe"}', field="body"),
    Case("lone surrogate", {"name": "\ud800"}, field="name"),
    Case("huge JSON nesting", raw=b"[" * 5000 + b"]" * 5000, field="body"),
    Case("body over 48 KiB", {"message": "z" * 50000}, status=413),
    Case("wrong content type", raw=b"country=KE&name=Eve", status=415, headers={"Content-Type": "text/plain"}),
    # the request around the letter
    Case(
        "Idempotency-Key with a line break",
        {},
        field="Idempotency-Key",
        headers={"Idempotency-Key": "abc\r\nX-Injected: 1"},
    ),
    Case("no form token", {"form_token": ""}, field="form_token"),
    Case("form token too old", {}, field="form_token", stale_stamp=True),
]


def test_the_table_is_long_enough_to_mean_something():
    assert len(HOSTILE) >= 30


def test_each_hostile_input_gets_its_documented_status_and_nothing_happens(
    subtests, letters_api, client, stored_items, queued_count, outbox
):
    # One AWS stand-in for the whole table (setting one up costs a second); each case is its own subtest.
    for case in HOSTILE:
        with subtests.test(case.name):
            if case.raw is not None:
                body = case.raw
            else:
                stamp = letters_api.stamp("hrd-resolution", age_seconds=25 * 3600 if case.stale_stamp else 10)
                body = json.dumps({**GOOD, "form_token": stamp, **case.change}).encode()

            response = client.http.post(
                "/campaigns/hrd-resolution/letters", body=body, headers={**JSON, **case.headers}
            )

            assert response.status_code == case.status, response.body
            if case.field:
                error = response.json_body["error"]
                assert error["field"] == case.field and error["message"]
            assert stored_items() == [] and queued_count() == 0 and outbox() == []


def test_unknown_campaign_is_404(letters_api, stored_items):
    response = letters_api.post("no-such-campaign", GOOD)
    assert response.status_code == 404
    assert stored_items() == []


@pytest.mark.parametrize("days,status", [(-400, 409), (+800, 410)])
def test_a_campaign_that_is_not_open_refuses_letters(letters_api, clock, days, status, stored_items, queued_count):
    clock.advance(days=days)
    response = letters_api.post("hrd-resolution", GOOD)
    assert response.status_code == status
    assert response.json_body["error"]["code"] == "campaign_not_open"
    assert stored_items() == [] and queued_count() == 0


def test_when_the_mail_queue_cannot_take_the_confirmation_nothing_is_left_behind(
    letters_api, services, stored_items, monkeypatch
):
    def broken(mail_id, delay_seconds=0):
        raise ConnectionError("mail queue unreachable")

    with monkeypatch.context() as patch:
        patch.setattr(services.mail_queue, "enqueue", broken)
        response = letters_api.post("hrd-resolution", GOOD)

    assert response.status_code == 503
    assert response.json_body["error"]["code"] == "try_again"
    assert stored_items() == []  # no letter, no mail item, no duplicate guard, no counted letter
    assert letters_api.post("hrd-resolution", GOOD).status_code == 202  # and trying again works


def test_when_the_queue_is_down_a_direct_letter_is_not_left_behind(letters_api, services, direct_sending, stored_items):
    def broken(letter_id):
        raise ConnectionError("queue unreachable")

    services.queue.enqueue = broken
    response = letters_api.post("hrd-resolution", GOOD)
    assert response.status_code == 503
    assert stored_items() == []
