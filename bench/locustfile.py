"""Load shape for `make bench`: supporters reading a campaign, previewing letters and sending some."""
from __future__ import annotations

import itertools
import sys
from pathlib import Path

from locust import HttpUser, between, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
from submit_payload import payload  # noqa: E402

_counter = itertools.count()


class Supporter(HttpUser):
    wait_time = between(0.05, 0.2)

    @task(3)
    def campaign(self) -> None:
        self.client.get("/campaigns/hrd-resolution", name="GET /campaigns/{slug}")

    @task(3)
    def preview(self) -> None:
        self.client.get("/campaigns/hrd-resolution/targets/FI?name=Amina&message=Hello",
                        name="GET /campaigns/{slug}/targets/{country}")

    @task(1)
    def submit(self) -> None:
        self.client.post("/campaigns/hrd-resolution/letters", json=payload(next(_counter)),
                         name="POST /campaigns/{slug}/letters")
