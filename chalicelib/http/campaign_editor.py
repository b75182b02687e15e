"""The campaign editor in the console: its page and script, and the JSON routes behind them (campaigns without a
deploy). The organiser's token is checked by the console's authorizer (organisers.py); what each route may do, by
console/campaign_editor.py."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib.http.organisers import _organiser, organiser_token
from chalicelib.http.request import FORM_OR_EMPTY, base_url, current_date, query_param
from chalicelib.http.responses import as_html, as_script, json_errors, private
from chalicelib.services import services

blueprint = Blueprint(__name__)


def _body() -> Any:
    """A campaign with letters in six languages is larger than a supporter's letter: up to 256 KiB."""
    from chalicelib.front_door.fields import parse_json_body

    return parse_json_body(blueprint.current_request.raw_body or b"{}", limit=256 * 1024)


@blueprint.route("/admin/campaigns/new")
def new_campaign_page() -> Response:
    from chalicelib.web.campaign_editor_page import editor_page

    return as_html(editor_page(base_url(), None, current_date()))


@blueprint.route("/admin/campaigns/{slug}/edit")
def edit_campaign_page(slug: str) -> Response:
    from chalicelib.web.campaign_editor_page import editor_page

    return as_html(editor_page(base_url(), slug, current_date()))


@blueprint.route("/admin/campaign_editor.js")
def editor_script() -> Response:
    return as_script("campaign_editor.js")


@blueprint.route("/admin/campaigns/{slug}/editor", authorizer=organiser_token)
@json_errors
def editor_view(slug: str) -> Response:
    return private(services().campaign_editor.view(_organiser(), slug))


@blueprint.route(
    "/admin/campaigns/{slug}/draft", methods=["PUT"], authorizer=organiser_token, content_types=["application/json"]
)
@json_errors
def save_draft(slug: str) -> Response:
    return private(services().campaign_editor.save(_organiser(), slug, _body()))


@blueprint.route("/admin/campaigns/{slug}/draft/preview", authorizer=organiser_token)
@json_errors
def preview_draft(slug: str) -> Response:
    from chalicelib.web.api_views import preview

    s = services()
    campaign = s.campaign_editor.draft_campaign(_organiser(), slug)
    return private(
        preview(campaign, s.directory.country(query_param("country")), s.directory, language=query_param("language"))
    )


@blueprint.route(
    "/admin/campaigns/{slug}/draft/lint", methods=["POST"], authorizer=organiser_token, content_types=FORM_OR_EMPTY
)
@json_errors
def lint_draft(slug: str) -> Response:
    return private(services().campaign_editor.lint(_organiser(), slug))


@blueprint.route(
    "/admin/campaigns/{slug}/draft/test-send",
    methods=["POST"],
    authorizer=organiser_token,
    content_types=["application/json"],
)
@json_errors
def test_send_draft(slug: str) -> Response:
    body = _body()
    body = body if isinstance(body, dict) else {}
    country, language = str(body.get("country", "")), str(body.get("language", ""))
    return private(services().campaign_editor.test_send(_organiser(), slug, country, language or None), 202)


@blueprint.route(
    "/admin/campaigns/{slug}/publish", methods=["POST"], authorizer=organiser_token, content_types=FORM_OR_EMPTY
)
@json_errors
def publish(slug: str) -> Response:
    return private(services().campaign_editor.publish(_organiser(), slug, _body()))


@blueprint.route(
    "/admin/campaigns/{slug}/close", methods=["POST"], authorizer=organiser_token, content_types=FORM_OR_EMPTY
)
@json_errors
def close(slug: str) -> Response:
    return private(services().campaign_editor.close(_organiser(), slug))
