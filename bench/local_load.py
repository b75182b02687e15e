"""Local load: locust, headless and bounded, against `make run`'s server on 127.0.0.1 (a fresh one per run)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(PROJECT_DIR))
sys.path.insert(0, str(BENCH_DIR))


def start_server(port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    from fixed_time import NOW_ISO

    proc = subprocess.Popen(
        [sys.executable, "-m", "localdev", "--port", str(port), "--now", NOW_ISO],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/campaigns", timeout=2)
            return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("local server did not start")


def run(seconds: int = 60, users: int = 20) -> list[dict]:
    from localdev.local_stack import free_port

    port = free_port()
    server = start_server(port)
    try:
        with tempfile.TemporaryDirectory() as out:
            prefix = Path(out) / "load"
            subprocess.run(
                [
                    str(Path(sys.executable).with_name("locust")),
                    "-f",
                    str(BENCH_DIR / "locustfile.py"),
                    "--headless",
                    "-u",
                    str(users),
                    "-r",
                    str(users),
                    "-t",
                    f"{seconds}s",
                    "--only-summary",
                    "--host",
                    f"http://127.0.0.1:{port}",
                    "--csv",
                    str(prefix),
                ],
                check=False,
                capture_output=True,
                text=True,
                timeout=seconds + 60,
            )
            rows = list(csv.DictReader(open(f"{prefix}_stats.csv")))
    finally:
        server.terminate()
        server.wait(timeout=10)
    total = next(r for r in rows if r["Name"] == "Aggregated")
    result = [
        {
            "figure": "local load, all requests",
            "value": f"{float(total['Requests/s']):.0f} req/s, p50 {total['50%']} ms, p95 {total['95%']} ms, "
            f"{total['Failure Count']} errors of {total['Request Count']} ({users} users, {seconds} s)",
            "goal": "0 errors",
            "met": total["Failure Count"] == "0",
        }
    ]
    for r in rows:
        if r["Name"] != "Aggregated":
            result.append(
                {
                    "figure": f"  {r['Name']}",
                    "value": f"p50 {r['50%']} ms, p95 {r['95%']} ms, "
                    f"{r['Failure Count']} errors of {r['Request Count']}",
                    "goal": "",
                    "met": None,
                }
            )
    return result


if __name__ == "__main__":
    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 60), indent=2))
