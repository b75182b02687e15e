"""Partner organisations' own results: a read-only page per partner code, opened with the link an organiser gave."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.http.request import query_param
from chalicelib.http.responses import as_html, html_errors
from chalicelib.services import services

blueprint = Blueprint(__name__)


@blueprint.route("/partners/{slug}/{partner}")
@html_errors
def partner_page(slug: str, partner: str) -> Response:
    from chalicelib.i18n import Messages
    from chalicelib.rendering import render

    view = services().partner_results.results(slug, partner, query_param("key"))
    body = render("pages/partner.html", t=Messages("en"), embed=False, view=view)
    return as_html(body, headers={"Cache-Control": "no-store"})
