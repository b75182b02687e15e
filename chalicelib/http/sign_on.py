"""Sign-on letters: organisations sign (form or JSON), confirm or withdraw by mail; the public list of signatories."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from chalicelib.errors import InvalidField
from chalicelib.http.request import FORM_OR_EMPTY, base_url, current_date, page_messages, query_param, visitor
from chalicelib.http.responses import as_html, as_json, framing, html_errors, json_errors, partner_cors
from chalicelib.services import services

if TYPE_CHECKING:  # pragma: no cover
    from chalicelib.campaigns.catalogue import Campaign
    from chalicelib.i18n import Messages

blueprint = Blueprint(__name__)


def sign_on_messages(campaign: "Campaign", requested: str | None = None) -> "Messages":
    """A sign-on page's words: `requested` (the form's field), else `?lang=`, else Accept-Language, else the
    campaign's first language."""
    return page_messages(requested, campaign.languages[0])


def signatory_messages(item: dict[str, Any]) -> "Messages":
    """A page behind the contact's emailed link: `?lang=` if asked, else the language they signed in."""
    from chalicelib.i18n import Messages, negotiate

    return Messages(negotiate(query_param("lang") or None, None, item.get("language") or "en"))


def sign_on_form(campaign: "Campaign", t: "Messages", **kwargs: Any) -> str:
    from chalicelib.front_door.bot_traps import issue_stamp
    from chalicelib.web.sign_on_pages import sign_on_form_page

    s = services()
    return sign_on_form_page(
        campaign,
        s.directory,
        s.signatures.public(campaign.slug),
        t,
        today=current_date(),
        stamp=issue_stamp(s.signer, campaign.slug, s.clock()),
        **kwargs,
    )


def post_sign_on_form(campaign: "Campaign", fields: dict[str, str], lang: str | None, embed: bool) -> Response:
    from chalicelib.web.sign_on_pages import sign_on_error, signed_page

    t = sign_on_messages(campaign, lang)
    try:
        services().signatures.sign(campaign, fields, visitor().ip, base_url())
    except InvalidField as exc:
        error = {"field": exc.field, "message": sign_on_error(t, exc.field, exc.message, exc.code)}
        page = sign_on_form(campaign, t, values=fields, error=error, embed=embed)
        return as_html(page, 400, framed_by=framing(campaign.slug))
    return as_html(signed_page(t, fields.get("organisation", ""), embed=embed), 202, framed_by=framing(campaign.slug))


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
    from chalicelib.web.sign_on_pages import signature_page

    s = services()
    item = s.signatures.look(s.campaigns.get(slug), signatory_id, token)
    return as_html(signature_page("confirm", item, signatory_messages(item)))


@blueprint.route(
    "/campaigns/{slug}/signatures/{signatory_id}/confirm/{token}", methods=["POST"], content_types=FORM_OR_EMPTY
)
@html_errors
def post_signature_confirm(slug: str, signatory_id: str, token: str) -> Response:
    from chalicelib.web.sign_on_pages import signature_page

    s = services()
    item = s.signatures.confirm(s.campaigns.get(slug), signatory_id, token)
    return as_html(signature_page("confirmed", item, signatory_messages(item)))


@blueprint.route("/campaigns/{slug}/signatures/{signatory_id}/withdraw/{token}")
@html_errors
def get_signature_withdraw(slug: str, signatory_id: str, token: str) -> Response:
    from chalicelib.outcomes.signatures import WITHDRAW
    from chalicelib.web.sign_on_pages import signature_page

    s = services()
    item = s.signatures.look(s.campaigns.get(slug), signatory_id, token, WITHDRAW)
    return as_html(signature_page("withdraw", item, signatory_messages(item)))


@blueprint.route(
    "/campaigns/{slug}/signatures/{signatory_id}/withdraw/{token}", methods=["POST"], content_types=FORM_OR_EMPTY
)
@html_errors
def post_signature_withdraw(slug: str, signatory_id: str, token: str) -> Response:
    from chalicelib.web.sign_on_pages import signature_page

    s = services()
    item = s.signatures.withdraw(s.campaigns.get(slug), signatory_id, token)
    return as_html(signature_page("withdrawn", item, signatory_messages(item)))


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
    page = signatories_page(
        campaign, s.signatures.public(campaign.slug), sign_on_messages(campaign), embed=query_param("embed") == "1"
    )
    return as_html(page, framed_by=framing(slug), headers={"Vary": "Accept-Language"})


@blueprint.route("/campaigns/{slug}/signed-letter")
@html_errors
def get_signed_letter(slug: str) -> Response:
    """The signed letter, once the organisers published it: print-ready, and framable like the list."""
    from chalicelib.web.sign_on_pages import signed_letter_page

    s = services()
    document = s.sign_on_documents.public_document(s.campaigns.get(slug), query_param("lang"))
    page = signed_letter_page(document, embed=query_param("embed") == "1")
    return as_html(page, framed_by=framing(slug), headers={"Cache-Control": "public, max-age=60"})
