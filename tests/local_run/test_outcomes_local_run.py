"""The two example outcome campaigns end to end under `make run` (python -m localdev, over real HTTP): the coalition
sign-on letter from a signature to the letters in the outbox, and a digest from a supporter's letter to the digest
the ministry receives. The local minute job (housekeeping) does what EventBridge does in AWS."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest
from support.live_servers import confirmation_link, eventually, get_json, post_json

SIGN_ON, DIGEST = "ga-defenders-sign-on", "defenders-digest"


def admin(base: str, token: str, path: str, body: dict | None = None, method: str = "GET") -> dict:
    request = urllib.request.Request(
        f"{base}/admin/campaigns/{path}",
        method="POST" if body is not None else method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def confirm(link: str) -> None:
    request = urllib.request.Request(
        link, data=b"", method="POST", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def letters_to(base: str, words: str) -> list[dict]:
    return [m for m in get_json(f"{base}/dev/outbox.json") if m["reply_to"] and words in m["body"]]


@pytest.fixture
def own_stack():
    """A `make run` of its own: the sign-on letter queues 193 letters, which the local stand-in sends at about one a
    second; on the shared server they would hold up other tests' letters for minutes. One per test: the
    Secretary-General's letter must not wait behind the Geneva letters of the test before (it timed out there)."""
    from support.live_servers import local_api

    with local_api() as base:
        yield base


@pytest.mark.slow
def test_the_example_digest_and_sign_on_letter_run_end_to_end_under_make_run(own_stack):
    base = own_stack
    token = get_json(f"{base}/dev/organiser-token")["token"]
    stamps = {slug: get_json(f"{base}/campaigns/{slug}/form-token")["form_token"] for slug in (SIGN_ON, DIGEST)}
    time.sleep(2.1)  # the forms' minimum fill time

    # A digest: a supporter writes and confirms; the organisers bring the coming digests forward
    post_json(
        f"{base}/campaigns/{DIGEST}/letters",
        {
            "country": "KE",
            "name": "Live Run Supporter",
            "email": "supporter@live-run.example.org",
            "message": "Free them all.",
            "form_token": stamps[DIGEST],
        },
    )
    confirm(confirmation_link(base, "supporter@live-run.example.org"))
    assert admin(base, token, f"{DIGEST}/digests/send-now", {})["brought_forward"] == 1
    # THEN the minute job closes it, and Kenya's New York mission (down the chain: its ministry publishes no
    # address) gets the digest with the supporter and their own words
    [digest] = eventually(lambda: letters_to(base, "1. Live Run Supporter (Kenya)") or _not_yet(), timeout=30)
    assert "Free them all." in digest["body"] and "Permanent Mission of Kenya" in digest["to"]

    # A coalition: an organisation signs and confirms, the organisers approve it and send the letter to Geneva
    post_json(
        f"{base}/campaigns/{SIGN_ON}/signatures",
        {
            "organisation": "Live Run Defenders Network",
            "country": "CL",
            "contact_name": "Ana Pérez",
            "email": "ana@live-run.example.org",
            "form_token": stamps[SIGN_ON],
        },
    )
    confirm(confirmation_link(base, "ana@live-run.example.org"))
    [signatory] = admin(base, token, f"{SIGN_ON}/signatories")["signatories"]
    admin(base, token, f"{SIGN_ON}/signatories/{signatory['signatory_id']}/approve", {})
    assert [s["organisation"] for s in get_json(f"{base}/campaigns/{SIGN_ON}/signatories")["signatories"]] == [
        "Live Run Defenders Network"
    ]
    admin(base, token, f"{SIGN_ON}/sends", {"target_set": "un-mission-geneva", "send_at": "now", "confirm_count": 193})

    # THEN the minute job logs one letter per Geneva mission (193: the simulation in test_sign_on.py follows them
    # all), queuing them twenty at a time, and the first ones are in the outbox, each with the list
    first = eventually(lambda: letters_to(base, "1. Live Run Defenders Network (Chile)")[2:] or _not_yet(), timeout=30)
    # (a mission without a Geneva address gets it in New York: the campaign's fallback, now that those are sourced)
    assert all("Permanent Mission" in m["to"] for m in first)
    [send] = admin(base, token, f"{SIGN_ON}/outcomes")["sends"]
    assert send["status"] in ("dispatching", "dispatched") and send["signatories"] == 1


def _not_yet() -> list:
    raise AssertionError("not in the outbox yet")


@pytest.mark.slow
def test_the_2016_style_sign_on_to_the_secretary_general_runs_end_to_end_under_make_run(own_stack, tmp_path):
    """Sign, confirm, approve, send to the fixed target, read the signed letter, publish it: over real HTTP."""
    base, agenda = own_stack, "sg-defenders-agenda"
    token = get_json(f"{base}/dev/organiser-token")["token"]
    stamp = get_json(f"{base}/campaigns/{agenda}/form-token")["form_token"]
    time.sleep(2.1)
    post_json(
        f"{base}/campaigns/{agenda}/signatures",
        {
            "organisation": "منظمة المدافعين (مثال)",
            "country": "JO",
            "contact_name": "Layla Haddad",
            "email": "layla@agenda-run.example.org",
            "form_token": stamp,
        },
    )
    confirm(confirmation_link(base, "layla@agenda-run.example.org"))
    [signatory] = admin(base, token, f"{agenda}/signatories")["signatories"]
    admin(base, token, f"{agenda}/signatories/{signatory['signatory_id']}/approve", {})
    # One fixed target: no count to confirm. Locally its letter goes to a placeholder and lands in the outbox
    send = admin(base, token, f"{agenda}/sends", {"target_set": "fixed", "send_at": "now"})
    assert send["target_set"] == "fixed"
    [letter] = eventually(
        lambda: (
            [m for m in letters_to(base, "1. منظمة المدافعين (مثال) (Jordan)") if "agenda@" in m["reply_to"]]
            or _not_yet()
        ),
        timeout=90,  # behind the 193 Geneva letters of the test before, on a loaded machine
    )
    assert "fixed@sandbox.invalid" in letter["to"] and "Secretary-General" in letter["to"]
    # The signed letter, in French, dated the day it went, the country named in French
    request = urllib.request.Request(
        f"{base}/admin/campaigns/{agenda}/signed-letter?lang=fr", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        page = response.read().decode()
    assert "Date : " in page and "2026-11-26" in page and "<bdi>Jordanie</bdi>" in page
    # Published, the public may read it (and partners frame it)
    admin(base, token, f"{agenda}/signed-letter/publish", {"published": True})
    with urllib.request.urlopen(f"{base}/campaigns/{agenda}/signed-letter?lang=en&embed=1", timeout=10) as response:
        assert "منظمة المدافعين (مثال)" in response.read().decode()
    [done] = admin(base, token, f"{agenda}/outcomes")["sends"]
    assert done["status"] == "dispatched" and done["letters"] == 1
