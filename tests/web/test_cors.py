"""CORS for partners' own forms: exactly the campaign's allow-listed origins, `Vary: Origin`, never `*`."""

from __future__ import annotations

import json

import pytest

from chalicelib.campaigns.origins import parse_origin

PARTNER = "https://www.partner.example.org"  # in hrd-resolution's allowed_origins
FOREIGN = "https://evil.example.net"
LETTER = {"country": "KE", "name": "Partner Form", "email": "partner.form@example.org"}
CORS_HEADERS = (
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Expose-Headers",
    "Access-Control-Max-Age",
    "Access-Control-Allow-Credentials",
)


def headers_of(response) -> dict[str, str]:
    return {k.lower(): v for k, v in response.headers.items()}


def no_cors(response) -> bool:
    found = headers_of(response)
    return not any(name.lower() in found for name in CORS_HEADERS) and found.get("vary") == "Origin"


def preflight(client, path: str, origin: str | None, method: str = "POST"):
    headers = {"Access-Control-Request-Method": method, "Access-Control-Request-Headers": "content-type"}
    if origin:
        headers["Origin"] = origin
    return client.http.request("OPTIONS", path, headers=headers)


@pytest.mark.parametrize(
    "path",
    [
        "/campaigns/hrd-resolution/letters",
        "/campaigns/hrd-resolution",
        "/campaigns/hrd-resolution/targets/KE",
        "/campaigns",
    ],
)
def test_a_preflight_from_an_allowed_origin_succeeds(client, path):
    response = preflight(client, path, PARTNER)

    assert response.status_code == 204
    headers = headers_of(response)
    assert headers["access-control-allow-origin"] == PARTNER
    assert "POST" in headers["access-control-allow-methods"]
    assert "content-type" in headers["access-control-allow-headers"].lower()
    assert headers["vary"] == "Origin"
    assert "access-control-allow-credentials" not in headers  # no cookies, ever


def test_a_partner_page_may_send_an_idempotency_key(client):
    # GIVEN a partner's form that retries safely with the documented Idempotency-Key header (openapi.json)
    response = preflight(client, "/campaigns/hrd-resolution/letters", PARTNER)

    # THEN the browser is told it may send it, or it would refuse the partner's request before it leaves
    allowed = {h.strip().lower() for h in headers_of(response)["access-control-allow-headers"].split(",")}
    assert {"content-type", "idempotency-key"} <= allowed


@pytest.mark.parametrize(
    "origin",
    [
        FOREIGN,
        "null",
        "https://www.partner.example.org.evil.net",
        "http://www.partner.example.org",
        "https://www.partner.example.org:8443",
        "*",
        None,
    ],
)
def test_a_preflight_from_any_other_origin_is_refused_without_cors_headers(client, origin):
    response = preflight(client, "/campaigns/hrd-resolution/letters", origin)

    assert response.status_code == 403
    assert no_cors(response)
    error = json.loads(response.body)["error"]
    assert error["code"] == "origin_not_allowed"
    assert (origin or "Origin header") in error["message"]


def test_an_origin_allowed_for_one_campaign_is_not_allowed_for_another(client):
    assert preflight(client, "/campaigns/whrd-resolution/letters", PARTNER).status_code == 403
    assert preflight(client, "/campaigns/no-such-campaign/letters", PARTNER).status_code == 403


def test_answers_to_an_allowed_origin_are_readable_errors_included(client, letters_api):
    # GIVEN the partner's page posts a letter, then a bad one, then reads campaign, preview and status
    sent = letters_api.post("hrd-resolution", LETTER, {"Origin": PARTNER})
    bad = letters_api.post("hrd-resolution", {**LETTER, "email": "nope"}, {"Origin": PARTNER})
    receipt = json.loads(sent.body)
    status_path = receipt["status_url"].split("://", 1)[1].split("/", 1)[1]
    reads = [
        client.http.get(path, headers={"Origin": PARTNER})
        for path in (
            "/campaigns/hrd-resolution",
            "/campaigns/hrd-resolution/targets/KE",
            "/campaigns",
            "/" + status_path,
        )
    ]

    # THEN every answer names the partner's origin, exposes Location, and varies on Origin
    assert sent.status_code == 202 and bad.status_code == 400
    for response in [sent, bad, *reads]:
        headers = headers_of(response)
        assert headers["access-control-allow-origin"] == PARTNER, response.body
        assert "Origin" in [v.strip() for v in headers["vary"].split(",")]  # the status link adds Accept
    assert headers_of(sent)["access-control-expose-headers"] == "Location"


def test_answers_to_a_foreign_origin_or_no_origin_carry_no_cors_headers(client):
    for origin in (FOREIGN, None):
        headers = {"Origin": origin} if origin else {}
        for path in ("/campaigns/hrd-resolution", "/campaigns/hrd-resolution/targets/KE", "/campaigns"):
            response = client.http.get(path, headers=headers)
            assert response.status_code == 200 and no_cors(response)
        letter = client.http.post(
            "/campaigns/hrd-resolution/letters",
            body=json.dumps({**LETTER, "email": "x"}),
            headers={"Content-Type": "application/json", **headers},
        )
        assert no_cors(letter)


def test_local_origins_count_only_in_the_local_stage(client, services, monkeypatch):
    # GIVEN a developer's page on localhost, listed in DEMARCHE_LOCAL_ORIGINS
    object.__setattr__(services.settings, "local_origins", ("http://localhost:3000",))

    # THEN it may call every campaign locally
    assert preflight(client, "/campaigns/whrd-resolution/letters", "http://localhost:3000").status_code == 204

    # BUT not in any other stage
    object.__setattr__(services.settings, "stage", "prod")
    assert preflight(client, "/campaigns/whrd-resolution/letters", "http://localhost:3000").status_code == 403


@pytest.mark.parametrize(
    "value,expected",
    [
        ("https://www.partner.org", "https://www.partner.org"),
        ("https://www.partner.org/", "https://www.partner.org"),
        ("HTTPS://WWW.PARTNER.ORG:443", "https://www.partner.org"),
        ("https://partner.org:8443", "https://partner.org:8443"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://[::1]:8080", "http://[::1]:8080"),
    ],
)
def test_an_origin_is_read_as_a_browser_sends_it(value, expected):
    assert parse_origin(value) == expected


@pytest.mark.parametrize(
    "value,problem",
    [
        ("*", "not allowed"),
        ("null", "not an origin"),
        ("partner.org", "not an origin"),
        ("ftp://partner.org", "not an origin"),
        ("https://partner.org/form", "no path"),
        ("https://user@partner.org", "no path"),
        ("https://partner.org:99999", "not an origin"),
        ("http://partner.org", "must use https"),
    ],
)
def test_a_bad_origin_is_refused_saying_why(value, problem):
    with pytest.raises(ValueError, match=problem):
        parse_origin(value)
