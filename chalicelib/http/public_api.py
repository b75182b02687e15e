"""The JSON API partners' pages call: campaigns, targets, letters, and the scripts and description they load."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from chalicelib.errors import NotFound, OriginNotAllowed
from chalicelib.http.request import (
    base_url,
    current_date,
    letter_messages,
    origin_header,
    prefers_html,
    query_param,
    visitor,
)
from chalicelib.http.responses import (
    allowed_origins,
    as_html,
    as_json,
    html_errors,
    json_errors,
    partner_cors,
    receipt_json,
)
from chalicelib.services import services

if TYPE_CHECKING:  # pragma: no cover
    from chalicelib.letters.letter import Letter

blueprint = Blueprint(__name__)


@blueprint.route("/campaigns", methods=["OPTIONS"])
@blueprint.route("/campaigns/{slug}", methods=["OPTIONS"])
@blueprint.route("/campaigns/{slug}/targets/{country}", methods=["OPTIONS"])
@blueprint.route("/campaigns/{slug}/letters", methods=["OPTIONS"])
@blueprint.route("/campaigns/{slug}/signatures", methods=["OPTIONS"])
@partner_cors
@json_errors
def preflight(slug: str | None = None, **_path: str) -> Response:
    """A browser asks whether a partner's page may call us: yes (204) for an allow-listed origin, else 403."""
    from chalicelib.web.cors import cors_headers, is_allowed

    origin, allowed = origin_header(), allowed_origins(slug)
    if not is_allowed(origin, allowed):
        raise OriginNotAllowed(
            f"The origin {origin!r} may not call this API from a browser: the campaign's "
            "organisers can add it to allowed_origins in campaign.toml."
            if origin
            else "A preflight request needs an Origin header."
        )
    return Response(body="", status_code=204, headers=cors_headers(origin, allowed, preflight=True))


# --- files: the embed snippet, the form's script, the API's description ---------------------------------


@blueprint.route("/embed.js")
def embed_js() -> Response:
    from chalicelib.web.static_files import script, script_headers

    return Response(body=script("embed.js"), headers=script_headers())


@blueprint.route("/form.js")
def form_js() -> Response:
    from chalicelib.web.static_files import script, script_headers

    return Response(body=script("form.js"), headers=script_headers())


@blueprint.route("/static/altcha.js")
@json_errors
def altcha_js() -> Response:
    """The ALTCHA widget a proof-of-work campaign's form loads (the npm package, fetched by the build)."""
    from chalicelib.web.static_files import script, script_headers

    return Response(body=script("altcha.js"), headers=script_headers())


@blueprint.route("/openapi.json")
def openapi_json() -> Response:
    from chalicelib.web.api_views import openapi_document

    return as_json(openapi_document(base_url()))


# --- campaigns and targets -------------------------------------------------------------------------


@blueprint.route("/campaigns")
@partner_cors
@json_errors
def list_campaigns() -> Response:
    from chalicelib.web.api_views import campaign_summary

    today = current_date()
    return as_json({"campaigns": [campaign_summary(c, today) for c in services().campaigns.all()]})


@blueprint.route("/campaigns/{slug}")
@partner_cors
@json_errors
def get_campaign(slug: str) -> Response:
    from chalicelib.web.api_views import campaign_detail

    s = services()
    return as_json(campaign_detail(s.campaigns.get(slug), s.directory, current_date()))


@blueprint.route("/campaigns/{slug}/targets/{country}")
@partner_cors
@json_errors
def get_target(slug: str, country: str) -> Response:
    from chalicelib.web.api_views import preview

    s = services()
    campaign = s.campaigns.get(slug)
    return as_json(
        preview(
            campaign,
            s.directory.country(country),
            s.directory,
            language=query_param("language") or None,
            ui_language=query_param("ui_language") or None,
            name=query_param("name")[:100],
            city=query_param("city")[:100],
            message=query_param("message")[:2000],
            is_failing=s.health.is_failing,
            sandbox=s.settings.sandbox_recipients,
        )
    )


@blueprint.route("/campaigns/{slug}/form-token")
@partner_cors
@json_errors
def get_form_token(slug: str) -> Response:
    from chalicelib.front_door.bot_traps import issue_stamp

    s = services()
    campaign = s.campaigns.get(slug)
    now = s.clock()
    bots = campaign.policies.bots
    return as_json(
        {
            "form_token": issue_stamp(s.signer, slug, now),
            "usable_after_seconds": int(bots.min_fill.total_seconds()),
            "usable_for_seconds": int(bots.max_age.total_seconds()),
        },
        headers={"Cache-Control": "no-store"},
    )


@blueprint.route("/campaigns/{slug}/challenge")
@partner_cors
@json_errors
def get_challenge(slug: str) -> Response:
    from chalicelib.front_door.proof_of_work import new_challenge

    s = services()
    campaign = s.campaigns.get(slug)
    if not campaign.policies.bots.proof_of_work:
        raise NotFound("This campaign does not use a proof-of-work check.")
    return as_json(
        new_challenge(s.signer, slug, campaign.policies.bots, s.clock()), headers={"Cache-Control": "no-store"}
    )


@blueprint.route("/campaigns/{slug}/letters", methods=["POST"], content_types=["application/json"])
@partner_cors
@json_errors
def post_letter(slug: str) -> Response:
    from chalicelib.front_door.fields import parse_json_body

    request = blueprint.current_request
    payload = parse_json_body(request.raw_body or b"")
    s = services()
    receipt = s.front_door.submit(s.campaigns.get(slug), payload, visitor(), request.headers.get("idempotency-key", ""))
    body = receipt_json(receipt)
    return as_json(body, 202, {"Location": body["status_url"]})


@blueprint.route("/letters/{letter_id}/{token}")
def get_letter_status(letter_id: str, token: str) -> Response:
    """A person's browser gets the page (their letter's journey, in their language); API clients get JSON."""
    html = prefers_html(blueprint.current_request.headers.get("accept"))
    response = (_letter_status_page if html else _letter_status_json)(letter_id, token)
    vary = response.headers.get("Vary")
    response.headers["Vary"] = f"{vary}, Accept" if vary else "Accept"  # keep CORS's Vary: Origin
    return response


def _known_letter(letter_id: str, token: str) -> "Letter":
    from chalicelib.front_door.door import letter_status

    s = services()
    letter = letter_status(s.letters, letter_id, token, s.decoys)
    if letter is None:
        raise NotFound("No letter matches this link.")
    return letter


@json_errors
def _letter_status_json(letter_id: str, token: str) -> Response:
    from chalicelib.web.api_views import letter_status_view
    from chalicelib.web.cors import cors_headers

    letter = _known_letter(letter_id, token)
    return as_json(letter_status_view(letter), headers=cors_headers(origin_header(), allowed_origins(letter.campaign)))


@html_errors
def _letter_status_page(letter_id: str, token: str) -> Response:
    from chalicelib.web.journey import status_page

    letter = _known_letter(letter_id, token)
    page = status_page(letter, services().campaigns.get(letter.campaign), letter_messages(letter))
    return as_html(page, headers={"Cache-Control": "no-store"})
