"""`make bench` never rots: every benchmark runs at a tiny size (its figures mean nothing at that size).

Only what a benchmark checks beyond speed is asserted here: the worker loses and doubles no letter, the
load run's requests all succeed, the stats read stays within its bound, the fault soak breaks no invariant.
Speed is judged by `make bench`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
BENCH = PROJECT_DIR / "bench" / "run.py"


@pytest.mark.slow
def test_every_benchmark_runs_at_a_tiny_size(tmp_path):
    results = tmp_path / "rows.json"
    done = subprocess.run(
        [sys.executable, str(BENCH), "--smoke", "--json", str(results)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    rows = {row["figure"].strip(): row for row in json.loads(results.read_text(encoding="utf-8"))}

    def row(prefix: str) -> dict:
        [found] = [r for figure, r in rows.items() if figure.startswith(prefix)]
        return found

    for prefix in (
        "cold start CPU, form page",
        "cold start CPU, POST letter",
        "warm CPU, POST letter",
        "one letter's journey",
        "cost per 100,000 letters",
        "memory size",
        "worker throughput",
        "hot keys",
        "flash crowd",
        "fault soak",
        "deployment zip",
    ):
        assert row(prefix)["value"], prefix
    assert "0 lost, 0 sent twice" in row("worker throughput")["value"]
    # the cold probes ran the real requests (a failed one raises): every ratio is a positive number
    assert all(r["ratio"] > 0 for figure, r in rows.items() if figure.startswith(("cold start", "warm CPU")))
    assert "0 lost, 0 twice" in row("worker against")["value"].replace("sent twice", "twice")
    assert row("stats read")["met"] is True
    assert row("fault soak")["met"] is True, row("fault soak")  # no invariant broken, even at 30 letters
    assert row("overflow digests: 2,000 letters")["met"] is True
    views = [r for figure, r in rows.items() if figure.startswith("console view")]
    assert len(views) == 7 and all(r["met"] is True for r in views), views  # bounded calls per console view
    load = row("local load, all requests")
    assert load["met"] is True and " 0 errors of 0 " not in load["value"], load["value"]
    # the smoke writes no results: bench/RESULTS.md holds only real runs
    assert "Benchmark results" not in done.stdout


def test_what_a_benchmark_found_wrong_is_written_below_the_table():
    sys.path.insert(0, str(BENCH.parent))
    try:
        from run import problems
    finally:
        sys.path.remove(str(BENCH.parent))
    soak = {"figure": "fault soak: 10 letters", "problems": ["confirmed letter L1 ended sent after 2 sends"]}

    assert problems([soak, {"figure": "deployment zip"}]).endswith(
        "- fault soak: confirmed letter L1 ended sent after 2 sends"
    )
    assert problems([{"figure": "deployment zip", "problems": []}]) == ""


def test_a_benchmark_leaves_the_environment_as_it_found_it(monkeypatch):
    """`make bench` runs every benchmark in one process: a setting one of them makes (the worker's switching pacing
    off) must not reach the next (the soak), or the soak in `make bench` is not the soak `bench/soak.py` runs."""
    sys.path.insert(0, str(BENCH.parent))
    try:
        from run import isolated
    finally:
        sys.path.remove(str(BENCH.parent))
    monkeypatch.setenv("DEMARCHE_STAGE", "local")
    monkeypatch.delenv("DEMARCHE_LOCAL_NO_PACING", raising=False)

    def worker_like(letters):
        os.environ.update({"DEMARCHE_LOCAL_NO_PACING": "1", "DEMARCHE_STAGE": "dev"})
        return [{"figure": f"{letters} letters"}]

    assert isolated(worker_like, {"letters": 3}) == [{"figure": "3 letters"}]
    assert "DEMARCHE_LOCAL_NO_PACING" not in os.environ and os.environ["DEMARCHE_STAGE"] == "local"
