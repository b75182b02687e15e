"""Real servers on loopback for tests: `make run`'s API (python -m localdev) and a partner's web site."""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest

from localdev.local_stack import free_port

PROJECT_DIR = Path(__file__).resolve().parents[2]
LOCAL_NOW = "2026-11-26T10:00:00Z"  # the moment the `clock` fixture pins, too
_RUNNING: dict[str, dict[str, Any]] = {}  # base URL -> what a test may need of that server (its log, its env)


@contextlib.contextmanager
def local_api(extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """`python -m localdev` on a free loopback port; yields its base URL and stops it afterwards."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DEMARCHE_"))}
    # Its own state file (how the admin CLI finds a running stack), never the one of a developer's `make run`.
    state_dir = tempfile.TemporaryDirectory()
    env["DEMARCHE_LOCAL_STATE"] = str(Path(state_dir.name) / "state.json")
    # The tests share this server and write to the same ministries within seconds: no per-target pacing here. The
    # minute job (release, housekeeping: digests, sign-on sends) runs every 2 s, and SES takes 50 letters a second
    # (its stand-in has no GetAccount, so the code would fall back to 1 a second: a sign-on letter to 193 targets
    # would then hold up every other test's letter for minutes).
    env.update(
        {
            "DEMARCHE_LOCAL_NO_PACING": "1",
            "DEMARCHE_LOCAL_TICK_SECONDS": "2",
            "DEMARCHE_MAX_SEND_RATE": "50",
            **(extra_env or {}),
        }
    )
    # The server logs every request: into a file, never a pipe nobody reads (a full pipe would block the server).
    log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
    # Its clock starts at the fixtures' moment, whatever today's date (campaigns open and close on fixed dates).
    proc = subprocess.Popen(
        [sys.executable, "-m", "localdev", "--port", str(port), "--now", LOCAL_NOW],
        cwd=PROJECT_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/campaigns", timeout=2)
                break
            except OSError:
                if proc.poll() is not None:
                    log.seek(0)
                    pytest.fail(f"local server exited: {log.read()[-4000:]}")
                if time.monotonic() > deadline:
                    pytest.fail("local server did not start within 60 s")
                time.sleep(0.2)
        _RUNNING[base] = {"log": log, "env": env}
        yield base
    finally:
        _RUNNING.pop(base, None)
        state_dir.cleanup()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def server_output(base: str) -> str:
    """What the server at `base` has printed so far."""
    fd = _RUNNING[base]["log"].fileno()
    # pread: the server writes through the same open file, so moving its offset would make it overwrite its log
    return os.pread(fd, os.fstat(fd).st_size, 0).decode("utf-8", errors="replace")


def server_env(base: str) -> dict[str, str]:
    """The environment of the server at `base`: another process started with it finds that stack."""
    return dict(_RUNNING[base]["env"])


def cli(base: str, tool: str, *argv: str) -> subprocess.CompletedProcess:
    """`python -m chalicelib.cli.<tool>` in its own process, next to the running stack at `base` (as an
    administrator runs it next to `make run`)."""
    return subprocess.run(
        [sys.executable, "-m", f"chalicelib.cli.{tool}", *argv],
        cwd=PROJECT_DIR,
        env=server_env(base),
        capture_output=True,
        text=True,
        timeout=60,
    )


class PartnerSite:
    """A partner organisation's site: a tiny HTTP server on its own port (so its own origin) serving `pages`."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                body = pages.get(self.path.split("?")[0])
                data = (body or "not found").encode()
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.foreign_origin = f"http://localhost:{self.port}"  # same server, another origin: not allow-listed
        self._thread = threading.Thread(target=self._server.serve_forever, name="partner-site", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def page(self, path: str, html: str) -> str:
        """Serve `html` at `path`; returns the page's URL on the allow-listed origin."""
        self.pages[path] = html
        return self.origin + path


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def post_json(url: str, payload: dict, headers: dict[str, str] | None = None) -> Any:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        method="POST",
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 202
        return json.loads(response.read())


def outbox(base: str, address: str) -> list[dict[str, Any]]:
    """The local outbox's mail to or replying to `address` (the server is shared by the session's tests)."""
    return get_json(f"{base}/dev/outbox.json?to={urllib.parse.quote(address)}")


def confirmation_link(base: str, supporter: str, timeout: float = 30) -> str:
    """The confirmation link emailed to `supporter` (in the local outbox)."""

    def found() -> str:
        mails = [m for m in outbox(base, supporter) if supporter in m["to"] and not m["reply_to"]]
        assert mails, f"no confirmation email to {supporter} yet"
        match = re.search(r"http://\S+/confirm/\S+", mails[-1]["body"])
        assert match, mails[-1]["body"]
        return match.group(0)

    return eventually(found, timeout)


def confirm(base: str, supporter: str) -> None:
    """Do what the supporter does with the confirmation email: open the link, press the button."""
    request = urllib.request.Request(
        confirmation_link(base, supporter),
        data=b"",
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def wait_for_mail(base: str, reply_to: str, timeout: float = 30) -> dict[str, Any]:
    """The letter in the local outbox whose Reply-To is `reply_to` (the queue is drained in the background)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        mails = [m for m in outbox(base, reply_to) if reply_to in (m.get("reply_to") or "")]
        if mails:
            assert len(mails) == 1, mails
            return mails[0]
        time.sleep(0.2)
    pytest.fail(f"no letter with Reply-To {reply_to} reached the outbox within {timeout} s")


def status_path(status_url: str) -> str:
    match = re.search(r"/letters/[^/]+/[^/]+$", status_url)
    assert match, status_url
    return match.group(0)


def eventually(check: Any, timeout: float = 10) -> Any:
    """Retry `check` (an assertion-raising callable) until it passes; re-raise its last failure at `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
