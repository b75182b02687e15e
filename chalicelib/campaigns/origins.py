"""Partner sites' origins as campaigns list them (`allowed_origins`): parsed and normalised once, here."""

from __future__ import annotations

from urllib.parse import urlsplit

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
DEFAULT_PORTS = {"https": 443, "http": 80}


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
