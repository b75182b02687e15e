"""Démarche's HTTP routes and event handlers. Each parses the request, calls chalicelib, and answers."""
from __future__ import annotations

import functools
import json
from typing import Any, Callable

from chalice import Chalice, Response

from chalicelib.errors import DemarcheError, InvalidField, NotFound
from chalicelib.services import Services

app = Chalice(app_name="demarche")

_services: Services | None = None


def services() -> Services:
    """The process's services, built on first use (never at import: cheap cold starts, moto-friendly tests)."""
    global _services
    if _services is None:
        _services = Services()
    return _services


def use_services(replacement: Services | None) -> None:
    """Swap the services (tests); None rebuilds them from the environment on next use."""
    global _services
    _services = replacement


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(body=json.dumps(body, ensure_ascii=False), status_code=status,
                    headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})})


def _html(body: str, status: int = 200) -> Response:
    return Response(body=body, status_code=status, headers={"Content-Type": "text/html; charset=utf-8"})


def json_errors(view: Callable[..., Response]) -> Callable[..., Response]:
    """Map domain errors to their HTTP status with a JSON body naming the problem (the one place we do this)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        try:
            return view(*args, **kwargs)
        except DemarcheError as exc:
            return _json(exc.to_json(), exc.status)

    return wrapper


def _base_url() -> str:
    """Where this API is reachable, for links we hand out (status pages)."""
    configured = services().settings.public_base_url
    if configured:
        return configured
    request = app.current_request
    host = request.headers.get("host", "localhost")
    proto = request.headers.get("x-forwarded-proto", "http")
    context = request.context or {}
    full_path, resource_path = context.get("path", ""), request.path or ""
    prefix = full_path[: len(full_path) - len(resource_path)] if full_path.endswith(resource_path) else ""
    return f"{proto}://{host}{prefix}"


def _query(name: str, default: str = "") -> str:
    return (app.current_request.query_params or {}).get(name, default)


def _today():
    return services().clock().date()


# --- campaigns and targets -------------------------------------------------------------------------

@app.route("/campaigns")
@json_errors
def list_campaigns() -> Response:
    from chalicelib.public_api import campaign_summary

    today = _today()
    return _json({"campaigns": [campaign_summary(c, today) for c in services().campaigns.all()]})


@app.route("/campaigns/{slug}")
@json_errors
def get_campaign(slug: str) -> Response:
    from chalicelib.public_api import campaign_detail

    s = services()
    return _json(campaign_detail(s.campaigns.get(slug), s.directory, _today()))


@app.route("/campaigns/{slug}/targets/{country}")
@json_errors
def get_target(slug: str, country: str) -> Response:
    from chalicelib.public_api import preview

    s = services()
    campaign = s.campaigns.get(slug)
    return _json(preview(campaign, s.directory.country(country), s.directory, language=_query("language") or None,
                         name=_query("name")[:100], city=_query("city")[:100], message=_query("message")[:2000],
                         is_failing=s.health.is_failing, sandbox=s.settings.sandbox_recipients))


# --- letters ---------------------------------------------------------------------------------------

def _submit(slug: str, payload: Any) -> tuple[Any, dict]:
    from chalicelib.public_api import letter_status_view
    from chalicelib.submissions import submit

    s = services()
    campaign = s.campaigns.get(slug)
    receipt = submit(campaign, payload, directory=s.directory, letters=s.letters, queue=s.queue, clock=s.clock,
                     sandbox_recipients=s.settings.sandbox_recipients, health=s.health)
    status_url = f"{_base_url()}/letters/{receipt.letter_id}/{receipt.status_token}"
    body = {"letter_id": receipt.letter_id, "status": receipt.status, "status_url": status_url}
    return campaign, {**body, "detail": letter_status_view(receipt.letter)}


@app.route("/campaigns/{slug}/letters", methods=["POST"], content_types=["application/json"])
@json_errors
def post_letter(slug: str) -> Response:
    try:
        payload = json.loads(app.current_request.raw_body or b"")
    except (ValueError, UnicodeDecodeError):
        raise InvalidField("body", "The request body is not valid JSON.") from None
    _, body = _submit(slug, payload)
    body.pop("detail")
    return _json(body, 202, {"Location": body["status_url"]})


@app.route("/letters/{letter_id}/{token}")
@json_errors
def get_letter_status(letter_id: str, token: str) -> Response:
    from chalicelib.public_api import letter_status_view
    from chalicelib.submissions import letter_status

    letter = letter_status(services().letters, letter_id, token)
    if letter is None:
        raise NotFound("No letter matches this link.")
    return _json(letter_status_view(letter))


# --- the HTML form (works without JavaScript) ------------------------------------------------------

@app.route("/campaigns/{slug}/form")
def get_form(slug: str) -> Response:
    from chalicelib.pages import form_page, message_page

    s = services()
    try:
        campaign = s.campaigns.get(slug)
    except NotFound as exc:
        return _html(message_page("Not found", exc.message), 404)
    return _html(form_page(campaign, s.directory, language=_query("lang") or None, partner=_query("partner")[:40]))


@app.route("/campaigns/{slug}/form", methods=["POST"], content_types=["application/x-www-form-urlencoded"])
def post_form(slug: str) -> Response:
    from chalicelib.pages import form_fields, form_page, message_page, result_page, unreachable_page
    from chalicelib.submissions import TargetUnreachable

    s = services()
    try:
        campaign = s.campaigns.get(slug)
    except NotFound as exc:
        return _html(message_page("Not found", exc.message), 404)
    try:
        fields = form_fields(app.current_request.raw_body or b"")
    except UnicodeDecodeError:
        return _html(message_page("Bad request", "The form data is not valid UTF-8."), 400)
    lang = fields.pop("lang", "") or None
    try:
        _, body = _submit(slug, fields)
    except InvalidField as exc:
        page = form_page(campaign, s.directory, language=lang, values=fields,
                         error={"field": exc.field, "message": exc.message}, partner=fields.get("partner", ""))
        return _html(page, 400)
    except TargetUnreachable as exc:  # the letter is shown with the other ways to send it: nothing is lost
        return _html(unreachable_page(campaign, lang, exc.message, exc.delivery), exc.status)
    except DemarcheError as exc:
        return _html(message_page("Your letter was not sent", exc.message), exc.status)
    language = lang if lang in campaign.languages else campaign.languages[0]
    return _html(result_page(campaign, language, body["detail"], body["status_url"]), 202)


# --- the sender ------------------------------------------------------------------------------------

@app.on_sqs_message(queue="demarche-letters", batch_size=10)
def on_sqs_message(event: Any) -> dict[str, list[dict[str, str]]]:
    """Send each queued letter; report only the failed records back to SQS (partial batch response)."""
    from chalicelib.delivery import QueueRecord

    records = [QueueRecord(message_id=r.to_dict()["messageId"], body=r.body) for r in event]
    failed = services().deliverer.deliver_batch(records)
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}


# --- local stage only ------------------------------------------------------------------------------

def _local_only() -> None:
    if not services().settings.is_local:
        raise NotFound("Not found.")


@app.route("/dev/outbox.json")
@json_errors
def dev_outbox_json() -> Response:
    from chalicelib.outbox import sent_messages

    _local_only()
    return _json(sent_messages())


@app.route("/dev/outbox")
def dev_outbox() -> Response:
    from chalicelib.outbox import sent_messages
    from chalicelib.pages import message_page, outbox_page

    if not services().settings.is_local:
        return _html(message_page("Not found", "Not found."), 404)
    return _html(outbox_page(sent_messages()))
