"""Building answers: JSON and HTML responses, domain errors mapped to HTTP (the one place), partners' CORS."""

from __future__ import annotations

import functools
import json
from itertools import chain
from typing import Any, Callable

from chalice import Response

from chalicelib.errors import DemarcheError, NotFound
from chalicelib.http.request import base_url, origin_header, page_messages
from chalicelib.services import services


def as_json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        body=json.dumps(body, ensure_ascii=False),
        status_code=status,
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )


def as_html(
    body: str, status: int = 200, headers: dict[str, str] | None = None, *, framed_by: str = "'none'"
) -> Response:
    from chalicelib.web.pages import page_headers

    return Response(body=body, status_code=status, headers={**page_headers(framed_by), **(headers or {})})


def private(body: Any, status: int = 200) -> Response:
    """JSON holding campaign data: never stored by a browser or a proxy."""
    return as_json(body, status, {"Cache-Control": "no-store"})


def receipt_json(receipt: Any) -> dict[str, str]:
    from chalicelib.letters.supporter_mail import link_paths

    status_url = base_url() + link_paths(services().signer, receipt.letter_id).status
    return {"letter_id": receipt.letter_id, "status": receipt.status, "status_url": status_url}


def json_errors(view: Callable[..., Response]) -> Callable[..., Response]:
    """Map domain errors to their HTTP status with a JSON body naming the problem (the one place we do this)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        try:
            return view(*args, **kwargs)
        except DemarcheError as exc:
            body = exc.to_json()
            if exc.code == "target_unreachable":  # the letter, with the other ways to send it
                body["error"].update(delivery_of(exc))
            if exc.link:
                body["error"]["status_url"] = base_url() + exc.link
            return as_json(body, exc.status, exc.headers)

    return wrapper


def delivery_of(exc: Any) -> dict[str, Any]:
    """The view of a letter nobody can be emailed for (front_door.door.TargetUnreachable carries its data)."""
    from chalicelib.web.api_views import delivery_view

    return delivery_view(exc.route, exc.campaign, exc.supporter, exc.language, exc.ui_language)


def html_errors(view: Callable[..., Response]) -> Callable[..., Response]:
    """The same mapping for pages people open: a short page that says what happened, with the same status."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        from chalicelib.web.pages import error_page

        try:
            return view(*args, **kwargs)
        except DemarcheError as exc:
            link = base_url() + exc.link if exc.link else ""
            return as_html(
                error_page(exc, page_messages(), link), exc.status, exc.headers, framed_by=framing(kwargs.get("slug"))
            )

    return wrapper


def framing(slug: str | None) -> str:
    """Form pages may be framed (by any site, or by the campaign's embed_origins); no other page may."""
    from chalicelib.web.pages import frame_ancestors

    if slug is None:
        return "'none'"
    try:
        return frame_ancestors(services().campaigns.get(slug))
    except NotFound:
        return frame_ancestors(None)  # an embed with a mistyped slug still shows why, inside the frame


# --- partners' own pages calling the JSON API (CORS) -----------------------------------------------------


def allowed_origins(slug: str | None) -> frozenset[str]:
    """The campaign's `allowed_origins` (every campaign's for the list; none for an unknown campaign)."""
    s = services()
    if slug is None:
        campaigns = s.campaigns.all()
    else:
        try:
            campaigns = [s.campaigns.get(slug)]
        except NotFound:
            campaigns = []
    return frozenset(chain(s.settings.extra_origins, *(c.allowed_origins for c in campaigns)))


def partner_cors(view: Callable[..., Response]) -> Callable[..., Response]:
    """Add the CORS headers for the campaign in the path to every answer of `view`, errors included."""
    from chalicelib.web.cors import cors_headers

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        response = view(*args, **kwargs)
        response.headers.update(cors_headers(origin_header(), allowed_origins(kwargs.get("slug"))))
        return response

    return wrapper
