"""`make bench`: run every benchmark, print one table, write bench/RESULTS.md with the machine and date."""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Callable

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

# The registry: each benchmark is a module of bench/ with `run(**kwargs) -> rows`, in the order they run, and the
# keyword arguments of its `--smoke` run (every benchmark at a tiny size, so `make test` proves `make bench` still
# runs; its figures mean nothing). A module whose `run` takes `earlier` gets the rows measured before it (their
# `data`). To add a benchmark, add one line here.
REGISTRY: dict[str, dict] = {
    "cold_start": {"runs": 1, "only": ("form page", "POST letter")},
    "warm_requests": {"pairs": 1, "per_block": 3},
    "letter_cost": {},
    "memory_curve": {},
    "worker": {"letters": 30},
    "hot_keys": {"letters": 50},
    "soak": {"letters": 30},
    "stats_cost": {"small_letters": 50, "large_letters": 500},
    "console_views": {"small_letters": 10, "large_letters": 60},
    "local_load": {"seconds": 4, "users": 2},
    "package_size": {},
    "overflow": {"letters": 2000},
}
BENCHES = list(REGISTRY)


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    return (
        f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )


def table(rows: list[dict]) -> str:
    lines = ["| figure | value | goal | met |", "|---|---|---|---|"]
    for r in rows:
        met = {True: "yes", False: "**no**", None: ""}[r["met"]]
        lines.append(f"| {r['figure']} | {r['value']} | {r['goal']} | {met} |")
    return "\n".join(lines)


def problems(rows: list[dict]) -> str:
    """What a benchmark found wrong, one line each (the soak's invariant violations): kept with the table, since a
    rare fault plan may not show it again."""
    found = [f"- {r['figure'].split(':')[0]}: {p}" for r in rows for p in r.get("problems") or []]
    return "\n\n## What broke a goal in this run\n\n" + "\n".join(found) if found else ""


def isolated(run: Callable[..., list[dict]], kwargs: dict) -> list[dict]:
    """Run one benchmark, then put back the environment it changed: the next one must not inherit its settings
    (the worker's switching per-target pacing off once made `make bench`'s soak another soak than `bench/soak.py`'s)."""
    saved = dict(os.environ)
    try:
        return run(**kwargs)
    finally:
        os.environ.clear()
        os.environ.update(saved)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", choices=BENCHES, default=BENCHES)
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument(
        "--smoke", action="store_true", help="tiny sizes, to check that every benchmark runs; writes no RESULTS.md"
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the rows as JSON to FILE")
    args = parser.parse_args(argv)
    rows: list[dict] = []
    for name in args.only:
        print(f"running {name} …", file=sys.stderr, flush=True)
        module = __import__(name)
        if args.smoke:
            kwargs = dict(REGISTRY[name])
        else:
            kwargs = {"seconds": args.load_seconds} if name == "local_load" else {}
        if "earlier" in inspect.signature(module.run).parameters:
            kwargs["earlier"] = rows
        rows += isolated(module.run, kwargs)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=BENCH_DIR
    ).stdout.strip()
    header = (
        f"# Benchmark results\n\nMeasured {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC on {machine()}, "
        f"commit {commit or 'unknown'}, by `make bench`.\n\n"
    )
    text = table(rows) + problems(rows)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, default=str), encoding="utf-8")
    if set(args.only) == set(BENCHES) and not args.smoke:
        notes = (BENCH_DIR / "NOTES.md").read_text(encoding="utf-8") if (BENCH_DIR / "NOTES.md").exists() else ""
        (BENCH_DIR / "RESULTS.md").write_text(header + text + "\n\n" + notes, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
