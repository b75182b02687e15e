"""`make run`'s server, started for real on a free loopback port: one letter over HTTP reaches the outbox."""
from __future__ import annotations

import json
import os
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


@pytest.mark.slow
def test_a_letter_posted_over_http_appears_in_the_outbox(local_server):
    body = json.dumps({"country": "Kenya", "name": "Curl User", "email": "curl.user@example.org"}).encode()
    request = urllib.request.Request(f"{local_server}/campaigns/hrd-resolution/letters", data=body,
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 202
        receipt = json.loads(response.read())

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        mails = get_json(f"{local_server}/dev/outbox.json")
        if mails:
            break
        time.sleep(0.3)
    assert len(mails) == 1
    assert "Ministry of Foreign and Diaspora Affairs" in mails[0]["to"]
    assert "curl.user@example.org" in mails[0]["reply_to"]
    assert get_json(receipt["status_url"])["status"] == "sent"
    assert "Curl User" in urllib.request.urlopen(f"{local_server}/dev/outbox", timeout=5).read().decode()
