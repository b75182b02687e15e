"""Warm submit CPU: the POST of a letter through the real botocore clients, AWS answered by moto's server in
another process (bench/stand_in.py), against making the same AWS calls with the same payloads through bare
botocore clients (the floor: what any code that must make those calls pays at least).

The calls are recorded from one warm submit (after boto3's DynamoDB conversion, in the low-level form) and
replayed as they are; a replayed conditional write may be refused (its letter exists), which costs about what
an accepted one does. Blocks of submits and of replays alternate (A B A B …); each ratio is taken within its
own pair. CPU is this process's time (`time.process_time`), so moto's own work is not in it.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

PROJECT_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(PROJECT_DIR))
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(PROJECT_DIR / "tests"))
GOAL = 1.5


def recorded_calls(services: Any, action: Callable[[], Any]) -> list[tuple[str, str, dict]]:
    """The AWS calls `action` makes through `services`' clients, as the low-level parameters sent."""
    import copy

    calls: list[tuple[str, str, dict]] = []

    def seen(params: dict, model: Any, **_: Any) -> None:
        calls.append((model.service_model.service_name, model.name, copy.deepcopy(params)))

    clients = [services.aws.table.meta.client, services.aws.sqs, services.aws.sesv2]
    for client in clients:
        client.meta.events.register_last("before-parameter-build", seen, unique_id="bench-recorder")
    try:
        action()
    finally:
        for client in clients:
            client.meta.events.unregister("before-parameter-build", unique_id="bench-recorder")
    return calls


def bare_replay(calls: list[tuple[str, str, dict]]) -> Callable[[], None]:
    import boto3
    from botocore import xform_name
    from botocore.exceptions import ClientError

    clients = {service: boto3.client(service) for service, _, _ in calls}
    bound = [(getattr(clients[service], xform_name(operation)), params) for service, operation, params in calls]

    def replay() -> None:
        for method, params in bound:
            try:
                method(**params)
            except ClientError:
                pass

    return replay


def cpu_of(action: Callable[[], Any], n: int) -> float:
    start = time.process_time()
    for _ in range(n):
        action()
    return (time.process_time() - start) / n


def run(pairs: int = 7, per_block: int = 40) -> list[dict]:
    from stand_in import StandIn, services_app

    stand_in = StandIn()
    try:
        services = stand_in.services()
        app = services_app(services)

        def submit(event: dict) -> None:
            response = app(event, None)
            assert response["statusCode"] == 202, response

        for _ in range(20):  # warm: clients, caches, lazily built objects
            submit(stand_in.submit_event(services))
        calls = recorded_calls(services, lambda: submit(stand_in.submit_event(services)))
        replay = bare_replay(calls)
        for _ in range(20):
            replay()
        floors, apps = [], []
        for _ in range(pairs):
            events = iter([stand_in.submit_event(services) for _ in range(per_block)])  # built outside the timing
            floors.append(cpu_of(replay, per_block))
            apps.append(cpu_of(lambda: submit(next(events)), per_block))
    finally:
        stand_in.stop()
    ratios = [a / f for a, f in zip(apps, floors)]
    median = statistics.median(ratios)
    what = ", ".join(f"{service} {operation}" for service, operation, _ in calls)
    return [
        {
            "figure": f"warm CPU, POST letter vs the same {len(calls)} AWS calls through bare botocore ({what})",
            "value": f"{statistics.median(apps) * 1e6:.0f} us vs {statistics.median(floors) * 1e6:.0f} us: median "
            f"{median:.2f}x, least {min(ratios):.2f}x over {pairs} pairs of {per_block}",
            "ratio": median,
            "data": {"warm_cpu_s": {"POST letter": statistics.median(apps)}},
            "goal": f"<= {GOAL}x",
            "met": median <= GOAL,
        }
    ]


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
