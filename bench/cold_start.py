"""Cold start: a fresh interpreter imports the app and serves its first request, against a bare Chalice app."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent

# Runs in the fresh interpreter: time from the first line to the first response, as Lambda's init + invoke.
PROBE = r"""
import time
t0 = time.perf_counter()
import sys
sys.path.insert(0, sys.argv[1])
module = __import__(sys.argv[2])
path = sys.argv[3]
event = {"resource": sys.argv[4], "path": path, "httpMethod": "GET", "headers": {"Host": "bench"},
         "multiValueHeaders": {}, "queryStringParameters": None, "multiValueQueryStringParameters": None,
         "pathParameters": dict(zip(sys.argv[5::2], sys.argv[6::2])) or None, "stageVariables": None,
         "requestContext": {"resourcePath": sys.argv[4], "httpMethod": "GET", "path": path, "stage": "api"},
         "body": None, "isBase64Encoded": False}
response = module.app(event, None)
elapsed = time.perf_counter() - t0
assert response["statusCode"] == 200, response
print(elapsed)
"""


# The public routes read the campaigns published in the console (one DynamoDB Query per container, cached 30 s:
# chalicelib/campaigns/live.py). Here that Query goes to a closed local port and fails at once, once: the figure
# holds boto3's import and the client, not a network round trip (about 10 ms in a region).
COLD_ENV = {
    "PATH": "/usr/bin:/bin",
    "DEMARCHE_STAGE": "prod",
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
    "AWS_MAX_ATTEMPTS": "1",
}


def measure(project: Path, module: str, path: str, resource: str, params: dict[str, str], runs: int) -> float:
    times = []
    args = [x for kv in params.items() for x in kv]
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", PROBE, str(project), module, path, resource, *args],
            check=True,
            capture_output=True,
            text=True,
            env=COLD_ENV,
        )
        times.append(float(out.stdout.strip()))
    return statistics.median(times)


def run(runs: int = 11) -> list[dict]:
    # Warm the .pyc caches once so every measured run sees the same files (Lambda ships them precompiled? no:
    # see RESULTS.md notes; both apps get the same treatment here).
    measure(PROJECT_DIR, "app", "/campaigns", "/campaigns", {}, 1)
    measure(BENCH_DIR, "hello_app", "/", "/", {}, 1)
    hello = measure(BENCH_DIR, "hello_app", "/", "/", {}, runs)
    rows = []
    for label, path, resource, params in [
        ("GET /campaigns", "/campaigns", "/campaigns", {}),
        ("GET /campaigns/{slug}", "/campaigns/hrd-resolution", "/campaigns/{slug}", {"slug": "hrd-resolution"}),
    ]:
        app_time = measure(PROJECT_DIR, "app", path, resource, params, runs)
        rows.append(
            {
                "figure": f"cold start, {label}",
                "value": f"{app_time * 1000:.0f} ms vs hello {hello * 1000:.0f} ms = {app_time / hello:.2f}x",
                "ratio": app_time / hello,
                "goal": "<= 1.3x" if label == "GET /campaigns" else "(informational)",
                "met": (app_time / hello <= 1.3) if label == "GET /campaigns" else None,
            }
        )
    return rows


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
