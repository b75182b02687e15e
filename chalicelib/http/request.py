"""Reading the request being answered: its query, its origin, its visitor, and where we are reachable."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint
from chalice.app import Request

from chalicelib.services import services

if TYPE_CHECKING:  # pragma: no cover
    import datetime as dt

    from chalicelib.front_door.door import Visitor
    from chalicelib.i18n import Messages
    from chalicelib.letters.letter import Letter

# No routes: app.py registers it so that these helpers reach the app's current request.
blueprint = Blueprint(__name__)

FORM_OR_EMPTY = ["application/x-www-form-urlencoded", "application/json", "text/plain"]


def current_request() -> Request:
    return blueprint.current_request


def base_url() -> str:
    """Where this API is reachable, for links we hand out (status pages); the Host header only locally."""
    configured = services().settings.link_base_url()
    if configured:
        return configured
    request = current_request()
    host = request.headers.get("host", "localhost")
    proto = request.headers.get("x-forwarded-proto", "http")
    context = request.context or {}
    full_path, resource_path = context.get("path", ""), request.path or ""
    prefix = full_path[: len(full_path) - len(resource_path)] if full_path.endswith(resource_path) else ""
    return f"{proto}://{host}{prefix}"


def query_param(name: str, default: str = "") -> str:
    return (current_request().query_params or {}).get(name, default)


def query_params() -> dict[str, str]:
    return dict(current_request().query_params or {})


def origin_header() -> str | None:
    return current_request().headers.get("origin")


def current_date() -> "dt.date":
    return services().clock().date()


def visitor() -> "Visitor":
    from chalicelib.front_door.door import Visitor

    identity = (current_request().context or {}).get("identity") or {}
    return Visitor(ip=identity.get("sourceIp") or "", links_base=base_url())


def page_messages(requested: str | None = None, default: str = "en") -> "Messages":
    """A page's words: `requested` (the form's field), else `?lang=`, else Accept-Language, else `default` (the
    campaign's first language, or the language the supporter used our form in)."""
    from chalicelib.i18n import Messages, negotiate

    wanted = requested or query_param("lang") or None
    return Messages(negotiate(wanted, current_request().headers.get("accept-language"), default))


def letter_messages(letter: "Letter") -> "Messages":
    """A page behind a supporter's emailed link: `?lang=` if asked, else the language they used our form in
    (their email was in it too), whatever their browser says."""
    from chalicelib.i18n import Messages, negotiate
    from chalicelib.letters.supporter_mail import supporter_language

    return Messages(negotiate(query_param("lang") or None, None, supporter_language(letter)))


def prefers_html(accept: str | None) -> bool:
    """Whether the Accept header ranks text/html above application/json: a browser opening a link. No header,
    `*/*` or a tie means JSON, the API's answer."""
    ranks = {"html": 0.0, "json": 0.0}
    for item in (accept or "").split(","):
        kind, _, params = item.partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        kind = kind.strip().lower()
        if kind in ("text/html", "application/xhtml+xml"):
            ranks["html"] = max(ranks["html"], quality)
        elif kind == "application/json":
            ranks["json"] = max(ranks["json"], quality)
    return ranks["html"] > ranks["json"]
