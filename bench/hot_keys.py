"""Hot keys: the write units a second on the busiest partition key of the table and of each index when 2,000
letters a second arrive for one campaign, half of them to one country, each confirmed.

The production code runs over the in-memory twin; every write a submission and its confirmation make (the letter,
its duplicate guard, rate counters, due-index entries, the confirmation's mail item, stats counters, the follow-up)
is metered per partition key as DynamoDB meters it (tests/support/partition_meter.py). Counted, not timed; one
simulated second of arrivals (`per_second` letters) gives the peak the table and its indexes must carry.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
sys.path.insert(0, str(PROJECT_DIR / "tests"))


def run(letters: int = 2000, per_second: int = 2000) -> list[dict]:
    os.environ.update({"DEMARCHE_STAGE": "local", "DEMARCHE_SANDBOX_RECIPIENTS": "1", "DEMARCHE_MAX_SEND_RATE": "14"})
    from fixed_time import NOW
    from support.clock import Clock
    from support.dynamo_twin import letters_twin
    from support.flash_crowd import LIMIT, flash_crowd
    from support.simulation import MemoryQueue

    from chalicelib.services import Services

    clock = Clock(NOW)
    services = Services(clock=clock, sleep=lambda seconds: clock.advance(seconds=seconds))
    services.aws.__dict__.update(
        table=letters_twin(), sqs=MemoryQueue(), queue_url="memory", mail_queue_url="memory-mail"
    )
    started = time.perf_counter()
    figures = flash_crowd(services, letters, per_second)
    wall = time.perf_counter() - started
    where, pk, worst = figures.worst
    detail = ", ".join(f"{name} {units:.0f}" for name, (_, units) in sorted(figures.busiest.items()))
    return [
        {
            "figure": f"hot keys: {per_second:,} letters/s submitted and confirmed, half to one country "
            f"({letters:,} replayed, every write metered per partition key)",
            "value": f"busiest {worst:.0f} write units/s ({detail}); {figures.units_per_letter:.0f} units per letter",
            "goal": f"<= {LIMIT:,} on every partition key",
            "met": worst <= LIMIT,
        },
        {
            "figure": "flash crowd: submissions+confirmations handled by one process over the twin (wall time)",
            "value": f"{letters / wall:.0f} letters/s (each one submit and one confirm)",
            "goal": "(informational: Lambda scales out; the partitions above are the limit)",
            "met": None,
        },
    ]


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
