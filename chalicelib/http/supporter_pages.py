"""Pages a supporter opens: the HTML form (works without JavaScript; framed on partners' sites), then the links in
their mail to confirm or delete their letter."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from chalicelib.errors import InvalidField, TooQuick
from chalicelib.http.request import (
    FORM_OR_EMPTY,
    base_url,
    current_date,
    letter_messages,
    page_messages,
    query_param,
    visitor,
)
from chalicelib.http.responses import as_html, delivery_of, framing, html_errors, receipt_json
from chalicelib.http.sign_on import post_sign_on_form, sign_on_form, sign_on_messages
from chalicelib.services import services

if TYPE_CHECKING:  # pragma: no cover
    from chalicelib.campaigns.catalogue import Campaign
    from chalicelib.i18n import Messages

blueprint = Blueprint(__name__)


# --- links in the confirmation email: GET shows a button, POST acts (mail scanners only GET) --------


@blueprint.route("/letters/{letter_id}/confirm/{token}")
@html_errors
def get_confirm(letter_id: str, token: str) -> Response:
    from chalicelib.web.pages import confirm_page

    letter = services().confirmations.look(letter_id, token)
    return as_html(confirm_page(letter, letter_messages(letter)))


@blueprint.route("/letters/{letter_id}/confirm/{token}", methods=["POST"], content_types=FORM_OR_EMPTY)
@html_errors
def post_confirm(letter_id: str, token: str) -> Response:
    from chalicelib.letters.supporter_mail import link_paths
    from chalicelib.web.pages import confirmed_page
    from chalicelib.web.sharing import share_url

    s = services()
    letter = s.confirmations.confirm(letter_id, token)
    t = letter_messages(letter)
    status_url = base_url() + link_paths(s.signer, letter_id).status
    count = s.public_counts.get(letter.campaign)
    shared = share_url(base_url(), letter.campaign, letter.partner, t.language)
    page = confirmed_page(letter, s.campaigns.get(letter.campaign), t, status_url, count=count, share_url=shared)
    return as_html(page)


@blueprint.route("/letters/{letter_id}/delete/{token}")
@html_errors
def get_delete(letter_id: str, token: str) -> Response:
    from chalicelib.web.pages import delete_page

    forgetting = services().forgetting
    letter = forgetting.look(letter_id, token)
    return as_html(delete_page(letter, letter_messages(letter), sent=forgetting.already_sent(letter)))


@blueprint.route("/letters/{letter_id}/delete/{token}", methods=["POST"], content_types=FORM_OR_EMPTY)
@html_errors
def post_delete(letter_id: str, token: str) -> Response:
    from chalicelib.web.pages import deleted_page

    forgetting = services().forgetting
    letter = forgetting.forget(letter_id, token)
    return as_html(deleted_page(letter, letter_messages(letter), sent=forgetting.already_sent(letter)))


# --- the HTML form (works without JavaScript; framed on partners' sites) -----------------------------


def _page_messages(requested: str | None, campaign: "Campaign | None") -> "Messages":
    """The form page's words: `requested` (?lang= or the form's field), else Accept-Language, else the campaign's."""
    return page_messages(requested, campaign.languages[0] if campaign else "en")


def _form(campaign: Any, t: "Messages", **kwargs: Any) -> str:
    from chalicelib.front_door.bot_traps import issue_stamp
    from chalicelib.web.pages import form_page

    s = services()
    stamp = kwargs.pop("stamp", "") or issue_stamp(s.signer, campaign.slug, s.clock())
    page_url = f"{base_url()}/campaigns/{campaign.slug}/form"  # for the social preview (OpenGraph, Twitter)
    return form_page(campaign, s.directory, t, today=current_date(), stamp=stamp, page_url=page_url, **kwargs)


@blueprint.route("/campaigns/{slug}/form")
@html_errors
def get_form(slug: str) -> Response:
    campaign = services().campaigns.get(slug)
    if campaign.is_sign_on:
        page = sign_on_form(campaign, sign_on_messages(campaign), embed=query_param("embed") == "1")
        return as_html(page, framed_by=framing(slug), headers={"Vary": "Accept-Language"})
    page = _form(
        campaign,
        _page_messages(query_param("lang") or None, campaign),
        values={"country": _viewer_country()},
        partner=query_param("partner"),
        embed=query_param("embed") == "1",
        look={"accent": query_param("accent"), "button": query_param("button")},
    )
    return as_html(page, framed_by=framing(slug), headers={"Vary": "Accept-Language, CloudFront-Viewer-Country"})


def _viewer_country() -> str:
    """The country CloudFront says the visitor is in (where API Gateway passes it), preselected in the picker:
    a guess the supporter can change, never stored. "" when absent or not a state we write to."""
    code = (blueprint.current_request.headers.get("cloudfront-viewer-country") or "").strip().upper()
    country = services().directory.find_country(code) if len(code) == 2 and code.isalpha() else None
    return country.alpha2 if country else ""


@blueprint.route("/campaigns/{slug}/privacy")
@html_errors
def get_privacy(slug: str) -> Response:
    from chalicelib.web.pages import privacy_page

    campaign = services().campaigns.get(slug)
    page = privacy_page(
        campaign, _page_messages(query_param("lang") or None, campaign), embed=query_param("embed") == "1"
    )
    return as_html(page, framed_by=framing(slug))


@blueprint.route("/campaigns/{slug}/form", methods=["POST"], content_types=["application/x-www-form-urlencoded"])
@html_errors
def post_form(slug: str) -> Response:
    from chalicelib.front_door.door import TargetUnreachable
    from chalicelib.front_door.fields import check_body_size
    from chalicelib.web.pages import error_message, form_fields, page_fields, result_page, unreachable_page

    s = services()
    campaign = s.campaigns.get(slug)
    raw = blueprint.current_request.raw_body or b""
    check_body_size(raw)
    try:
        fields = form_fields(raw)
    except UnicodeDecodeError:
        raise InvalidField("body", "The form data is not valid UTF-8.") from None
    lang, embed, look = page_fields(fields)
    if campaign.is_sign_on:
        return post_sign_on_form(campaign, fields, lang, embed)
    t = _page_messages(lang, campaign)
    try:
        receipt = s.front_door.submit(campaign, fields, visitor())
    except InvalidField as exc:  # the form again, as they filled it (sent too soon: with its own stamp)
        error = {"field": exc.field, "message": error_message(t, exc.field, exc.message, exc.code)}
        stamp = exc.stamp if isinstance(exc, TooQuick) else ""
        page = _form(campaign, t, values=fields, error=error, embed=embed, stamp=stamp, look=look)
        return as_html(page, 400, framed_by=framing(slug))
    except TargetUnreachable as exc:  # the letter is shown with the other ways to send it: nothing is lost
        page = unreachable_page(campaign, t, exc.message, delivery_of(exc), embed=embed)
        return as_html(page, exc.status, framed_by=framing(slug))
    status_url = receipt_json(receipt)["status_url"]
    return as_html(result_page(campaign, t, receipt.status, status_url, embed=embed), 202, framed_by=framing(slug))
