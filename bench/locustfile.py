"""Load shape for `make bench`: supporters reading a campaign, previewing letters and sending some.

All users come from 127.0.0.1, so the per-IP limit (20 letters an hour) answers most letters with 429:
that is the front door working, so a 429 is counted apart, not as an error.
"""

from __future__ import annotations

import itertools
import sys
import time
from pathlib import Path

from locust import HttpUser, between, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
from submit_payload import payload  # noqa: E402

_counter = itertools.count()


class Supporter(HttpUser):
    wait_time = between(0.05, 0.2)

    def on_start(self) -> None:
        self.new_form()
        time.sleep(2.1)  # a person takes longer than the 2 s minimum to fill the form

    def new_form(self) -> None:
        """A form token sends one letter: each letter gets a new one, usable 2 s later (the minimum fill time)."""
        self.form_token = self.client.get(
            "/campaigns/hrd-resolution/form-token", name="GET /campaigns/{slug}/form-token"
        ).json()["form_token"]
        self.form_ready_at = time.monotonic() + 2.1

    @task(3)
    def campaign(self) -> None:
        self.client.get("/campaigns/hrd-resolution", name="GET /campaigns/{slug}")

    @task(3)
    def preview(self) -> None:
        self.client.get(
            "/campaigns/hrd-resolution/targets/FI?name=Amina&message=Hello",
            name="GET /campaigns/{slug}/targets/{country}",
        )

    @task(1)
    def submit(self) -> None:
        if time.monotonic() < self.form_ready_at:
            return  # still "filling in" the new form
        with self.client.post(
            "/campaigns/hrd-resolution/letters",
            json=payload(next(_counter), self.form_token),
            name="POST /campaigns/{slug}/letters",
            catch_response=True,
        ) as response:
            if response.status_code == 429:
                response.request_meta["name"] = "POST /campaigns/{slug}/letters (429 rate limited, expected)"
                response.success()
            elif response.status_code != 202:
                response.failure(f"{response.status_code}: {response.text[:200]}")
        self.new_form()
