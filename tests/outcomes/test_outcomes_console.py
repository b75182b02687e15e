"""The organiser console's outcome routes: signatories to approve, sign-on sends, digests brought forward, and
"did they reply?" figures. Each is behind the organiser token, for the campaigns it covers only."""

from __future__ import annotations

import json

import pytest
from support.sign_on_api import SIGN_ON, organisation

DIGEST = "defenders-digest"


def call(client, method, path, token=None, body=None):
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else (b"{}" if method == "POST" else b"")
    return client.http.request(method, path, headers=headers, body=data)


@pytest.fixture
def tokens(services):
    create = services.organiser_tokens.create
    return {
        "sign-on": create("Coalition secretariat", [SIGN_ON])[0],
        "digest": create("Digest team", [DIGEST])[0],
        "letters": create("Letters team", ["hrd-resolution"])[0],
    }


ROUTES = [
    ("GET", "/admin/campaigns/{slug}/outcomes"),
    ("GET", "/admin/campaigns/{slug}/signatories"),
    ("POST", "/admin/campaigns/{slug}/signatories/00000000-0000-4000-8000-000000000000/approve"),
    ("POST", "/admin/campaigns/{slug}/sends"),
    ("POST", "/admin/campaigns/{slug}/sends/x/cancel"),
    ("POST", "/admin/campaigns/{slug}/digests/send-now"),
]


@pytest.mark.parametrize(("method", "route"), ROUTES)
def test_every_outcome_route_needs_a_token_for_that_campaign(client, tokens, method, route):
    path = route.format(slug=SIGN_ON)
    assert call(client, method, path).status_code == 401
    assert call(client, method, path, "dmo_nonsense").status_code == 401
    assert call(client, method, path, tokens["letters"]).status_code == 403  # a token for another campaign


def test_organisers_approve_signatories_and_schedule_the_letter_from_the_console(client, tokens, sign_on, services):
    token = tokens["sign-on"]
    base = f"/admin/campaigns/{SIGN_ON}"
    signatory_id = sign_on.sign(organisation("Kenya Rights Watch"))
    # GIVEN a confirmed signatory: the organisers see it waiting, its contact masked
    [listed] = call(client, "GET", f"{base}/signatories", token).json_body["signatories"]
    assert listed["status"] == "awaiting_approval" and listed["contact_email"] == "c…@kenyarightswatch.example.org"
    # WHEN they reveal the contact THEN they see it, and the reveal is in the audit trail
    revealed = call(client, "GET", f"{base}/signatories?reveal=1&reason=call+them", token).json_body
    assert revealed["signatories"][0]["contact_email"] == "contact@kenyarightswatch.example.org"
    [audit] = call(client, "GET", f"{base}/audit", token).json_body["records"]
    assert audit["action"] == "reveal_signatories" and audit["actor"].endswith("(Coalition secretariat)")
    # WHEN they approve it THEN it is public, and the decision names who made it
    approved = call(client, "POST", f"{base}/signatories/{signatory_id}/approve", token)
    assert approved.status_code == 200 and approved.json_body["decided_by"].endswith("(Coalition secretariat)")
    assert [s["organisation"] for s in sign_on.public()] == ["Kenya Rights Watch"]
    assert call(client, "POST", f"{base}/signatories/{signatory_id}/maybe", token).status_code == 400

    # WHEN they schedule the letter THEN it is planned once, and can be cancelled while it waits
    bad = call(client, "POST", f"{base}/sends", token, {"target_set": "parliaments", "send_at": "now"})
    assert bad.status_code == 400 and bad.json_body["error"]["field"] == "target_set"
    past = call(
        client, "POST", f"{base}/sends", token, {"target_set": "foreign-ministry", "send_at": "2020-01-01T09:00:00Z"}
    )
    assert past.status_code == 400 and past.json_body["error"]["field"] == "send_at"
    naive = call(client, "POST", f"{base}/sends", token, {"send_at": "2026-12-01T09:00"})
    assert naive.status_code == 400 and "time zone" in naive.json_body["error"]["message"]
    # (above 10 targets, only once their number is confirmed: the dashboard asks "Send to 193 …?")
    geneva = {"target_set": "un-mission-geneva", "send_at": "2026-12-01T09:00:00Z"}
    unconfirmed = call(client, "POST", f"{base}/sends", token, geneva)
    count = services.sign_on_sends.target_count()
    assert count > 10 and unconfirmed.status_code == 409
    assert (
        unconfirmed.json_body["error"]["code"] == "confirm_count" and unconfirmed.json_body["error"]["count"] == count
    )
    assert f"to {count} targets" in unconfirmed.json_body["error"]["message"]
    assert call(client, "POST", f"{base}/sends", token, {**geneva, "confirm_count": count - 1}).status_code == 409
    assert call(client, "POST", f"{base}/sends", token, {**geneva, "confirm_count": "all"}).status_code == 400
    assert call(client, "GET", f"{base}/outcomes", token).json_body["sends"] == []
    send = call(client, "POST", f"{base}/sends", token, {**geneva, "confirm_count": count})
    assert send.status_code == 201 and send.json_body["status"] == "scheduled"
    again = call(client, "POST", f"{base}/sends", token, {"target_set": "un-mission-geneva", "send_at": "now"})
    assert again.status_code == 409
    send_id = send.json_body["send_id"]
    assert call(client, "POST", f"{base}/sends/{send_id}/cancel", token).json_body["status"] == "cancelled"
    assert call(client, "POST", f"{base}/sends/{send_id}/cancel", token).status_code == 409
    outcomes = call(client, "GET", f"{base}/outcomes", token).json_body
    assert outcomes["kind"] == "sign-on" and [s["status"] for s in outcomes["sends"]] == ["cancelled"]


def test_a_digest_campaigns_console_brings_digests_forward_and_shows_them(
    client, tokens, letters_api, housekeeping, drain
):
    letters_api.send(DIGEST, {"country": "KE", "name": "Amina Wanjiru", "email": "amina@example.org"})
    base = f"/admin/campaigns/{DIGEST}"
    assert call(client, "POST", f"{base}/digests/send-now", tokens["digest"]).json_body == {"brought_forward": 1}
    housekeeping()
    drain()
    [digest] = call(client, "GET", f"{base}/outcomes", tokens["digest"]).json_body["digests"]
    assert (digest["status"], digest["supporters"], digest["country"]) == ("handed_over", 1, "KE")
    letters = call(client, "POST", "/admin/campaigns/hrd-resolution/digests/send-now", tokens["letters"])
    assert letters.status_code == 400  # that campaign sends each letter on its own


def test_a_letters_campaigns_console_shows_responsiveness_and_replies(client, tokens, services):
    from chalicelib.feedback.responsiveness import count_entry, counter_key

    table = services.aws.table
    table.meta.client.transact_write_items(
        TransactItems=[
            count_entry(
                table.name,
                counter_key("hrd-resolution", "foreign-ministry", "KE"),
                "Ministry of Foreign and Diaspora Affairs",
                asked=14,
                answered=12,
                yes=9,
                no=3,
            )
        ]
    )
    outcomes = call(client, "GET", "/admin/campaigns/hrd-resolution/outcomes", tokens["letters"]).json_body
    assert outcomes["min_answers"] == 10 and outcomes["replies"] == []
    assert outcomes["responsiveness"] == [
        {
            "target_set": "foreign-ministry",
            "country": "KE",
            "target_name": "Ministry of Foreign and Diaspora Affairs",
            "asked": 14,
            "answered": 12,
            "replied": 9,
            "no_reply": 3,
            "not_yet": 0,
            "rate": 0.75,
        }
    ]


def test_the_admin_cli_decides_on_signatories_schedules_the_letter_and_shows_replies(sign_on, services):
    import io

    from chalicelib.cli.admin import main as admin

    def run(*argv):
        out, err = io.StringIO(), io.StringIO()
        return admin(["--aws", *argv], out=out, err=err, services=services), out.getvalue(), err.getvalue()

    signatory_id = sign_on.sign(organisation("Kenya Rights Watch"))
    code, out, _ = run("signatories", "--campaign", SIGN_ON)
    assert code == 0 and f"{signatory_id}\tawaiting_approval\tKenya Rights Watch\tKE\tC…" in out
    code, out, _ = run("approve", "--campaign", SIGN_ON, signatory_id)
    assert code == 0 and out.strip() == "Kenya Rights Watch (KE): approved"
    assert [s["organisation"] for s in sign_on.public()] == ["Kenya Rights Watch"]
    send = ("send", "--campaign", SIGN_ON, "--set", "un-mission-new-york", "--at", "2026-12-01T09:00:00Z")
    count = services.sign_on_sends.target_count()
    code, out, err = run(*send)
    assert (code, out) == (2, "") and f"add --yes-send-to {count} to confirm" in err
    code, out, _ = run(*send, "--yes-send-to", str(count))
    assert code == 0 and json.loads(out)["status"] == "scheduled"
    code, _, err = run("approve", "--campaign", SIGN_ON, "no-such-signatory")
    assert code == 2 and "No signatory" in err
    code, out, _ = run("replies", "--campaign", "hrd-resolution")
    assert code == 0 and out.startswith("target\tasked\tanswered\treplied")
