"""Cold start of every first request users hit, from the packaged zip, each against its floor.

Each sample is a fresh `python -I -B` (bench/cold_probe.py) that imports the app from the unzipped deployment
zip (`make package STAGE=dev`) and serves one event, AWS answered by moto's server on 127.0.0.1
(bench/stand_in.py). Its floor is a fresh python that imports boto3 and makes the same AWS calls with the same
payloads through bare clients (recorded from a first run of the app). The figure is CPU time (user + system)
of the measured process: the work of a cold start, without moto's time in the other process. Samples
alternate floor, app, app without bytecode (A B C A B C …); each ratio is taken within its own pair, and the
table gives the median and the least of them. The machine is shared, so only paired ratios mean anything.
"""

from __future__ import annotations

import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

PROJECT_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(PROJECT_DIR))
sys.path.insert(0, str(PROJECT_DIR / "tests"))
PROBE = BENCH_DIR / "cold_probe.py"
GOAL = 1.3


@dataclass(frozen=True)
class FirstRequest:
    label: str
    handler: str  # the Lambda handler: "app" (API) or "on_sqs_message" (the worker)
    event: Callable[[Any, Any], dict]  # (stand-in, services) -> a fresh event for one sample


def first_requests() -> list[FirstRequest]:
    from lambda_events import api_event
    from stand_in import SLUG

    organiser = {"token_id": "bench", "label": "bench", "campaigns": SLUG}
    return [
        FirstRequest("form page", "app", lambda s, svc: api_event("GET", "/campaigns/{slug}/form", {"slug": SLUG})),
        FirstRequest("POST letter", "app", lambda s, svc: s.submit_event(svc)),
        FirstRequest("confirm", "app", lambda s, svc: s.confirm_event(svc)),
        FirstRequest("worker batch of 10", "on_sqs_message", lambda s, svc: s.worker_event(svc)),
        FirstRequest(
            "stats",
            "app",
            lambda s, svc: api_event("GET", "/admin/campaigns/{slug}/stats", {"slug": SLUG}, authorizer=organiser),
        ),
    ]


def unpacked_zips(scratch: Path) -> tuple[Path, Path]:
    """The dev stage's zip unzipped as shipped (with bytecode), and the same without its .pyc files."""
    from infra.package import package

    zip_path = package("dev", scratch / "dist", warn=lambda line: None)
    shipped, source_only = scratch / "shipped", scratch / "source-only"
    zipfile.ZipFile(zip_path).extractall(shipped)
    shutil.copytree(shipped, source_only, ignore=shutil.ignore_patterns("__pycache__"))
    return shipped, source_only


def sample(spec: dict, env: dict[str, str], scratch: Path) -> tuple[float, dict]:
    """CPU seconds of one fresh process running the probe, and what it printed."""
    spec_file = scratch / "spec.json"
    spec_file.write_text(json.dumps(spec), encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-I", "-B", str(PROBE), str(spec_file)], env=env, capture_output=True, text=True
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"cold probe failed ({spec['kind']}, {spec['handler']}):\n{done.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, json.loads(done.stdout.strip().splitlines()[-1])


def run(runs: int = 5, only: tuple[str, ...] = ()) -> list[dict]:
    """Every first request (or those labelled in `only`), `runs` alternated pairs each."""
    from stand_in import StandIn

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        shipped, source_only = unpacked_zips(scratch)
        stand_in = StandIn()
        try:
            services = stand_in.services()
            for request in first_requests():
                if only and request.label not in only:
                    continue
                rows.append(measure(request, stand_in, services, shipped, source_only, scratch, runs))
        finally:
            stand_in.stop()
    return rows


def measure(
    request: FirstRequest, stand_in: Any, services: Any, shipped: Path, source_only: Path, scratch: Path, runs: int
) -> dict:
    def spec(kind: str, root: Path, calls: list | None = None) -> dict:
        return {
            "kind": kind,
            "root": str(root),
            "handler": request.handler,
            "event": request.event(stand_in, services) if kind != "floor" else None,
            "now": stand_in.now.isoformat(),
            "calls": calls or [],
        }

    _, recorded = sample(spec("record", shipped), stand_in.env, scratch)
    assert recorded["status"] in (200, 202), (request.label, recorded)
    calls = recorded["calls"]
    floors, apps, source_apps = [], [], []
    for _ in range(runs):  # floor, app, app without bytecode; again
        floors.append(sample(spec("floor", shipped, calls), stand_in.env, scratch)[0])
        cpu, out = sample(spec("app", shipped), stand_in.env, scratch)
        assert out["status"] in (200, 202), (request.label, out)
        apps.append(cpu)
        source_apps.append(sample(spec("app", source_only), stand_in.env, scratch)[0])
    ratios = [a / f for a, f in zip(apps, floors)]
    bytecode = [a / s for a, s in zip(apps, source_apps)]
    median = statistics.median(ratios)
    services_used = sorted({service for service, _, _ in calls})
    return {
        "figure": f"cold start CPU, {request.label} (packaged zip; floor: python + boto3 + "
        f"{len(calls)} calls to {', '.join(services_used) or 'no service'})",
        "value": f"{statistics.median(apps) * 1000:.0f} ms vs floor {statistics.median(floors) * 1000:.0f} ms: "
        f"median {median:.2f}x, least {min(ratios):.2f}x over {runs} pairs; bytecode saves "
        f"{(1 - statistics.median(bytecode)) * 100:.0f} % (vs the zip without .pyc)",
        "ratio": median,
        "data": {"cold_cpu_s": {request.label: statistics.median(apps)}},
        "goal": f"<= {GOAL}x",
        "met": median <= GOAL,
    }


if __name__ == "__main__":
    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 5), indent=2))
