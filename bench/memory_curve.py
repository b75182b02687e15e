"""Lambda memory size from a measured cost and latency curve.

Lambda gives a function CPU in proportion to its memory: 1,769 MB is one full vCPU, 128 MB a fourteenth of one.
So a request that needs C seconds of CPU (measured here on one full CPU by bench/cold_start.py and
bench/warm_requests.py) takes about C x 1769 / M seconds at M MB, plus the time its AWS calls wait on the network
(assumed: CALL_WAIT per call, calls counted by bench/letter_cost.py), and costs M / 1024 x that duration in
GB-seconds. The CPU part of the cost is the same at every size below 1,769 MB; the waiting part grows with M.
The size set for the functions (.chalice/config.json `lambda_memory_size`) is the cheapest whose cold POST of a
letter (what a supporter waits for after their first click, when the function is cold) takes at most 1 s.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
FULL_VCPU_MB = 1769
SIZES = (128, 256, 512, 1024, 1769)
CALL_WAIT = {"dynamodb": 0.006, "sqs": 0.010, "sesv2": 0.040}  # seconds per call in-region (assumed, typical)
GB_S = 0.0000166667
INVOCATIONS_PER_LETTER = 12  # ~10 API requests, a worker share, SES events (bench/NOTES.md)
COLD_LIMIT_S = 1.0


def chosen_size() -> int:
    config = json.loads((PROJECT_DIR / ".chalice" / "config.json").read_text(encoding="utf-8"))
    return int(config.get("lambda_memory_size", 128))


def seconds(cpu: float, wait: float, mb: int) -> float:
    return cpu * max(1.0, FULL_VCPU_MB / mb) + wait


def measured(earlier: list[dict]) -> dict[str, Any]:
    """The figures this curve needs, from the benchmarks run before it (or a small run of them)."""
    data: dict[str, Any] = {}
    for row in earlier:
        for key, value in row.get("data", {}).items():
            data[key] = {**data.get(key, {}), **value} if isinstance(value, dict) else value
    if "cold_cpu_s" not in data or "warm_cpu_s" not in data or "calls" not in data:
        import cold_start
        import letter_cost
        import warm_requests

        return measured(cold_start.run(runs=1) + warm_requests.run(pairs=1, per_block=10) + letter_cost.run())
    return data


def run(earlier: list[dict] | None = None) -> list[dict]:
    data = measured(earlier or [])
    cold, warm = data["cold_cpu_s"]["POST letter"], data["warm_cpu_s"]["POST letter"]
    submit_wait = data["calls"]["submit"] * CALL_WAIT["dynamodb"] + CALL_WAIT["sesv2"]
    letter_calls = sum(data["calls"].values())
    # per letter: every invocation costs what a warm POST does in CPU (the heaviest API request: an upper bound)
    letter_wait = letter_calls * CALL_WAIT["dynamodb"] + 2 * CALL_WAIT["sesv2"] + CALL_WAIT["sqs"]
    curve = []
    for mb in SIZES:
        gb_s = mb / 1024 * (INVOCATIONS_PER_LETTER * warm * max(1.0, FULL_VCPU_MB / mb) + letter_wait)
        curve.append((mb, seconds(cold, submit_wait, mb), seconds(warm, submit_wait, mb), gb_s * GB_S * 100_000))
    fits = [mb for mb, cold_s, _, _ in curve if cold_s <= COLD_LIMIT_S]
    pick = min(fits) if fits else max(SIZES)
    chosen = chosen_size()
    text = "; ".join(f"{mb} MB: cold {c:.2f} s, warm {w * 1000:.0f} ms, ${cost:.2f}" for mb, c, w, cost in curve)
    at_chosen = next((c for c in curve if c[0] == chosen), None)
    return [
        {
            "figure": "memory size: POST letter latency (cold, warm) and Lambda compute per 100,000 letters, by size",
            "value": f"{text}. Set: {chosen} MB"
            + (f" (cold {at_chosen[1]:.2f} s, ${at_chosen[3]:.2f})" if at_chosen else ""),
            "goal": f"the cheapest size with a cold POST <= {COLD_LIMIT_S:.0f} s: {pick} MB on this run",
            "met": chosen == pick or (at_chosen is not None and at_chosen[1] <= COLD_LIMIT_S and chosen <= pick * 2),
            "data": {"compute_per_100k": at_chosen[3] if at_chosen else math.nan},
        }
    ]


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    print(json.dumps(run(), indent=2))
