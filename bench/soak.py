"""The fault-injection soak at scale: 10,000 letters through the production wiring over the in-memory twin, with
crashes before and after DynamoDB writes, DynamoDB errors, SES throttles and lost answers, and duplicate and
out-of-order SQS deliveries and SES events (tests/support/soak.py; `make test` runs a short version under
hypothesis). Counts what broke an invariant: a confirmed letter not sent exactly once and not failed with a reason,
a confirmation lost, an SES event lost, personal data past its TTL. The seed decides the whole run (the soak draws
its ids from it and times the services' snapshots on its simulated clock), so `python bench/soak.py LETTERS SEED`
replays any run, problems included.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
sys.path.insert(0, str(PROJECT_DIR / "tests"))


def run(letters: int = 10_000, seed: int = 15) -> list[dict]:
    os.environ.update({"DEMARCHE_STAGE": "local", "DEMARCHE_SANDBOX_RECIPIENTS": "1", "DEMARCHE_MAX_SEND_RATE": "14"})
    from support.soak import FaultPlan, Soak

    plan = FaultPlan(seed=seed, crash=0.02, dynamo_error=0.02, throttle=0.1, lost_answer=0.02, duplicate=0.1)
    logging.disable(logging.CRITICAL)  # the faults are meant: thousands of logged errors would drown the table
    try:
        started = time.perf_counter()
        soak = Soak(plan, letters=letters).run()
        problems = soak.violations()
        wall = time.perf_counter() - started
    finally:
        logging.disable(logging.NOTSET)
    s = soak.stats
    confirmed = sum(n for status, n in s.items() if status in ("delivered", "failed", "sent", "queued", "sending"))
    return [
        {
            "figure": f"fault soak: {letters:,} letters (seed {seed}), crashes {plan.crash:.0%} of writes, DynamoDB errors "
            f"{plan.dynamo_error:.0%}, SES throttles {plan.throttle:.0%}, duplicates {plan.duplicate:.0%}",
            "value": f"{len(problems)} invariant violations; {confirmed:,} confirmed: {s['delivered']:,} delivered "
            f"once, {s['failed']:,} failed with a reason; {s['crashes']:,} crashes, {s['dynamodb errors']:,} "
            f"DynamoDB errors injected; {len(soak.answered):,} answered 202 ({wall:.0f} s wall)",
            "goal": "0 violations",
            "met": not problems,
            "problems": problems[:20],  # written below the table (bench/run.py): the seed replays the rest
        }
    ]


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    print(json.dumps(run(*args), indent=2))
