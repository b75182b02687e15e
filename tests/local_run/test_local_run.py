"""`make run`'s server, started for real on a free loopback port: one letter over HTTP reaches the outbox, and an
organiser gets a token, uses the admin CLI against the running stack, and downloads an export."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from support.live_servers import (
    cli,
    confirmation_link,
    eventually,
    get_json,
    outbox,
    post_json,
    server_output,
    wait_for_mail,
)


@pytest.mark.slow
def test_a_letter_posted_over_http_is_confirmed_from_the_outbox_and_reaches_the_ministry(live_api):
    # As the README's curl walkthrough: get a form token, wait the minimum fill time, post.
    token = get_json(f"{live_api}/campaigns/hrd-resolution/form-token")["form_token"]
    time.sleep(2.1)
    receipt = post_json(
        f"{live_api}/campaigns/hrd-resolution/letters",
        {"country": "Kenya", "name": "Curl User", "email": "curl.user@example.org", "form_token": token},
    )
    assert receipt["status"] == "pending_confirmation"

    link = confirmation_link(live_api, "curl.user@example.org")  # the server is shared: filter by address
    assert link.startswith(live_api)
    with urllib.request.urlopen(link, timeout=5) as page:  # opening the link shows a button ...
        assert "Confirm and send my letter" in page.read().decode()
    confirm = urllib.request.Request(
        link, data=b"", method="POST", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    with urllib.request.urlopen(confirm, timeout=10) as response:  # ... which posts the confirmation
        assert response.status == 200

    mail = wait_for_mail(live_api, "curl.user@example.org")
    # Kenya's ministry publishes no address we know of: the campaign's chain takes it to the New York mission
    assert "Permanent Mission of Kenya to the United Nations" in mail["to"]

    def sent() -> None:
        assert get_json(receipt["status_url"])["status"] == "sent"

    eventually(sent, timeout=30)
    outbox_page = (
        urllib.request.urlopen(f"{live_api}/dev/outbox?to=curl.user%40example.org", timeout=10).read().decode()
    )
    assert "Curl User" in outbox_page


def call(url: str, token: str, method: str = "GET"):
    request = urllib.request.Request(
        url,
        method=method,
        data=b"{}" if method == "POST" else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, None


def admin_cli(base: str, *argv: str) -> subprocess.CompletedProcess:
    """The admin CLI in its own process, as an administrator runs it next to `make run`."""
    return cli(base, "admin", *argv)


@pytest.mark.slow
def test_the_reputation_and_target_health_clis_find_the_running_stack(live_api):
    # GIVEN `make run` is running (its state file names its AWS stand-in; this shell sets no region)
    # WHEN an organiser asks for a campaign's sending state and the failing targets
    status = cli(live_api, "reputation", "status", "hrd-resolution")
    health = cli(live_api, "directory", "health", "list")
    # THEN both answer from the local stack instead of failing with NoRegionError
    assert status.returncode == 0, status.stderr
    assert "using the local stack" in status.stderr and "hrd-resolution: sending; last 24 h:" in status.stdout
    assert health.returncode == 0, health.stderr
    assert "using the local stack" in health.stderr and "failing target(s)" in health.stderr


@pytest.mark.slow
def test_make_run_prints_an_organiser_token_and_the_cli_works_against_the_running_stack(live_api):
    # GIVEN `make run` is running: it printed a token for every campaign, also served at /dev/organiser-token
    token = get_json(f"{live_api}/dev/organiser-token")["token"]
    assert any(line.strip() == token for line in server_output(live_api).splitlines())
    status, body = call(f"{live_api}/admin/campaigns", token)
    from chalicelib.campaigns.catalogue import Campaigns

    # the token covers every campaign: every file's, and any a browser test published in the console meanwhile
    assert status == 200 and {c.slug for c in Campaigns().all()} <= {c["slug"] for c in body["campaigns"]}

    # WHEN the admin CLI runs in another process, it finds the local stack and sees that token
    listed = admin_cli(live_api, "token", "list")
    assert listed.returncode == 0, listed.stderr
    assert "using the local stack" in listed.stderr and "make run" in listed.stdout

    # AND a token it creates works against the running API, for its campaign only
    created = admin_cli(live_api, "token", "create", "--campaign", "hrd-resolution", "--label", "cli test")
    new = created.stdout.strip()
    assert call(f"{live_api}/admin/campaigns/hrd-resolution/stats", new)[0] == 200
    assert call(f"{live_api}/admin/campaigns/sg-defenders/stats", new)[0] == 403


@pytest.mark.slow
def test_an_export_on_the_local_stack_downloads_from_its_link(live_api):
    # GIVEN a letter written to whrd-resolution (waiting for its supporter's confirmation: it is in the log)
    token = get_json(f"{live_api}/dev/organiser-token")["token"]
    form_token = get_json(f"{live_api}/campaigns/whrd-resolution/form-token")["form_token"]
    time.sleep(2.1)  # the form's minimum fill time
    post_json(
        f"{live_api}/campaigns/whrd-resolution/letters",
        {"country": "FR", "name": "Export Person", "email": "export@example.org", "form_token": form_token},
    )

    # WHEN the organiser asks for an export and the worker runs it
    status, job = call(f"{live_api}/admin/campaigns/whrd-resolution/exports?country=FR", token, "POST")
    assert status == 202

    def done() -> dict:
        current = call(f"{live_api}/admin/campaigns/whrd-resolution/exports/{job['export_id']}", token)[1]
        assert current["status"] == "done", current
        return current

    finished = eventually(done, timeout=30)

    # THEN its link downloads the CSV from the local S3 stand-in, the supporter masked
    with urllib.request.urlopen(finished["download_url"], timeout=10) as download:
        text = download.read().decode("utf-8")
    assert finished["rows"] >= 1 and "e***@example.org" in text and "France" in text
    assert "export@example.org" not in text


@pytest.mark.slow
def test_make_runs_organiser_signs_in_with_the_link_from_the_local_outbox(live_api):
    import re

    from localdev.local_stack import LOCAL_ORGANISER

    # GIVEN `make run` named its organiser when it started
    assert f"sign in as {LOCAL_ORGANISER}" in server_output(live_api)
    # WHEN they ask for a link, it lands in the local outbox (the SES stand-in)
    assert post_json(f"{live_api}/admin/sign-in", {"email": LOCAL_ORGANISER})["message"].startswith("If this address")
    [mail] = [m for m in outbox(live_api, LOCAL_ORGANISER) if m["to"] == LOCAL_ORGANISER][-1:]
    link = re.search(r"/admin#sign-in=([A-Za-z0-9_-]+)", mail["body"]).group(1)
    # THEN the link gives a session that opens every campaign, with every right
    request = urllib.request.Request(
        f"{live_api}/admin/sessions", json.dumps({"link": link}).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
        session = json.loads(response.read())
    status, body = call(f"{live_api}/admin/campaigns", session["token"])
    assert status == 200 and {c["role"] for c in body["campaigns"]} == {"owner"}
    assert call(f"{live_api}/admin/campaigns/hrd-resolution/letters?reveal=1&reason=try", session["token"])[0] == 200
