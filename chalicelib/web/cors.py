"""Which partner sites may call the JSON API from their own pages (CORS): exact origins listed in campaign.toml.

Chalice's CORSConfig takes a single origin, so the check is ours: the request's Origin is compared, as a whole
string, with the campaign's `allowed_origins`. A match is echoed back; anything else gets no CORS header at all,
and never `*`. Every answer says `Vary: Origin`, so a cache never hands one partner's answer to another.
"""
from __future__ import annotations

from typing import Collection
from urllib.parse import urlsplit

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
DEFAULT_PORTS = {"https": 443, "http": 80}
ALLOWED_METHODS = "GET, POST, OPTIONS"
ALLOWED_HEADERS = "Content-Type"
EXPOSED_HEADERS = "Location"
PREFLIGHT_MAX_AGE = "600"  # seconds a browser may reuse a preflight answer


def parse_origin(value: str) -> str:
    """`value` as a browser sends it in `Origin` (scheme://host[:port]); ValueError saying what is wrong otherwise."""
    if value.strip() == "*":
        raise ValueError("'*' is not allowed: list each partner site's origin, e.g. https://www.partner.org")
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        raise ValueError(f"{value!r} is not an origin like https://www.partner.org") from None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"{value!r} is not an origin like https://www.partner.org")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"{value!r} must be only scheme://host[:port], with no path, query or user")
    host = parts.hostname.encode("idna").decode("ascii") if not parts.hostname.isascii() else parts.hostname
    if ":" in host:
        host = f"[{host}]"
    if parts.scheme == "http" and host not in LOOPBACK_HOSTS:
        raise ValueError(f"{value!r} must use https (plain http only for localhost)")
    netloc = host if port in (None, DEFAULT_PORTS[parts.scheme]) else f"{host}:{port}"
    return f"{parts.scheme}://{netloc}"


def is_allowed(origin: str | None, allowed: Collection[str]) -> bool:
    return bool(origin) and origin in allowed


def cors_headers(origin: str | None, allowed: Collection[str], *, preflight: bool = False) -> dict[str, str]:
    """The CORS headers for a request from `origin`: only `Vary: Origin` unless the origin is allow-listed."""
    headers = {"Vary": "Origin"}
    if not is_allowed(origin, allowed):
        return headers
    headers["Access-Control-Allow-Origin"] = str(origin)
    if preflight:
        headers.update({"Access-Control-Allow-Methods": ALLOWED_METHODS,
                        "Access-Control-Allow-Headers": ALLOWED_HEADERS,
                        "Access-Control-Max-Age": PREFLIGHT_MAX_AGE})
    else:
        headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    return headers
