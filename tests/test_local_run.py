"""`make run`'s server, started for real on a free loopback port: one letter over HTTP reaches the outbox."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from localdev.stack import free_port

PROJECT_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture
def local_server():
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    proc = subprocess.Popen([sys.executable, "-m", "localdev", "--port", str(port)], cwd=PROJECT_DIR, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/campaigns", timeout=2)
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"local server exited: {proc.stdout.read()}")
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("local server did not start within 60 s")
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def post_json(url: str, payload: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(payload).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 202
        return json.loads(response.read())


def wait_for(predicate, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.3)
    pytest.fail("timed out")


@pytest.mark.slow
def test_a_letter_posted_over_http_is_confirmed_from_the_outbox_and_reaches_the_ministry(local_server):
    # As the README's curl walkthrough: get a form token, wait the minimum fill time, post.
    token = get_json(f"{local_server}/campaigns/hrd-resolution/form-token")["form_token"]
    time.sleep(2.1)
    receipt = post_json(f"{local_server}/campaigns/hrd-resolution/letters",
                        {"country": "Kenya", "name": "Curl User", "email": "curl.user@example.org", "form_token": token})
    assert receipt["status"] == "pending_confirmation"

    [confirmation] = wait_for(lambda: get_json(f"{local_server}/dev/outbox.json"))
    assert "curl.user@example.org" in confirmation["to"]
    link = re.search(r"http://\S+/confirm/\S+", confirmation["body"]).group(0)
    assert link.startswith(local_server)
    with urllib.request.urlopen(link, timeout=5) as page:  # opening the link shows a button ...
        assert "Confirm and send my letter" in page.read().decode()
    confirm = urllib.request.Request(link, data=b"", method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(confirm, timeout=10) as response:  # ... which posts the confirmation
        assert response.status == 200

    mails = wait_for(lambda: [m for m in get_json(f"{local_server}/dev/outbox.json") if m["reply_to"]])
    assert len(mails) == 1
    assert "Ministry of Foreign and Diaspora Affairs" in mails[0]["to"]
    assert "curl.user@example.org" in mails[0]["reply_to"]
    assert wait_for(lambda: get_json(receipt["status_url"])["status"] == "sent")
    assert "Curl User" in urllib.request.urlopen(f"{local_server}/dev/outbox", timeout=5).read().decode()
