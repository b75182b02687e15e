"""The OpenAPI document at /openapi.json stays true: it lists every public JSON route, and schemathesis checks the
real local stack (python -m localdev) against it: no 5xx, every response as the document says."""

from __future__ import annotations

import json
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from chalicelib.web.api_views import OPENAPI_FILE

NOT_JSON_API = {
    "/embed.js",
    "/form.js",
    "/campaigns/{slug}/form",
    "/letters/{letter_id}/confirm/{token}",
    "/letters/{letter_id}/delete/{token}",
    "/dev/outbox",
    "/dev/outbox.json",
    "/dev/organiser-token",
    "/admin",
    "/admin/dashboard.js",
    "/admin/outcomes.js",
    "/admin/campaigns/new",
    "/admin/campaigns/{slug}/edit",
    "/admin/campaign_editor.js",
    "/admin/letter_log.js",
    "/admin/addresses.js",
    "/partners/{slug}/{partner}",
    "/campaigns/{slug}/signatories/embed",
    "/campaigns/{slug}/signed-letter",
    "/admin/campaigns/{slug}/signed-letter",
    "/campaigns/{slug}/signatures/{signatory_id}/confirm/{token}",
    "/campaigns/{slug}/signatures/{signatory_id}/withdraw/{token}",
    "/follow-ups/{letter_id}/{token}",
    "/follow-ups/{letter_id}/{token}/stop",
    "/campaigns/{slug}/privacy",
    "/static/altcha.js",
}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


def documented() -> dict:
    return json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))


def test_every_public_json_route_is_documented_and_every_documented_one_exists():
    import app as app_module

    routes = {
        path: {m.lower() for m in methods}
        for path, methods in app_module.app.routes.items()
        if path not in NOT_JSON_API
    }
    paths = {path: {m for m in item if m in METHODS} for path, item in documented()["paths"].items()}
    assert routes == paths


def test_every_reference_resolves_and_every_operation_is_named_once():
    doc = documented()
    text = json.dumps(doc)
    for ref in set(re.findall(r'"\$ref": "#/([^"]+)"', text)):
        node = doc
        for part in ref.split("/"):
            node = node[part]  # KeyError names a dangling reference
    ids = [
        op["operationId"]
        for item in doc["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    ]
    assert len(ids) == len(set(ids))


def test_the_served_document_is_the_reviewed_file_pointing_at_this_server(client):
    response = client.http.get("/openapi.json", headers={"Host": "api.example.org"})

    assert response.status_code == 200
    served = json.loads(response.body)
    assert served["servers"] == [{"url": "http://api.example.org"}]
    assert {**served, "servers": documented()["servers"]} == documented()


METHODS = ("get", "post", "put", "patch", "delete", "options")


def runs() -> list[tuple[str, str, GenerationMode]]:
    """Each documented operation with valid inputs, and with invalid ones where it takes any input at all."""
    found = []
    for path, item in documented()["paths"].items():
        for method in (m for m in item if m in METHODS):
            takes_input = item.get("parameters") or item[method].get("parameters") or item[method].get("requestBody")
            modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE] if takes_input else [GenerationMode.POSITIVE]
            found += [(path, method, mode) for mode in modes]
    return found


@pytest.fixture(scope="module")
def live_schema(live_api):
    """The document as the running server serves it (schemathesis checks it is valid OpenAPI)."""
    return schemathesis.openapi.from_url(f"{live_api}/openapi.json")


# schemathesis' own pytest plugin (from_fixture) does not run on pytest 9, so each operation is driven through
# schemathesis' hypothesis strategies directly: valid requests, then invalid ones (which must be refused with a 4xx),
# a bounded number of each so the whole run takes seconds.
@pytest.mark.slow
@pytest.mark.parametrize(("path", "method", "mode"), runs(), ids=[f"{m.upper()} {p} {g.value}" for p, m, g in runs()])
def test_the_local_stack_answers_as_documented(live_schema, live_api, path, method, mode):
    operation = live_schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=20,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    def answers_as_documented(case):
        case.call_and_validate(base_url=live_api, checks=checks, timeout=10)

    # A letter that looks like a bot's (a form_token that is not ours) gets a success-shaped decoy whatever else it
    # carries, by design (bots learn nothing); so "invalid data is refused" holds everywhere but there.
    checks = [c for c in CHECKS if not (c is negative_data_rejection and method == "post")]

    answers_as_documented()
