"""Signing in to the console by email: a one-time link through SES, a short session, roles per campaign.

The link works once and for 15 minutes, is kept only hashed, and asking for one answers the same for any address
(only a member gets mail) within per-address and per-network limits. A session, like a token, carries a role on each
campaign: a viewer reads, an editor acts, only an owner reveals personal data."""

from __future__ import annotations

import io
import json

import pytest
from support.sign_in_links import links_to

from chalicelib.cli.admin import main as admin

A, B = "hrd-resolution", "sg-defenders"
SIGN_ON = "ga-defenders-sign-on"
SAME_ANSWER = "If this address belongs to an organiser, a sign-in link is on its way."


def post(client, path, body, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.http.post(path, headers=headers, body=json.dumps(body).encode())


def get(client, path, token):
    return client.http.get(path, headers={"Authorization": f"Bearer {token}"})


def test_a_member_signs_in_with_the_emailed_link_and_sees_their_campaigns_with_their_role(
    client, services, outbox, sign_in
):
    # GIVEN Amina is an editor of A
    services.members.grant("Amina@ngo.example", [A], "editor")
    # WHEN she asks for a link and opens it
    session = sign_in("amina@ngo.example")
    # THEN the mail came from a campaign she organises, and says how long the link lasts
    [mail] = outbox()
    assert mail["to"] == "amina@ngo.example" and "@demarche.example.org" in mail["from"]
    assert "15 minutes" in mail["body"] and "works once" in mail["body"]
    # AND her session opens A only, with her role and its rights
    assert session["token"].startswith("dms_") and session["email"] == "amina@ngo.example"
    campaigns = json.loads(get(client, "/admin/campaigns", session["token"]).body)["campaigns"]
    assert [(c["slug"], c["role"], c["rights"]) for c in campaigns] == [(A, "editor", ["read", "act"])]
    assert get(client, f"/admin/campaigns/{A}/stats", session["token"]).status_code == 200
    assert get(client, f"/admin/campaigns/{B}/stats", session["token"]).status_code == 403


def test_a_link_works_once(client, services, outbox):
    services.members.grant("amina@ngo.example", [A], "owner")
    post(client, "/admin/sign-in", {"email": "amina@ngo.example"})
    [link] = links_to(outbox, "amina@ngo.example")
    assert post(client, "/admin/sessions", {"link": link}).status_code == 201
    second = post(client, "/admin/sessions", {"link": link})
    assert second.status_code == 410 and "used already" in json.loads(second.body)["error"]["message"]


def test_a_link_stops_working_after_15_minutes(client, services, outbox, clock):
    services.members.grant("amina@ngo.example", [A], "owner")
    post(client, "/admin/sign-in", {"email": "amina@ngo.example"})
    post(client, "/admin/sign-in", {"email": "amina@ngo.example"})
    early, late = links_to(outbox, "amina@ngo.example")
    clock.advance(minutes=14, seconds=59)
    assert post(client, "/admin/sessions", {"link": early}).status_code == 201
    clock.advance(seconds=2)
    assert post(client, "/admin/sessions", {"link": late}).status_code == 410


def test_a_made_up_link_is_refused(client):
    for link in ("", "x" * 43, None, 12):
        assert post(client, "/admin/sessions", {"link": link}).status_code == 410, link


def test_links_and_sessions_are_stored_only_as_hashes(client, services, outbox, sign_in, stored_items):
    services.members.grant("amina@ngo.example", [A], "owner")
    session = sign_in("amina@ngo.example")
    [link] = links_to(outbox, "amina@ngo.example")
    stored = json.dumps(stored_items(), default=str)
    assert link not in stored
    assert session["token"].split("_", 2)[2] not in stored


def test_asking_for_a_link_tells_nobody_who_is_an_organiser(client, services, outbox, stored_items):
    # GIVEN one member, and an address that is not one
    services.members.grant("amina@ngo.example", [A], "owner")
    before = len(stored_items())
    # WHEN both ask for a link
    member = post(client, "/admin/sign-in", {"email": "amina@ngo.example"})
    stranger = post(client, "/admin/sign-in", {"email": "someone@else.example"})
    # THEN the answers are the same, status and body
    assert (member.status_code, member.body) == (stranger.status_code, stranger.body) == (202, member.body)
    assert SAME_ANSWER in json.loads(member.body)["message"]
    # AND only the member got mail; the stranger left no link behind
    assert [m["to"] for m in outbox()] == ["amina@ngo.example"]
    links = [i for i in stored_items() if i["pk"] == "SIGN_IN_LINK"]
    assert len(links) == 1 and links[0]["email"] == "amina@ngo.example"
    assert len(stored_items()) > before


@pytest.mark.parametrize("email", ["amina@ngo.example", "nobody@ngo.example"])
def test_asking_too_often_is_refused_for_members_and_strangers_alike(client, services, outbox, clock, email):
    services.members.grant("amina@ngo.example", [A], "owner")
    answers = [post(client, "/admin/sign-in", {"email": email}).status_code for _ in range(6)]
    assert answers == [202] * 5 + [429]
    refused = post(client, "/admin/sign-in", {"email": email})
    assert int(refused.headers["Retry-After"]) <= 3600
    assert len(outbox()) == (5 if email.startswith("amina") else 0)
    clock.advance(hours=1)
    assert post(client, "/admin/sign-in", {"email": email}).status_code == 202


def test_one_network_cannot_flood_many_inboxes(client):
    answers = [post(client, "/admin/sign-in", {"email": f"person{n}@ngo.example"}).status_code for n in range(31)]
    assert answers == [202] * 30 + [429]


@pytest.mark.parametrize("email", ["not an address", "a@b.example\r\nBcc: x@y.example", ""])
def test_a_malformed_address_is_named(client, outbox, email):
    response = post(client, "/admin/sign-in", {"email": email})
    assert response.status_code == 400 and json.loads(response.body)["error"]["field"] == "email"
    assert outbox() == []


def test_a_session_ends_after_12_hours_on_sign_out_and_when_the_member_is_removed(client, services, clock, sign_in):
    services.members.grant("amina@ngo.example", [A], "owner")
    path = f"/admin/campaigns/{A}/stats"
    first = sign_in("amina@ngo.example")["token"]
    clock.advance(hours=11, minutes=59)
    assert get(client, path, first).status_code == 200
    clock.advance(minutes=2)
    assert get(client, path, first).status_code == 401

    second = sign_in("amina@ngo.example")["token"]
    assert post(client, "/admin/sign-out", {}, second).status_code == 200
    assert get(client, path, second).status_code == 401

    third = sign_in("amina@ngo.example")["token"]
    services.members.remove("amina@ngo.example")
    assert get(client, path, third).status_code == 401


def test_a_changed_role_applies_to_a_running_session(client, services, sign_in):
    services.members.grant("amina@ngo.example", [A], "owner")
    token = sign_in("amina@ngo.example")["token"]
    assert get(client, f"/admin/campaigns/{A}/letters?reveal=1&reason=a+check", token).status_code == 200
    services.members.grant("amina@ngo.example", [A], "viewer")
    assert get(client, f"/admin/campaigns/{A}/letters?reveal=1&reason=a+check", token).status_code == 403


# --- roles: what each may do, for sessions and bearer tokens alike ---------------------------------------------

REVEALS = [
    ("GET", f"/admin/campaigns/{A}/letters?reveal=1&reason=a+check"),
    ("POST", f"/admin/campaigns/{A}/exports?reveal=1&reason=a+check"),
    ("GET", f"/admin/campaigns/{SIGN_ON}/signatories?reveal=1&reason=a+check"),
]
ACTS = [
    ("POST", f"/admin/campaigns/{SIGN_ON}/sends", {"target_set": "foreign-ministry", "send_at": "now"}),
    ("POST", "/admin/campaigns/defenders-digest/digests/send-now", {}),
    ("POST", f"/admin/campaigns/{SIGN_ON}/sends/no-such-send/cancel", {}),
    ("POST", f"/admin/campaigns/{SIGN_ON}/signatories/no-such-signatory/approve", {}),
]
READS = [
    ("GET", f"/admin/campaigns/{A}/letters"),
    ("GET", f"/admin/campaigns/{A}/dashboard"),
    ("GET", f"/admin/campaigns/{SIGN_ON}/signatories"),
    ("POST", f"/admin/campaigns/{A}/exports"),
]


def status_of(client, token, method, path, body=None):
    if method == "GET":
        return get(client, path, token).status_code
    return post(client, path, body if body is not None else {}, token).status_code


@pytest.fixture(params=["token", "session"])
def holder(request, client, services, sign_in):
    """A bearer for a role on every campaign: an organiser token, or a signed-in member's session."""

    def make(role):
        if request.param == "token":
            return services.organiser_tokens.create(f"a {role}", ["*"], role=role)[0]
        services.members.grant(f"{role}@ngo.example", ["*"], role)
        return sign_in(f"{role}@ngo.example")["token"]

    return make


def test_only_an_owner_reveals_and_a_viewer_cannot_act(client, holder):
    for role in ("viewer", "editor", "owner"):
        bearer = holder(role)
        for method, path in REVEALS:
            expected = 403 if role != "owner" else (202 if method == "POST" else 200)
            assert status_of(client, bearer, method, path) == expected, (role, path)
        for method, path, body in ACTS:
            got = status_of(client, bearer, method, path, body)
            assert (got == 403) == (role == "viewer"), (role, path, got)
        for method, path in READS:
            assert status_of(client, bearer, method, path) in (200, 202), (role, path)


def test_a_refusal_names_the_role_and_the_missing_right(client, holder):
    response = get(client, f"/admin/campaigns/{A}/letters?reveal=1&reason=a+check", holder("viewer"))
    assert "(viewer) does not allow revealing personal data" in json.loads(response.body)["error"]["message"]


def test_a_token_stored_before_roles_is_an_owners(client, services):
    token, record = services.organiser_tokens.create("old", [A])
    services.aws.table.update_item(
        Key={"pk": "ORGANISER_TOKEN", "sk": record.token_id},
        UpdateExpression="REMOVE #r",
        ExpressionAttributeNames={"#r": "role"},
    )
    assert get(client, f"/admin/campaigns/{A}/letters?reveal=1&reason=a+check", token).status_code == 200


# --- the admin CLI ----------------------------------------------------------------------------------------------


def run_admin(*argv):
    import app as app_module

    out, err = io.StringIO(), io.StringIO()
    code = admin(["--aws", *argv], out=out, err=err, services=app_module.services())
    return code, out.getvalue(), err.getvalue()


def test_the_cli_adds_lists_and_removes_organisers(client, services, sign_in):
    code, out, _ = run_admin("organiser", "add", "Amina@NGO.example", "--campaign", A, "--role", "viewer")
    assert code == 0 and "amina@ngo.example can sign in" in out
    run_admin("organiser", "add", "amina@ngo.example", "--campaign", B, "--role", "owner")
    listed = run_admin("organiser", "list")[1]
    assert f"amina@ngo.example\t{A}: viewer, {B}: owner" in listed
    token = sign_in("amina@ngo.example")["token"]
    assert get(client, f"/admin/campaigns/{B}/letters?reveal=1&reason=a+check", token).status_code == 200
    assert get(client, f"/admin/campaigns/{A}/letters?reveal=1&reason=a+check", token).status_code == 403
    assert run_admin("organiser", "remove", "amina@ngo.example")[0] == 0
    assert get(client, f"/admin/campaigns/{B}/stats", token).status_code == 401
    assert run_admin("organiser", "remove", "amina@ngo.example")[0] == 2


def test_the_first_owner_command_still_makes_a_token_with_every_right(client, services):
    code, out, err = run_admin("token", "create", "--all", "--label", "first owner")
    assert code == 0 and "role: owner" in err
    assert get(client, f"/admin/campaigns/{A}/letters?reveal=1&reason=a+check", out.strip()).status_code == 200
    viewer = run_admin("token", "create", "--all", "--label", "board", "--role", "viewer")[1].strip()
    assert get(client, f"/admin/campaigns/{A}/letters?reveal=1&reason=a+check", viewer).status_code == 403
    assert "\tviewer\t" in run_admin("token", "list")[1]
