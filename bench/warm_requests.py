"""Warm request cost: CPU per request of the letter preview and submit handlers (AWS faked), against a hello route."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any, Callable

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def event(
    method: str,
    resource: str,
    path: str,
    params: dict | None = None,
    query: dict | None = None,
    body: str | None = None,
    headers: dict | None = None,
) -> dict[str, Any]:
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": {"Host": "bench", "Content-Type": "application/json", **(headers or {})},
        "multiValueHeaders": {},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": None,
        "pathParameters": params,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "path": path,
            "stage": "api",
            "identity": {"sourceIp": "203.0.113.9"},
        },
        "body": body,
        "isBase64Encoded": False,
    }


def cpu_per_call(call: Callable[[], Any], n: int) -> float:
    for _ in range(50):
        call()  # warm: caches, lazily built objects
    start = time.process_time()
    for _ in range(n):
        call()
    return (time.process_time() - start) / n


def build_app():
    import os

    os.environ.setdefault("DEMARCHE_STAGE", "prod")
    os.environ.setdefault("DEMARCHE_SECRET", "bench-only-secret-not-for-any-deployment")
    os.environ.setdefault("DEMARCHE_PUBLIC_URL", "https://letters.bench.invalid")  # prod builds links only from it
    from fakes import FakeAws
    from fixed_time import NOW

    import app as app_module
    from chalicelib.services import Services

    services = Services(clock=lambda: NOW)
    services.__dict__["aws"] = FakeAws()  # replaces the cached_property: every AWS call is in-memory
    app_module.use_services(services)
    return app_module.app, services


def submit_body(i: int, services: Any) -> str:
    """A letter as the form posts it: with a render stamp issued a minute ago (bots are slower or faster)."""
    import datetime as dt

    from submit_payload import payload

    from chalicelib.front_door.bot_traps import issue_stamp

    stamp = issue_stamp(services.signer, "hrd-resolution", services.clock() - dt.timedelta(minutes=1))
    return json.dumps(payload(i, stamp))


def run(n: int = 2000) -> list[dict]:
    import hello_app

    app, services = build_app()
    hello = event("GET", "/", "/")
    preview = event(
        "GET",
        "/campaigns/{slug}/targets/{country}",
        "/campaigns/hrd-resolution/targets/FI",
        {"slug": "hrd-resolution", "country": "FI"},
        {"name": "Amina", "message": "My words."},
    )
    counter = iter(range(10**9))

    def submit() -> Any:
        i = next(counter)
        response = app(
            event(
                "POST",
                "/campaigns/{slug}/letters",
                "/campaigns/hrd-resolution/letters",
                {"slug": "hrd-resolution"},
                body=submit_body(i, services),
            ),
            None,
        )
        assert response["statusCode"] == 202, response
        return response

    hello_cpu = cpu_per_call(lambda: hello_app.app(hello, None), n)
    preview_cpu = cpu_per_call(lambda: app(preview, None), n)
    submit_cpu = cpu_per_call(submit, n)
    rows = []
    for label, cpu in [("preview", preview_cpu), ("submit", submit_cpu)]:
        rows.append(
            {
                "figure": f"warm CPU per request, {label}",
                "value": f"{cpu * 1e6:.0f} us vs hello {hello_cpu * 1e6:.0f} us = {cpu / hello_cpu:.2f}x",
                "goal": "<= 2x",
                "met": cpu / hello_cpu <= 2,
            }
        )
    return rows


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
