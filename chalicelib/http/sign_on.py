"""Sign-on letters: organisations sign (form or JSON), confirm or withdraw by mail; the public list of signatories."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from chalicelib.errors import InvalidField
from chalicelib.http.request import FORM_OR_EMPTY, base_url, current_date, query_param, visitor
from chalicelib.http.responses import as_html, as_json, framing, html_errors, json_errors, partner_cors
from chalicelib.services import services

if TYPE_CHECKING:  # pragma: no cover
    from chalicelib.campaigns.catalogue import Campaign

blueprint = Blueprint(__name__)


def sign_on_form(campaign: "Campaign", **kwargs: Any) -> str:
    from chalicelib.front_door.bot_traps import issue_stamp
    from chalicelib.web.sign_on_pages import sign_on_form_page

    s = services()
    return sign_on_form_page(
        campaign,
        s.directory,
        s.signatures.public(campaign.slug),
        today=current_date(),
        stamp=issue_stamp(s.signer, campaign.slug, s.clock()),
        **kwargs,
    )


def post_sign_on_form(campaign: "Campaign", fields: dict[str, str], embed: bool) -> Response:
    from chalicelib.web.pages import signed_page

    try:
        services().signatures.sign(campaign, fields, visitor().ip, base_url())
    except InvalidField as exc:
        page = sign_on_form(campaign, values=fields, error={"field": exc.field, "message": exc.message}, embed=embed)
        return as_html(page, 400, framed_by=framing(campaign.slug))
    return as_html(
        signed_page(campaign, fields.get("organisation", ""), embed=embed), 202, framed_by=framing(campaign.slug)
    )


@blueprint.route("/campaigns/{slug}/signatures", methods=["POST"], content_types=["application/json"])
@partner_cors
@json_errors
def post_signature(slug: str) -> Response:
    from chalicelib.front_door.fields import parse_json_body

    s = services()
    request = blueprint.current_request
    payload = parse_json_body(request.raw_body or b"")
    return as_json(
        s.signatures.sign(
            s.campaigns.get(slug), payload, visitor().ip, base_url(), request.headers.get("idempotency-key", "")
        ),
        202,
    )


@blueprint.route("/campaigns/{slug}/signatures/{signatory_id}/confirm/{token}")
@html_errors
def get_signature_confirm(slug: str, signatory_id: str, token: str) -> Response:
    from chalicelib.web.pages import signature_confirm_page

    s = services()
    return as_html(signature_confirm_page(s.signatures.look(s.campaigns.get(slug), signatory_id, token)))


@blueprint.route(
    "/campaigns/{slug}/signatures/{signatory_id}/confirm/{token}", methods=["POST"], content_types=FORM_OR_EMPTY
)
@html_errors
def post_signature_confirm(slug: str, signatory_id: str, token: str) -> Response:
    from chalicelib.web.pages import signature_confirmed_page

    s = services()
    return as_html(signature_confirmed_page(s.signatures.confirm(s.campaigns.get(slug), signatory_id, token)))


@blueprint.route("/campaigns/{slug}/signatures/{signatory_id}/withdraw/{token}")
@html_errors
def get_signature_withdraw(slug: str, signatory_id: str, token: str) -> Response:
    from chalicelib.outcomes.signatures import WITHDRAW
    from chalicelib.web.pages import withdraw_page

    s = services()
    return as_html(withdraw_page(s.signatures.look(s.campaigns.get(slug), signatory_id, token, WITHDRAW)))


@blueprint.route(
    "/campaigns/{slug}/signatures/{signatory_id}/withdraw/{token}", methods=["POST"], content_types=FORM_OR_EMPTY
)
@html_errors
def post_signature_withdraw(slug: str, signatory_id: str, token: str) -> Response:
    from chalicelib.web.pages import withdrawn_page

    s = services()
    return as_html(withdrawn_page(s.signatures.withdraw(s.campaigns.get(slug), signatory_id, token)))


@blueprint.route("/campaigns/{slug}/signatories")
@partner_cors
@json_errors
def get_signatories(slug: str) -> Response:
    s = services()
    campaign = s.campaigns.get(slug)
    return as_json(
        {"campaign": campaign.slug, "signatories": s.signatures.public(campaign.slug)},
        headers={"Cache-Control": "public, max-age=60"},
    )


@blueprint.route("/campaigns/{slug}/signatories/embed")
@html_errors
def get_signatories_page(slug: str) -> Response:
    from chalicelib.web.sign_on_pages import signatories_page

    s = services()
    campaign = s.campaigns.get(slug)
    page = signatories_page(campaign, s.signatures.public(campaign.slug), embed=query_param("embed") == "1")
    return as_html(page, framed_by=framing(slug))


@blueprint.route("/campaigns/{slug}/signed-letter")
@html_errors
def get_signed_letter(slug: str) -> Response:
    """The signed letter, once the organisers published it: print-ready, and framable like the list."""
    from chalicelib.web.sign_on_pages import signed_letter_page

    s = services()
    document = s.sign_on_documents.public_document(s.campaigns.get(slug), query_param("lang"))
    page = signed_letter_page(document, embed=query_param("embed") == "1")
    return as_html(page, framed_by=framing(slug), headers={"Cache-Control": "public, max-age=60"})
