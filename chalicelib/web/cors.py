"""Which partner sites may call the JSON API from their own pages (CORS): exact origins listed in campaign.toml.

Chalice's CORSConfig takes a single origin, so the check is ours: the request's Origin is compared, as a whole
string, with the campaign's `allowed_origins`. A match is echoed back; anything else gets no CORS header at all,
and never `*`. Every answer says `Vary: Origin`, so a cache never hands one partner's answer to another.
"""

from __future__ import annotations

from typing import Collection

ALLOWED_METHODS = "GET, POST, OPTIONS"
ALLOWED_HEADERS = "Content-Type, Idempotency-Key"  # the key makes a partner's retry safe (openapi.json)
EXPOSED_HEADERS = "Location"
PREFLIGHT_MAX_AGE = "600"  # seconds a browser may reuse a preflight answer


def is_allowed(origin: str | None, allowed: Collection[str]) -> bool:
    return bool(origin) and origin in allowed


def cors_headers(origin: str | None, allowed: Collection[str], *, preflight: bool = False) -> dict[str, str]:
    """The CORS headers for a request from `origin`: only `Vary: Origin` unless the origin is allow-listed."""
    headers = {"Vary": "Origin"}
    if not is_allowed(origin, allowed):
        return headers
    headers["Access-Control-Allow-Origin"] = str(origin)
    if preflight:
        headers.update(
            {
                "Access-Control-Allow-Methods": ALLOWED_METHODS,
                "Access-Control-Allow-Headers": ALLOWED_HEADERS,
                "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
            }
        )
    else:
        headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    return headers
