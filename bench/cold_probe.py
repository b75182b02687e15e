"""One cold start, run by bench/cold_start.py in a fresh `python -I -B` (nothing from the project is imported
before the request: the measured process pays for everything itself, and -B writes no bytecode, like Lambda's
read-only /var/task).

`app`: import the packaged app from the unzipped zip and serve one event, as Lambda's init and first invoke do.
`floor`: import boto3 and make the same AWS calls with the same payloads through bare clients: what any
function that must make those calls pays at least. `record` is `app` that also writes the calls it made.
"""

import base64
import json
import sys


def _plain(value):
    """AWS parameters as JSON (bytes tagged), so the floor can replay them exactly."""
    if isinstance(value, (bytes, bytearray)):
        return {"__bytes__": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _restored(value):
    if isinstance(value, dict):
        if set(value) == {"__bytes__"}:
            return base64.b64decode(value["__bytes__"])
        return {k: _restored(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_restored(v) for v in value]
    return value


def record_calls(calls):
    import boto3

    boto3.setup_default_session()

    def seen(params, model, **_):
        calls.append([model.service_model.service_name, model.name, _plain(params)])

    # last: after boto3's DynamoDB resource has turned Python values into the low-level form
    boto3.DEFAULT_SESSION.events.register_last("before-parameter-build", seen)


def serve(spec):
    import datetime as dt

    sys.path.insert(0, spec["root"])
    calls = []
    if spec["kind"] == "record":
        record_calls(calls)
    import app
    from chalicelib.services import Services

    now = dt.datetime.fromisoformat(spec["now"])
    app.use_services(Services(clock=lambda: now))
    handler = getattr(app, spec["handler"])
    if spec["handler"] == "app":
        status = handler(spec["event"], None)["statusCode"]
    else:

        class Context:
            def get_remaining_time_in_millis(self):
                return 30_000

        failed = handler(spec["event"], Context())["batchItemFailures"]
        status = 200 if not failed else 500
    return {"status": status, "calls": calls}


def floor(spec):
    import boto3
    from botocore import xform_name
    from botocore.exceptions import ClientError

    clients = {}
    for service, operation, params in spec["calls"]:
        client = clients.get(service) or clients.setdefault(service, boto3.client(service))
        try:
            getattr(client, xform_name(operation))(**_restored(params))
        except ClientError:
            pass  # a replayed conditional write may be refused: the request and its answer were still made
    return {"status": 200, "calls": []}


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    result = floor(spec) if spec["kind"] == "floor" else serve(spec)
    print(json.dumps(result))
