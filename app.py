"""Démarche's HTTP routes and event handlers. Each parses the request, calls chalicelib, and answers."""
from __future__ import annotations

import functools
import json
from typing import Any, Callable

from chalice import Chalice, Rate, Response

from chalicelib.errors import DemarcheError, InvalidField, NotFound
from chalicelib.services import Services

app = Chalice(app_name="demarche")
FORM_OR_EMPTY = ["application/x-www-form-urlencoded", "application/json", "text/plain"]

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


def _html(body: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(body=body, status_code=status,
                    headers={"Content-Type": "text/html; charset=utf-8", **(headers or {})})


def json_errors(view: Callable[..., Response]) -> Callable[..., Response]:
    """Map domain errors to their HTTP status with a JSON body naming the problem (the one place we do this)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        try:
            return view(*args, **kwargs)
        except DemarcheError as exc:
            body = exc.to_json()
            if exc.link:
                body["error"]["status_url"] = _base_url() + exc.link
            return _json(body, exc.status, exc.headers)

    return wrapper


def html_errors(view: Callable[..., Response]) -> Callable[..., Response]:
    """The same mapping for pages people open: a short page that says what happened, with the same status."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        from chalicelib.pages import error_page

        try:
            return view(*args, **kwargs)
        except DemarcheError as exc:
            link = _base_url() + exc.link if exc.link else ""
            return _html(error_page(exc, link), exc.status, exc.headers)

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

def _visitor():
    from chalicelib.submissions import Visitor

    identity = (app.current_request.context or {}).get("identity") or {}
    return Visitor(ip=identity.get("sourceIp") or "", links_base=_base_url())


def _receipt_json(receipt: Any) -> dict[str, str]:
    from chalicelib.confirmation import link_paths

    status_url = _base_url() + link_paths(services().signer, receipt.letter_id).status
    return {"letter_id": receipt.letter_id, "status": receipt.status, "status_url": status_url}


@app.route("/campaigns/{slug}/form-token")
@json_errors
def get_form_token(slug: str) -> Response:
    from chalicelib.bot_checks import issue_stamp

    s = services()
    campaign = s.campaigns.get(slug)
    now = s.clock()
    bots = campaign.policies.bots
    return _json({"form_token": issue_stamp(s.signer, slug, now),
                  "usable_after_seconds": int(bots.min_fill.total_seconds()),
                  "usable_for_seconds": int(bots.max_age.total_seconds())}, headers={"Cache-Control": "no-store"})


@app.route("/campaigns/{slug}/challenge")
@json_errors
def get_challenge(slug: str) -> Response:
    from chalicelib.proof_of_work import new_challenge

    s = services()
    campaign = s.campaigns.get(slug)
    if not campaign.policies.bots.proof_of_work:
        raise NotFound("This campaign does not use a proof-of-work check.")
    return _json(new_challenge(s.signer, slug, campaign.policies.bots, s.clock()), headers={"Cache-Control": "no-store"})


@app.route("/campaigns/{slug}/letters", methods=["POST"], content_types=["application/json"])
@json_errors
def post_letter(slug: str) -> Response:
    from chalicelib.checks import parse_json_body

    request = app.current_request
    payload = parse_json_body(request.raw_body or b"")
    s = services()
    receipt = s.front_door.submit(s.campaigns.get(slug), payload, _visitor(),
                                  request.headers.get("idempotency-key", ""))
    body = _receipt_json(receipt)
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


# --- links in the confirmation email: GET shows a button, POST acts (mail scanners only GET) --------

@app.route("/letters/{letter_id}/confirm/{token}")
@html_errors
def get_confirm(letter_id: str, token: str) -> Response:
    from chalicelib.pages import confirm_page

    return _html(confirm_page(services().confirmations.look(letter_id, token)))


@app.route("/letters/{letter_id}/confirm/{token}", methods=["POST"], content_types=FORM_OR_EMPTY)
@html_errors
def post_confirm(letter_id: str, token: str) -> Response:
    from chalicelib.confirmation import link_paths
    from chalicelib.pages import confirmed_page

    letter = services().confirmations.confirm(letter_id, token)
    return _html(confirmed_page(letter, _base_url() + link_paths(services().signer, letter_id).status))


@app.route("/letters/{letter_id}/delete/{token}")
@html_errors
def get_delete(letter_id: str, token: str) -> Response:
    from chalicelib.pages import delete_page

    return _html(delete_page(services().forgetting.look(letter_id, token)))


@app.route("/letters/{letter_id}/delete/{token}", methods=["POST"], content_types=FORM_OR_EMPTY)
@html_errors
def post_delete(letter_id: str, token: str) -> Response:
    from chalicelib.pages import deleted_page

    return _html(deleted_page(services().forgetting.forget(letter_id, token)))


# --- the HTML form (works without JavaScript) ------------------------------------------------------

def _form(campaign: Any, **kwargs: Any) -> str:
    from chalicelib.bot_checks import issue_stamp
    from chalicelib.pages import form_page

    s = services()
    return form_page(campaign, s.directory, stamp=issue_stamp(s.signer, campaign.slug, s.clock()), **kwargs)


@app.route("/campaigns/{slug}/form")
@html_errors
def get_form(slug: str) -> Response:
    campaign = services().campaigns.get(slug)
    return _html(_form(campaign, language=_query("lang") or None, partner=_query("partner")[:40]))


@app.route("/campaigns/{slug}/form", methods=["POST"], content_types=["application/x-www-form-urlencoded"])
@html_errors
def post_form(slug: str) -> Response:
    from chalicelib.checks import check_body_size
    from chalicelib.pages import form_fields, result_page, unreachable_page
    from chalicelib.submissions import TargetUnreachable

    s = services()
    campaign = s.campaigns.get(slug)
    raw = app.current_request.raw_body or b""
    check_body_size(raw)
    try:
        fields = form_fields(raw)
    except UnicodeDecodeError:
        raise InvalidField("body", "The form data is not valid UTF-8.") from None
    lang = fields.pop("lang", "") or None
    try:
        receipt = s.front_door.submit(campaign, fields, _visitor())
    except InvalidField as exc:
        page = _form(campaign, language=lang, values=fields, error={"field": exc.field, "message": exc.message},
                     partner=fields.get("partner", ""))
        return _html(page, 400)
    except TargetUnreachable as exc:  # the letter is shown with the other ways to send it: nothing is lost
        return _html(unreachable_page(campaign, lang, exc.message, exc.delivery), exc.status)
    language = lang if lang in campaign.languages else campaign.languages[0]
    return _html(result_page(campaign, language, receipt.status, _receipt_json(receipt)["status_url"]), 202)


# --- housekeeping ----------------------------------------------------------------------------------

@app.schedule(Rate(15, unit=Rate.MINUTES))
def housekeeping(event: Any) -> dict[str, int]:
    """Reminders, expiry of unconfirmed letters, and the scrub of what DynamoDB TTL has not deleted yet."""
    return services().housekeeping.run()


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
@html_errors
def dev_outbox() -> Response:
    from chalicelib.outbox import sent_messages
    from chalicelib.pages import outbox_page

    _local_only()
    return _html(outbox_page(sent_messages()))
