"""The local stage only (`make run`): the outbox of mail "sent", and the organiser token for this machine's browser."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.errors import NotFound
from chalicelib.http.request import query_param
from chalicelib.http.responses import as_html, as_json, html_errors, json_errors, private
from chalicelib.services import services

blueprint = Blueprint(__name__)


def _local_only() -> None:
    if not services().settings.is_local:
        raise NotFound("Not found.")


@blueprint.route("/dev/outbox.json")
@json_errors
def dev_outbox_json() -> Response:
    _local_only()
    return as_json(_outbox())


@blueprint.route("/dev/outbox")
@html_errors
def dev_outbox() -> Response:
    from chalicelib.web.pages import outbox_page

    _local_only()
    return as_html(outbox_page(_outbox()))


def _outbox() -> list:
    """The outbox, or with `?to=ADDRESS` only the mail to (or replying to) that address."""
    from chalicelib.web.outbox import addressed_to, sent_messages, with_address_origins

    shown = addressed_to(sent_messages(), query_param("to"))
    return with_address_origins(shown, services().letters.find_by_ses_message_id)


@blueprint.route("/dev/organiser-token")
@json_errors
def dev_organiser_token() -> Response:
    """The token `make run` created for every campaign, so a browser on this machine can open /admin."""
    _local_only()
    token = services().settings.dev_organiser_token
    if not token:
        raise NotFound("No organiser token was created for this local run (start it with `make run`).")
    return private({"token": token})
