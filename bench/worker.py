"""The worker: letters per second one worker sends (SES stubbed), and its achieved rate against an SES stand-in
that enforces MaxSendRate, in simulated time.

The production wiring (Services, the delivery gates, the per-second token counter) runs over the test suite's
in-memory DynamoDB twin and queue; the clock moves only when the code sleeps, so the figure measures the
algorithm, not this machine. The stand-in refuses a send beyond MaxSendRate in any second, as SES does, and
records every letter id it accepts, so a letter lost or sent twice shows.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
sys.path.insert(0, str(PROJECT_DIR / "tests"))

MAX_SEND_RATE = 14  # SES's usual first production rate
LETTERS = 2000


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


class RateEnforcingSes:
    """Accepts at most `rate` sends per second of the clock; beyond that, SES's throttling error."""

    def __init__(self, clock: Clock, rate: int) -> None:
        self.clock, self.rate, self.per_second, self.accepted = clock, rate, Counter(), Counter()

    def send_email(self, **request):
        from botocore.exceptions import ClientError

        second = int(self.clock().timestamp())
        if self.per_second[second] >= self.rate:
            raise ClientError(
                {"Error": {"Code": "Throttling", "Message": "Maximum sending rate exceeded."}}, "SendEmail"
            )
        self.per_second[second] += 1
        tags = {t["Name"]: t["Value"] for t in request.get("EmailTags", [])}
        self.accepted[tags.get("letter", request["Destination"]["ToAddresses"][0])] += 1
        return {"MessageId": f"ses-{sum(self.per_second.values())}"}

    def get_account(self):
        return {"SendQuota": {"MaxSendRate": self.rate, "Max24HourSend": 10**9, "SentLast24Hours": 0}}


def drain_all(letters: int, max_send_rate: int) -> tuple[RateEnforcingSes, list[str], float]:
    """Queue `letters` letters to all 195 ministries, run the worker until none is left; wall seconds taken.

    Per-target pacing (30 an hour per ministry) is a separate, deliberate limit: off here, so the figures are the
    account-wide rate alone (local stage only, like the browser tests).
    """
    os.environ.update({"DEMARCHE_STAGE": "local", "DEMARCHE_SANDBOX_RECIPIENTS": "1", "DEMARCHE_LOCAL_NO_PACING": "1"})
    from fixed_time import NOW
    from support.dynamo_twin import letters_twin
    from support.letter_factory import queued_letter
    from support.simulation import MemoryQueue

    from chalicelib.queue_messages import QueueRecord
    from chalicelib.services import Services

    clock = Clock(NOW)  # a Thursday, office hours
    services = Services(clock=clock, sleep=clock.advance)
    ses = RateEnforcingSes(clock, max_send_rate)
    services.aws.__dict__.update(table=letters_twin(), sqs=MemoryQueue(), sesv2=ses, queue_url="memory")
    countries = [c.alpha2 for c in services.directory.countries()]
    ids = [queued_letter(services, countries[i % len(countries)]) for i in range(letters)]  # ~10 per ministry
    bodies = services.aws.sqs.bodies
    started = time.perf_counter()
    while bodies or services.schedule.next_due() is not None:
        while bodies:
            batch, bodies[:10] = bodies[:10], []
            failed = services.deliverer.deliver_batch([QueueRecord(str(i), b) for i, b in enumerate(batch)])
            bodies += [batch[int(i)] for i in failed]
        due = services.schedule.next_due()
        if due is not None:
            clock.now = max(clock.now, due)
            services.schedule.release_due(clock(), services.queue)
    wall = time.perf_counter() - started
    lost = [i for i in ids if services.letters.get(i).status != "sent"]
    return ses, lost, wall


def run(letters: int = LETTERS) -> list[dict]:
    rows = []
    ses, lost, wall = drain_all(letters, max_send_rate=10**6)
    doubled = sum(1 for n in ses.accepted.values() if n > 1)
    rows.append(
        {
            "figure": f"worker throughput, SES stubbed ({letters} letters, in-memory DynamoDB twin)",
            "value": f"{letters / wall:.0f} letters/s of wall time; {len(lost)} lost, {doubled} sent twice",
            "goal": "(informational)",
            "met": None,
        }
    )
    ses, lost, _ = drain_all(letters, max_send_rate=MAX_SEND_RATE)
    seconds = ses.per_second.keys()
    elapsed = max(seconds) - min(seconds) + 1  # whole seconds from the first send to the last
    sent = sum(ses.accepted.values())
    doubled = sum(1 for n in ses.accepted.values() if n > 1)
    ratio = sent / elapsed / MAX_SEND_RATE
    return rows + [
        {
            "figure": f"worker against a {MAX_SEND_RATE}/s SES stand-in ({letters} letters, simulated time)",
            "value": f"{sent / elapsed:.2f} letters/s = {ratio:.3f} of MaxSendRate; {len(lost)} lost, {doubled} sent twice",
            "goal": ">= 0.95, 0 lost, 0 twice",
            "met": ratio >= 0.95 and not lost and doubled == 0,
        }
    ]


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
