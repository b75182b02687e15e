"""The AWS stand-in the request benchmarks talk to: moto's server on 127.0.0.1 with the stack's table, queues and
SES identity (localdev's own set-up), the environment a Lambda function of the dev stage sees, and ready-made
letters for the requests that need one (confirm, the worker's batch).

Each letter is made through the app's own code (the front door, the confirmation) in this process, at the fixed
benchmark moment, so the measured process finds exactly what a real first request would.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

SECRET = "bench-only-secret-not-for-any-deployment"
PUBLIC_URL = "https://letters.bench.invalid"
SLUG = "hrd-resolution"


class StandIn:
    """moto's server with the stack's resources; `env` is what a function in the dev stage is given.

    The server runs in its own process, so a benchmark's CPU time never includes the stand-in's."""

    def __init__(self) -> None:
        from fixed_time import NOW

        from localdev.local_stack import free_port

        port = free_port()
        self._server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        endpoint = f"http://127.0.0.1:{port}"
        _wait_for(endpoint)
        self.now = NOW
        self.env = {
            "PATH": "/usr/bin:/bin",
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_ENDPOINT_URL": endpoint,
            "DEMARCHE_STAGE": "dev",
            "DEMARCHE_TABLE": "demarche",
            "DEMARCHE_QUEUE": "demarche-letters",
            "DEMARCHE_CONFIGURATION_SET": "demarche",
            "DEMARCHE_PUBLIC_URL": PUBLIC_URL,
            "DEMARCHE_MAX_SEND_RATE": "14",  # moto does not answer SES's GetAccount
            "DEMARCHE_EXPORTS_BUCKET": "demarche-exports",
            "DEMARCHE_EXPORTS_QUEUE": "demarche-letters-exports",
            "DEMARCHE_SECRET": SECRET,
        }
        os.environ.update({k: v for k, v in self.env.items() if k != "PATH"})
        from chalicelib.settings import Settings
        from localdev.resources import create_resources

        create_resources(Settings.from_env())
        self._countries = self._all_countries()
        self._made = 0

    def stop(self) -> None:
        self._server.kill()  # moto's server keeps nothing worth a clean shutdown
        self._server.wait(timeout=10)

    def services(self) -> Any:
        """The app's services as a function of the dev stage builds them, at the benchmark moment."""
        from chalicelib.services import Services

        return Services(clock=lambda: self.now)

    def _all_countries(self) -> list[str]:
        """The countries whose letter the campaign can email (the rest get the letter to send themselves)."""
        from chalicelib.campaigns.catalogue import default_campaigns
        from chalicelib.directory import default_directory
        from chalicelib.letters.fallbacks import plan_route

        campaign, directory = default_campaigns().get(SLUG), default_directory()
        return [c.alpha2 for c in directory.countries() if plan_route(campaign, c, directory).send_to is not None]

    def _next(self) -> tuple[int, str]:
        """A fresh supporter (new mailbox, new IP) and a country in turn, so no rate limit or duplicate guard bites."""
        self._made += 1
        return self._made, self._countries[self._made % len(self._countries)]

    def submit_event(self, services: Any) -> dict[str, Any]:
        """A POST of a new letter as the form sends it, with a render stamp issued a minute before."""
        from lambda_events import api_event
        from submit_payload import payload

        from chalicelib.front_door.bot_traps import issue_stamp

        n, country = self._next()
        stamp = issue_stamp(services.signer, SLUG, self.now - dt.timedelta(minutes=1))
        body = {**payload(n, stamp), "country": country}
        return api_event(
            "POST",
            "/campaigns/{slug}/letters",
            {"slug": SLUG},
            body=json.dumps(body),
            ip=f"198.51.{n // 250 % 250}.{n % 250 + 1}",
        )

    def pending_letter(self, services: Any) -> str:
        """A letter submitted through the app (pending confirmation, its email sent); returns its id."""
        response = services_app(services)(self.submit_event(services), None)
        assert response["statusCode"] == 202, response
        return json.loads(response["body"])["letter_id"]

    def confirm_event(self, services: Any) -> dict[str, Any]:
        from lambda_events import api_event

        from chalicelib.letters.supporter_mail import link_paths

        letter_id = self.pending_letter(services)
        path = link_paths(services.signer, letter_id).confirm
        token = path.rsplit("/", 1)[1]
        return api_event(
            "POST",
            "/letters/{letter_id}/confirm/{token}",
            {"letter_id": letter_id, "token": token},
            body="",
            content_type="application/x-www-form-urlencoded",
        )

    def worker_event(self, services: Any, size: int = 10) -> dict[str, Any]:
        """An SQS batch of `size` confirmed letters, each to another country's ministry (no pacing wait); their
        messages also wait in moto's queue, which nobody reads."""
        from support.sqs_events import sqs_record

        records = []
        for i in range(size):
            confirm = self.confirm_event(services)
            response = services_app(services)(confirm, None)
            assert response["statusCode"] == 200, response
            records.append(sqs_record(confirm["pathParameters"]["letter_id"], message_id=f"m{i}"))
        return {"Records": records}


def _wait_for(endpoint: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"moto's server did not start at {endpoint}")


def services_app(services: Any) -> Any:
    """The app with `services` in place (the same module the measured process imports, here in-process)."""
    import app as app_module

    app_module.use_services(services)
    return app_module.app
