"""GIVEN a bad submission WHEN it is posted THEN a clear error names the problem and nothing is stored, queued or sent."""
from __future__ import annotations

import json

import pytest

GOOD = {"country": "KE", "name": "Amina Wanjiru", "email": "amina@example.org"}

BAD_FIELDS = [
    ({"country": ""}, "country"),
    ({"country": "Atlantis"}, "country"),
    ({"country": 12}, "country"),
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 101}, "name"),
    ({"name": "Eve\r\nBcc: victim@example.org"}, "name"),
    ({"name": "Eve\nX"}, "name"),
    ({"name": "=?utf-8?q?Eve?="}, "name"),
    ({"name": "Eve\0"}, "name"),
    ({"email": ""}, "email"),
    ({"email": "not-an-address"}, "email"),
    ({"email": "a@b@example.org"}, "email"),
    ({"email": "amina@example.org\r\nBcc: x@example.org"}, "email"),
    ({"email": ["amina@example.org"]}, "email"),
    ({"message": "y" * 2001}, "message"),
    ({"message": "nul\0byte"}, "message"),
    ({"city": "Nairobi\nBcc: x"}, "city"),
    ({"language": "de"}, "language"),
    ({"partner": "bad code!"}, "partner"),
    ({"cc": "someone@example.org"}, "cc"),
]


@pytest.mark.parametrize("change,field", BAD_FIELDS, ids=[f"{f}-{i}" for i, (_, f) in enumerate(BAD_FIELDS)])
def test_each_bad_field_is_named_and_nothing_happens(client, change, field, stored_items, queued_count, outbox):
    payload = {**GOOD, **change}

    response = client.http.post("/campaigns/hrd-resolution/letters", body=json.dumps(payload),
                                headers={"Content-Type": "application/json"})

    assert response.status_code == 400, response.body
    error = response.json_body["error"]
    assert error["field"] == field
    assert error["message"]
    assert stored_items() == [] and queued_count() == 0 and outbox() == []


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object_is_refused(client, raw, stored_items):
    response = client.http.post("/campaigns/hrd-resolution/letters", body=raw,
                                headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json_body["error"]["field"] == "body"
    assert stored_items() == []


def test_wrong_content_type_is_415(client, stored_items):
    response = client.http.post("/campaigns/hrd-resolution/letters", body=b"country=KE",
                                headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    assert stored_items() == []


def test_unknown_campaign_is_404(client, stored_items):
    response = client.http.post("/campaigns/no-such-campaign/letters", body=json.dumps(GOOD),
                                headers={"Content-Type": "application/json"})
    assert response.status_code == 404
    assert stored_items() == []


@pytest.mark.parametrize("days,status", [(-400, 409), (+800, 410)])
def test_a_campaign_that_is_not_open_refuses_letters(client, clock, days, status, stored_items, queued_count):
    clock.advance(days=days)
    response = client.http.post("/campaigns/hrd-resolution/letters", body=json.dumps(GOOD),
                                headers={"Content-Type": "application/json"})
    assert response.status_code == status
    assert response.json_body["error"]["code"] == "campaign_not_open"
    assert stored_items() == [] and queued_count() == 0


def test_when_the_queue_is_down_the_letter_is_not_left_behind(client, services, stored_items):
    def broken(letter_id):
        raise ConnectionError("queue unreachable")

    services.queue.enqueue = broken
    response = client.http.post("/campaigns/hrd-resolution/letters", body=json.dumps(GOOD),
                                headers={"Content-Type": "application/json"})
    assert response.status_code == 503
    assert stored_items() == []
