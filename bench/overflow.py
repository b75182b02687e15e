"""No letter waits forever: a day of 1M confirmed letters, half to one country, through the real scheduling code.

An event simulation per target, driven by the production decisions and nothing else that decides:
`Pacer.decide` (the hourly limit, office hours in the target's zone, places in line, the overflow horizon),
`gates.OVERFLOW_HORIZON`, `digests.next_overflow_at` (overflow digests close each quarter hour) and
`digests.part_sizes` / `listing_bytes` (how many names each digest letter carries). What it models around them:
- arrivals: `letters` confirmed letters in 24 hours from Friday 00:00 UTC (so the backlog runs into a Saturday,
  the slowest day: a quarter of the pace all day), half to Kenya's ministry and half spread over the other
  192 countries' targets (each in its own zone), on a viral curve: most letters in the first hours;
- the worker sees a letter when it is confirmed; a letter told to wait comes back at the top of the minute after
  its place (the every-minute release job);
- housekeeping closes a due digest at worst 15 minutes late (it runs every 15 minutes), and its letters then
  join the target's line like any letter (they never overflow themselves);
- supporters' names are 8 to 40 characters and cities 0 to 20.
A letter reaches its target when it, or the digest letter listing it, is sent. Pacing is checked independently
of the code that enforces it: at each send, fewer sends than that hour's limit in the 60 minutes before it.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
import random
import sys
import time
from collections import defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

START = dt.datetime(2026, 11, 27, tzinfo=dt.timezone.utc)  # a Friday
DAY_MS = 86_400_000
MINUTE_MS = 60_000
HOUSEKEEPING_LAG_MS = 15 * MINUTE_MS
PER_HOUR = 30  # the default max_per_target_per_hour


def _ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


def arrivals(letters: int, rng: random.Random) -> list[int]:
    """Confirmation times (ms) over 24 hours on a viral curve: a rise in the first hour, then a 6-hour half-life."""
    times = []
    for _ in range(letters):
        while True:
            hours = rng.random() * 24
            weight = min(hours, 1.0) * 0.5 ** (max(hours - 1, 0) / 6)
            if rng.random() <= weight:
                break
        times.append(_ms(START) + int(hours * 3_600_000))
    return sorted(times)


class Target:
    """One recipient's line, as the real pacing item and decisions see it."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone, self.item, self.sends = zone, {}, []

    def try_send(self, now: int, *, holds_place: bool, may_overflow: bool) -> tuple[str, int]:
        from chalicelib.delivery.gates import OVERFLOW_HORIZON
        from chalicelib.delivery.pacing import Pacer

        horizon = int(OVERFLOW_HORIZON.total_seconds() * 1000) if may_overflow else None
        admission, changes = Pacer.decide(self.item, PER_HOUR, self.zone, now, holds_place, horizon)
        if changes is not None:
            self.item = {**self.item, **changes}
        if admission.go:
            self.sends.append(now)
            return "go", now
        if admission.overflow:
            return "overflow", 0
        return "wait", _ms(admission.not_before)


def simulate_target(zone: ZoneInfo, times: list[int], rng: random.Random) -> dict:
    """Every letter to one target: when each reached it, and what went to it."""
    from chalicelib.delivery.pacing import hourly_limit
    from chalicelib.outcomes.digests import listing_bytes, next_overflow_at, part_sizes

    target = Target(zone)
    events: list[tuple[int, int, str, object]] = []  # (time, order, kind, payload)
    order = 0

    def push(at: int, kind: str, payload: object) -> None:
        nonlocal order
        order += 1
        heapq.heappush(events, (at, order, kind, payload))

    for i, t in enumerate(times):
        push(t, "letter", i)
    digests: dict[int, list[int]] = defaultdict(list)  # due time -> supporters' letters
    reached = [0] * len(times)
    emails = digest_letters = most_listed = largest_part = 0
    while events:
        now, _, kind, payload = heapq.heappop(events)
        if kind == "close":  # housekeeping closes the digest due at `payload`
            members = digests.pop(payload)
            sizes = [listing_bytes("x" * rng.randint(8, 40), "y" * rng.randint(0, 20), "Kenya") for _ in members]
            most_listed = max(most_listed, len(members))
            start = 0
            for n in part_sizes(sizes):
                largest_part = max(largest_part, sum(sizes[start : start + n]))
                push(now, "part", members[start : start + n])
                start += n
            continue
        holds = isinstance(payload, tuple)  # a letter coming back at its place: ("back", what)
        what = payload[1] if holds else payload
        is_part = isinstance(what, list)
        action, at = target.try_send(now, holds_place=holds, may_overflow=not is_part)
        if action == "go":
            emails += 1
            for letter in what if is_part else [what]:
                reached[letter] = now
            digest_letters += is_part
        elif action == "wait":
            push(-(-at // MINUTE_MS) * MINUTE_MS, "back", ("back", what))  # the next minute's release
        else:
            due = _ms(next_overflow_at(dt.datetime.fromtimestamp(now / 1000, dt.timezone.utc)))
            if due not in digests:
                push(due + HOUSEKEEPING_LAG_MS, "close", due)
            digests[due].append(what)

    waits = [r - t for r, t in zip(reached, times)]
    over_pace = 0
    window: list[int] = []
    for moment in target.sends:  # independent check: each send saw fewer than the hour's limit before it
        window = [t for t in window if moment - t < 3_600_000]
        local = dt.datetime.fromtimestamp(moment / 1000, dt.timezone.utc).astimezone(zone)
        over_pace += len(window) >= hourly_limit(PER_HOUR, local)
        window.append(moment)
    return {
        "letters": len(times),
        "longest_wait_ms": max(waits, default=0),
        "late": sum(w > DAY_MS for w in waits),
        "emails": emails,
        "digest_letters": digest_letters,
        "most_in_a_digest": most_listed,
        "largest_part_bytes": largest_part,
        "over_pace": over_pace,
    }


def simulate(letters: int = 1_000_000, seed: int = 18) -> dict:
    from chalicelib.delivery.pacing import target_zone
    from chalicelib.directory import default_directory

    rng = random.Random(seed)
    directory = default_directory()
    others = [c for c in directory.countries() if c.alpha2 != "KE" and c.timezone][:192]
    times = arrivals(letters, rng)
    by_target: dict[str, list[int]] = defaultdict(list)
    for n, t in enumerate(times):
        by_target["KE" if n % 2 == 0 else others[(n // 2) % len(others)].alpha2].append(t)
    started = time.process_time()
    results = {}
    for code, when in by_target.items():
        zone = target_zone("foreign-ministry", directory.country(code).timezone)
        results[code] = simulate_target(zone, when, rng)
    everyone = list(results.values())
    return {
        "letters": sum(r["letters"] for r in everyone),
        "targets": len(results),
        "big": results["KE"],
        "longest_wait_h": max(r["longest_wait_ms"] for r in everyone) / 3_600_000,
        "late": sum(r["late"] for r in everyone),
        "over_pace": sum(r["over_pace"] for r in everyone),
        "emails": sum(r["emails"] for r in everyone),
        "largest_part_bytes": max(r["largest_part_bytes"] for r in everyone),
        "most_in_a_digest": max(r["most_in_a_digest"] for r in everyone),
        "cpu_s": time.process_time() - started,
    }


def run(letters: int = 1_000_000) -> list[dict]:
    from chalicelib.outcomes.digests import PART_BYTES

    s = simulate(letters)
    big = s["big"]
    return [
        {
            "figure": f"overflow digests: {s['letters']:,} letters in a day, half to one ministry (Kenya), Friday "
            f"into Saturday, {PER_HOUR}/h pacing",
            "value": f"longest wait {s['longest_wait_h']:.1f} h; {s['late']} later than 24 h; {s['over_pace']} sends "
            f"over the pace; Kenya: {big['letters']:,} letters in {big['emails']} emails "
            f"({big['digest_letters']} digest letters, at most {big['most_in_a_digest']:,} names in a digest); "
            f"{s['emails']:,} emails to {s['targets']} targets",
            "goal": "every letter within 24 h, pacing respected",
            "met": s["late"] == 0 and s["over_pace"] == 0 and s["longest_wait_h"] <= 24,
        },
        {
            "figure": "overflow digests: largest digest letter's names, and its digest's size",
            "value": f"{s['largest_part_bytes']:,} bytes of names (parts cut at {PART_BYTES:,}); "
            f"{s['most_in_a_digest']:,} letters in one digest = {16 * s['most_in_a_digest']:,} bytes of ids",
            "goal": "within a DynamoDB item (400 KB)",
            "met": s["largest_part_bytes"] <= PART_BYTES and 16 * s["most_in_a_digest"] < 380_000,
        },
    ]


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    print(json.dumps(simulate(size), indent=2, default=str))
