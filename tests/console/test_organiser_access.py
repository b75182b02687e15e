"""Organiser access: who may see which campaign. No token: 401; another campaign's token: 403; revoked or
expired: 401. Tokens are stored only as hashes, and the CLI creates, lists and revokes them."""

from __future__ import annotations

import io
import json

import pytest

from chalicelib.cli.admin import main as admin
from chalicelib.console.tokens import Organiser
from chalicelib.errors import Forbidden

A, B = "hrd-resolution", "sg-defenders"
ROUTES = [
    ("GET", "/admin/campaigns/{slug}/letters"),
    ("GET", "/admin/campaigns/{slug}/stats"),
    ("GET", "/admin/campaigns/{slug}/dashboard"),
    ("GET", "/admin/campaigns/{slug}/audit"),
    ("POST", "/admin/campaigns/{slug}/exports"),
    ("GET", "/admin/campaigns/{slug}/exports/00000000-0000-4000-8000-000000000000"),
]


def call(client, method, path, token=None):
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return client.http.request(method, path, headers=headers, body=b"{}" if method == "POST" else b"")


@pytest.fixture
def tokens(services):
    create = services.organiser_tokens.create
    return {
        "A": create("Organiser of A", [A])[0],
        "AB": create("Coalition", [A, B])[0],
        "all": create("Secretariat", ["*"])[0],
    }


def test_the_authorisation_matrix(client, tokens):
    # GIVEN tokens for A only, for A and B, and for all campaigns
    for method, route in ROUTES:

        def status(token, slug):
            return call(client, method, route.format(slug=slug), token).status_code

        # THEN on every route: no token or a malformed one is 401, and A's token on B is 403 ...
        where = f"{method} {route}"
        assert status(None, A) == 401, where
        assert status("dmo_nonsense", A) == 401, where
        assert status(tokens["A"], B) == 403, where
        # ... and every token covering the campaign gets past the gate (404: only the unknown export)
        allowed = 404 if "/exports/" in route else (202 if method == "POST" else 200)
        for name in ("A", "AB", "all"):
            assert status(tokens[name], A) == allowed, f"{where} with token {name}"
        assert status(tokens["AB"], B) == allowed, where
        assert status(tokens["all"], "no-such-campaign") == 404, where


def test_a_revoked_or_expired_token_is_refused_at_once(client, services, clock, tokens):
    path = f"/admin/campaigns/{A}/stats"
    assert call(client, "GET", path, tokens["A"]).status_code == 200

    token_id = tokens["A"].split("_")[1]
    services.organiser_tokens.revoke(token_id)
    assert call(client, "GET", path, tokens["A"]).status_code == 401

    from chalicelib.console.tokens import parse_expiry

    expiring, _ = services.organiser_tokens.create("Temp", [A], parse_expiry("12h", clock()))
    assert call(client, "GET", path, expiring).status_code == 200
    clock.advance(hours=12)
    assert call(client, "GET", path, expiring).status_code == 401


def test_a_token_with_the_right_id_and_a_wrong_secret_is_refused(client, tokens):
    forged = tokens["all"][:-4] + ("AAAA" if not tokens["all"].endswith("AAAA") else "BBBB")
    assert call(client, "GET", f"/admin/campaigns/{A}/stats", forged).status_code == 401


def test_the_campaign_list_shows_only_the_tokens_campaigns(client, tokens):
    def slugs(token):
        return [c["slug"] for c in json.loads(call(client, "GET", "/admin/campaigns", token).body)["campaigns"]]

    assert slugs(tokens["A"]) == [A]
    assert sorted(slugs(tokens["AB"])) == sorted([A, B])
    from chalicelib.campaigns.catalogue import Campaigns

    assert len(slugs(tokens["all"])) == len(Campaigns().all())
    assert call(client, "GET", "/admin/campaigns").status_code == 401


def test_the_console_checks_the_campaign_itself_not_only_the_gateway_policy(services):
    # GIVEN an organiser of A only (as the authorizer would describe them)
    organiser = Organiser.from_context(Organiser("id", "label", (A,)).context())
    # WHEN the console is asked about B directly (say the gateway policy were too broad)
    # THEN it refuses too
    with pytest.raises(Forbidden):
        services.console.stats(organiser, B)


def test_tokens_are_stored_only_as_hashes(services, stored_items):
    token, record = services.organiser_tokens.create("Someone", [A])
    secret = token.split("_", 2)[2]
    stored = json.dumps(stored_items(), default=str)
    assert record.token_id in stored
    assert secret not in stored and token not in stored


def test_the_dashboard_page_itself_needs_no_token_and_holds_no_data(client):
    page = client.http.get("/admin")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert 'type="password"' in page.body.decode()
    assert client.http.get("/admin/dashboard.js").status_code == 200


def test_campaign_data_is_never_cached(client, tokens):
    response = call(client, "GET", f"/admin/campaigns/{A}/letters", tokens["A"])
    assert response.headers["Cache-Control"] == "no-store"


def test_the_dev_token_is_handed_out_only_in_the_local_stage(client, services):
    assert client.http.get("/dev/organiser-token").status_code == 404  # none was created for this run
    object.__setattr__(services.settings, "dev_organiser_token", "dmo_x")
    assert json.loads(client.http.get("/dev/organiser-token").body) == {"token": "dmo_x"}
    object.__setattr__(services.settings, "stage", "prod")
    assert client.http.get("/dev/organiser-token").status_code == 404


def run_admin(*argv):
    import app as app_module

    out, err = io.StringIO(), io.StringIO()
    code = admin(["--aws", *argv], out=out, err=err, services=app_module.services())
    return code, out.getvalue(), err.getvalue()


def test_the_cli_creates_lists_and_revokes_tokens(client, services):
    # WHEN a token for two campaigns, expiring in 30 days, is created with the CLI
    code, out, err = run_admin(
        "token", "create", "--campaign", A, "--campaign", B, "--label", "PEN Kenya", "--expires", "30d"
    )
    token = out.strip()
    # THEN only the token is on stdout (scripts can capture it) and it works
    assert code == 0 and token.startswith("dmo_") and "shown only now" in err
    assert call(client, "GET", f"/admin/campaigns/{B}/stats", token).status_code == 200

    code, out, _ = run_admin("token", "list")
    [line] = [row for row in out.splitlines() if "PEN Kenya" in row]
    token_id = line.split("\t")[0]
    assert line.split("\t")[1:3] == ["active", f"{A},{B}"]

    assert run_admin("token", "revoke", token_id)[0] == 0
    assert call(client, "GET", f"/admin/campaigns/{B}/stats", token).status_code == 401
    assert "revoked" in run_admin("token", "list")[1]


BAD_CREATES = [
    (["--label", "x"], "--campaign SLUG"),
    (["--label", "x", "--all", "--campaign", A], "--campaign SLUG"),
    (["--label", "x", "--campaign", "nope"], "nope"),
    (["--label", " ", "--all"], "label"),
    (["--label", "x", "--all", "--expires", "2001-01-01"], "has passed"),
    (["--label", "x", "--all", "--expires", "soon"], "duration"),
]


def test_the_cli_names_what_is_wrong_and_creates_nothing(services):
    for argv, message in BAD_CREATES:
        code, out, err = run_admin("token", "create", *argv)
        assert (code, out) == (2, "") and message in err, argv
    assert services.organiser_tokens.list() == []


def test_revoking_an_unknown_token_says_so(services):
    code, _, err = run_admin("token", "revoke", "0123456789ab")
    assert code == 2 and "No token" in err


def test_the_cli_says_plainly_when_aws_cannot_be_reached(services, monkeypatch):
    # GIVEN a table name that does not exist in this account (a wrong stage, a typo)
    monkeypatch.setenv("DEMARCHE_TABLE", "no-such-table")
    out, err = io.StringIO(), io.StringIO()
    code, out, err = admin(["--aws", "token", "list"], out=out, err=err), out.getvalue(), err.getvalue()
    assert code == 1 and out == ""
    assert err.startswith("error: AWS refused or could not be reached:") and "Traceback" not in err
