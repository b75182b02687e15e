""" "Did they reply?": the pages behind the links in the follow-up mail (the links show buttons; only buttons POST)."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.errors import InvalidField
from chalicelib.http.request import FORM_OR_EMPTY, base_url, page_messages, query_param
from chalicelib.http.responses import as_html, html_errors
from chalicelib.services import services

blueprint = Blueprint(__name__)


def _stop_link(letter_id: str, lang: str) -> str:
    from chalicelib.feedback.follow_ups import links

    return f"{base_url()}{links(services().signer, letter_id)['stop']}?lang={lang}"


@blueprint.route("/follow-ups/{letter_id}/{token}")
@html_errors
def get_follow_up(letter_id: str, token: str) -> Response:
    from chalicelib.web.pages import follow_up_page

    item, t = services().follow_ups.look(letter_id, token), page_messages()  # the email's links carry ?lang=
    return as_html(follow_up_page(item, t, query_param("answer"), _stop_link(letter_id, t.language)))


@blueprint.route(
    "/follow-ups/{letter_id}/{token}", methods=["POST"], content_types=["application/x-www-form-urlencoded"]
)
@html_errors
def post_follow_up(letter_id: str, token: str) -> Response:
    from chalicelib.front_door.fields import check_body_size
    from chalicelib.web.pages import answered_page, form_fields

    raw = blueprint.current_request.raw_body or b""
    check_body_size(raw)  # the letter form's cap: a pasted reply is kept, so its size is bounded as a letter's
    try:
        fields = form_fields(raw)
    except UnicodeDecodeError:
        raise InvalidField("body", "The form data is not valid UTF-8.") from None
    answer = fields.get("answer", "")
    services().follow_ups.answer(letter_id, token, answer, fields.get("reply", ""))
    t = page_messages()
    return as_html(answered_page(answer, t, _stop_link(letter_id, t.language)))


@blueprint.route("/follow-ups/{letter_id}/{token}/stop")
@html_errors
def get_follow_up_stop(letter_id: str, token: str) -> Response:
    from chalicelib.feedback.follow_ups import STOP
    from chalicelib.web.pages import stop_page

    services().follow_ups.look(letter_id, token, STOP)
    return as_html(stop_page(page_messages()))


@blueprint.route("/follow-ups/{letter_id}/{token}/stop", methods=["POST"], content_types=FORM_OR_EMPTY)
@html_errors
def post_follow_up_stop(letter_id: str, token: str) -> Response:
    from chalicelib.web.pages import stopped_page

    services().follow_ups.stop(letter_id, token)
    return as_html(stopped_page(page_messages()))
