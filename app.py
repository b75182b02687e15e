"""Démarche's HTTP routes and event handlers. Each parses the request, calls chalicelib, and answers."""
from __future__ import annotations

import functools
import json
from itertools import chain
from typing import TYPE_CHECKING, Any, Callable

from chalice import AuthResponse, Chalice, Rate, Response

from chalicelib.errors import DemarcheError, InvalidField, NotFound, OriginNotAllowed, Unauthenticated
from chalicelib.services import services, use_services

if TYPE_CHECKING:  # pragma: no cover
    from chalicelib.campaigns.catalogue import Campaign
    from chalicelib.web.i18n import Messages

__all__ = ["app", "services", "use_services"]  # tests swap the services through this module

app = Chalice(app_name="demarche")
FORM_OR_EMPTY = ["application/x-www-form-urlencoded", "application/json", "text/plain"]

def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(body=json.dumps(body, ensure_ascii=False), status_code=status,
                    headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})})


def _html(body: str, status: int = 200, headers: dict[str, str] | None = None, *,
          framed_by: str = "'none'") -> Response:
    from chalicelib.web.pages import page_headers

    return Response(body=body, status_code=status, headers={**page_headers(framed_by), **(headers or {})})


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
        from chalicelib.web.pages import error_page

        try:
            return view(*args, **kwargs)
        except DemarcheError as exc:
            link = _base_url() + exc.link if exc.link else ""
            return _html(error_page(exc, link), exc.status, exc.headers, framed_by=_framing(kwargs.get("slug")))

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


def _params() -> dict[str, str]:
    return dict(app.current_request.query_params or {})


def _today():
    return services().clock().date()


# --- partners' own pages calling the JSON API (CORS) -----------------------------------------------------

def _allowed_origins(slug: str | None) -> frozenset[str]:
    """The campaign's `allowed_origins` (every campaign's for the list; none for an unknown campaign)."""
    s = services()
    if slug is None:
        campaigns = s.campaigns.all()
    else:
        try:
            campaigns = [s.campaigns.get(slug)]
        except NotFound:
            campaigns = []
    return frozenset(chain(s.settings.extra_origins, *(c.allowed_origins for c in campaigns)))


def _origin() -> str | None:
    return app.current_request.headers.get("origin")


def partner_cors(view: Callable[..., Response]) -> Callable[..., Response]:
    """Add the CORS headers for the campaign in the path to every answer of `view`, errors included."""
    from chalicelib.web.cors import cors_headers

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        response = view(*args, **kwargs)
        response.headers.update(cors_headers(_origin(), _allowed_origins(kwargs.get("slug"))))
        return response

    return wrapper


@app.route("/campaigns", methods=["OPTIONS"])
@app.route("/campaigns/{slug}", methods=["OPTIONS"])
@app.route("/campaigns/{slug}/targets/{country}", methods=["OPTIONS"])
@app.route("/campaigns/{slug}/letters", methods=["OPTIONS"])
@app.route("/campaigns/{slug}/signatures", methods=["OPTIONS"])
@partner_cors
@json_errors
def preflight(slug: str | None = None, **_path: str) -> Response:
    """A browser asks whether a partner's page may call us: yes (204) for an allow-listed origin, else 403."""
    from chalicelib.web.cors import cors_headers, is_allowed

    origin, allowed = _origin(), _allowed_origins(slug)
    if not is_allowed(origin, allowed):
        raise OriginNotAllowed(f"The origin {origin!r} may not call this API from a browser: the campaign's "
                               "organisers can add it to allowed_origins in campaign.toml." if origin else
                               "A preflight request needs an Origin header.")
    return Response(body="", status_code=204, headers=cors_headers(origin, allowed, preflight=True))


# --- files: the embed snippet, the form's script, the API's description ---------------------------------

@app.route("/embed.js")
def embed_js() -> Response:
    from chalicelib.web.static_files import script, script_headers

    return Response(body=script("embed.js"), headers=script_headers())


@app.route("/form.js")
def form_js() -> Response:
    from chalicelib.web.static_files import script, script_headers

    return Response(body=script("form.js"), headers=script_headers())


@app.route("/openapi.json")
def openapi_json() -> Response:
    from chalicelib.web.api_views import openapi_document

    return _json(openapi_document(_base_url()))


# --- campaigns and targets -------------------------------------------------------------------------

@app.route("/campaigns")
@partner_cors
@json_errors
def list_campaigns() -> Response:
    from chalicelib.web.api_views import campaign_summary

    today = _today()
    return _json({"campaigns": [campaign_summary(c, today) for c in services().campaigns.all()]})


@app.route("/campaigns/{slug}")
@partner_cors
@json_errors
def get_campaign(slug: str) -> Response:
    from chalicelib.web.api_views import campaign_detail

    s = services()
    return _json(campaign_detail(s.campaigns.get(slug), s.directory, _today()))


@app.route("/campaigns/{slug}/targets/{country}")
@partner_cors
@json_errors
def get_target(slug: str, country: str) -> Response:
    from chalicelib.web.api_views import preview

    s = services()
    campaign = s.campaigns.get(slug)
    return _json(preview(campaign, s.directory.country(country), s.directory, language=_query("language") or None,
                         name=_query("name")[:100], city=_query("city")[:100], message=_query("message")[:2000],
                         is_failing=s.health.is_failing, sandbox=s.settings.sandbox_recipients))


# --- letters ---------------------------------------------------------------------------------------

def _visitor():
    from chalicelib.front_door.door import Visitor

    identity = (app.current_request.context or {}).get("identity") or {}
    return Visitor(ip=identity.get("sourceIp") or "", links_base=_base_url())


def _receipt_json(receipt: Any) -> dict[str, str]:
    from chalicelib.letters.supporter_mail import link_paths

    status_url = _base_url() + link_paths(services().signer, receipt.letter_id).status
    return {"letter_id": receipt.letter_id, "status": receipt.status, "status_url": status_url}


@app.route("/campaigns/{slug}/form-token")
@partner_cors
@json_errors
def get_form_token(slug: str) -> Response:
    from chalicelib.front_door.bot_traps import issue_stamp

    s = services()
    campaign = s.campaigns.get(slug)
    now = s.clock()
    bots = campaign.policies.bots
    return _json({"form_token": issue_stamp(s.signer, slug, now),
                  "usable_after_seconds": int(bots.min_fill.total_seconds()),
                  "usable_for_seconds": int(bots.max_age.total_seconds())}, headers={"Cache-Control": "no-store"})


@app.route("/campaigns/{slug}/challenge")
@partner_cors
@json_errors
def get_challenge(slug: str) -> Response:
    from chalicelib.front_door.proof_of_work import new_challenge

    s = services()
    campaign = s.campaigns.get(slug)
    if not campaign.policies.bots.proof_of_work:
        raise NotFound("This campaign does not use a proof-of-work check.")
    return _json(new_challenge(s.signer, slug, campaign.policies.bots, s.clock()), headers={"Cache-Control": "no-store"})


@app.route("/campaigns/{slug}/letters", methods=["POST"], content_types=["application/json"])
@partner_cors
@json_errors
def post_letter(slug: str) -> Response:
    from chalicelib.front_door.fields import parse_json_body

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
    from chalicelib.web.api_views import letter_status_view
    from chalicelib.front_door.door import letter_status

    from chalicelib.web.cors import cors_headers

    letter = letter_status(services().letters, letter_id, token)
    if letter is None:
        raise NotFound("No letter matches this link.")
    return _json(letter_status_view(letter), headers=cors_headers(_origin(), _allowed_origins(letter.campaign)))


# --- links in the confirmation email: GET shows a button, POST acts (mail scanners only GET) --------

@app.route("/letters/{letter_id}/confirm/{token}")
@html_errors
def get_confirm(letter_id: str, token: str) -> Response:
    from chalicelib.web.pages import confirm_page

    return _html(confirm_page(services().confirmations.look(letter_id, token)))


@app.route("/letters/{letter_id}/confirm/{token}", methods=["POST"], content_types=FORM_OR_EMPTY)
@html_errors
def post_confirm(letter_id: str, token: str) -> Response:
    from chalicelib.letters.supporter_mail import link_paths
    from chalicelib.web.pages import confirmed_page

    letter = services().confirmations.confirm(letter_id, token)
    return _html(confirmed_page(letter, _base_url() + link_paths(services().signer, letter_id).status))


@app.route("/letters/{letter_id}/delete/{token}")
@html_errors
def get_delete(letter_id: str, token: str) -> Response:
    from chalicelib.web.pages import delete_page

    return _html(delete_page(services().forgetting.look(letter_id, token)))


@app.route("/letters/{letter_id}/delete/{token}", methods=["POST"], content_types=FORM_OR_EMPTY)
@html_errors
def post_delete(letter_id: str, token: str) -> Response:
    from chalicelib.web.pages import deleted_page

    return _html(deleted_page(services().forgetting.forget(letter_id, token)))


# --- the HTML form (works without JavaScript; framed on partners' sites) -----------------------------

def _page_messages(requested: str | None, campaign: "Campaign | None") -> "Messages":
    """The page's words: `requested` (?lang= or the form's field), else Accept-Language, else the campaign's."""
    from chalicelib.web.i18n import Messages, negotiate

    default = campaign.languages[0] if campaign else "en"
    return Messages(negotiate(requested, app.current_request.headers.get("accept-language"), default))


def _framing(slug: str | None) -> str:
    """Form pages may be framed (by any site, or by the campaign's embed_origins); no other page may."""
    from chalicelib.web.pages import frame_ancestors

    if slug is None:
        return "'none'"
    try:
        return frame_ancestors(services().campaigns.get(slug))
    except NotFound:
        return frame_ancestors(None)  # an embed with a mistyped slug still shows why, inside the frame


def _form(campaign: Any, t: "Messages", **kwargs: Any) -> str:
    from chalicelib.front_door.bot_traps import issue_stamp
    from chalicelib.web.pages import form_page

    s = services()
    return form_page(campaign, s.directory, t, today=_today(), stamp=issue_stamp(s.signer, campaign.slug, s.clock()),
                     **kwargs)


@app.route("/campaigns/{slug}/form")
@html_errors
def get_form(slug: str) -> Response:
    campaign = services().campaigns.get(slug)
    if campaign.is_sign_on:
        return _html(_sign_on_form(campaign, embed=_query("embed") == "1"), framed_by=_framing(slug))
    page = _form(campaign, _page_messages(_query("lang") or None, campaign), partner=_query("partner"),
                 embed=_query("embed") == "1")
    return _html(page, framed_by=_framing(slug))


@app.route("/campaigns/{slug}/form", methods=["POST"], content_types=["application/x-www-form-urlencoded"])
@html_errors
def post_form(slug: str) -> Response:
    from chalicelib.front_door.fields import check_body_size
    from chalicelib.web.pages import error_message, form_fields, page_fields, result_page, unreachable_page
    from chalicelib.front_door.door import TargetUnreachable

    s = services()
    campaign = s.campaigns.get(slug)
    raw = app.current_request.raw_body or b""
    check_body_size(raw)
    try:
        fields = form_fields(raw)
    except UnicodeDecodeError:
        raise InvalidField("body", "The form data is not valid UTF-8.") from None
    lang, embed = page_fields(fields)
    if campaign.is_sign_on:
        return _post_sign_on_form(campaign, fields, embed)
    t = _page_messages(lang, campaign)
    try:
        receipt = s.front_door.submit(campaign, fields, _visitor())
    except InvalidField as exc:
        error = {"field": exc.field, "message": error_message(t, exc.field, exc.message)}
        return _html(_form(campaign, t, values=fields, error=error, embed=embed), 400, framed_by=_framing(slug))
    except TargetUnreachable as exc:  # the letter is shown with the other ways to send it: nothing is lost
        page = unreachable_page(campaign, t, exc.message, exc.delivery, embed=embed)
        return _html(page, exc.status, framed_by=_framing(slug))
    status_url = _receipt_json(receipt)["status_url"]
    return _html(result_page(campaign, t, receipt.status, status_url, embed=embed), 202, framed_by=_framing(slug))


# --- sign-on letters: organisations sign, confirm, and the public list -------------------------------

def _sign_on_form(campaign: "Campaign", **kwargs: Any) -> str:
    from chalicelib.front_door.bot_traps import issue_stamp
    from chalicelib.web.sign_on_pages import sign_on_form_page

    s = services()
    return sign_on_form_page(campaign, s.directory, s.signatures.public(campaign.slug), today=_today(),
                             stamp=issue_stamp(s.signer, campaign.slug, s.clock()), **kwargs)


def _post_sign_on_form(campaign: "Campaign", fields: dict[str, str], embed: bool) -> Response:
    from chalicelib.web.pages import signed_page

    try:
        services().signatures.sign(campaign, fields, _visitor().ip, _base_url())
    except InvalidField as exc:
        page = _sign_on_form(campaign, values=fields, error={"field": exc.field, "message": exc.message}, embed=embed)
        return _html(page, 400, framed_by=_framing(campaign.slug))
    return _html(signed_page(campaign, fields.get("organisation", ""), embed=embed), 202,
                 framed_by=_framing(campaign.slug))


@app.route("/campaigns/{slug}/signatures", methods=["POST"], content_types=["application/json"])
@partner_cors
@json_errors
def post_signature(slug: str) -> Response:
    from chalicelib.front_door.fields import parse_json_body

    s = services()
    payload = parse_json_body(app.current_request.raw_body or b"")
    return _json(s.signatures.sign(s.campaigns.get(slug), payload, _visitor().ip, _base_url()), 202)


@app.route("/campaigns/{slug}/signatures/{signatory_id}/confirm/{token}")
@html_errors
def get_signature_confirm(slug: str, signatory_id: str, token: str) -> Response:
    from chalicelib.web.pages import signature_confirm_page

    s = services()
    return _html(signature_confirm_page(s.signatures.look(s.campaigns.get(slug), signatory_id, token)))


@app.route("/campaigns/{slug}/signatures/{signatory_id}/confirm/{token}", methods=["POST"],
           content_types=FORM_OR_EMPTY)
@html_errors
def post_signature_confirm(slug: str, signatory_id: str, token: str) -> Response:
    from chalicelib.web.pages import signature_confirmed_page

    s = services()
    return _html(signature_confirmed_page(s.signatures.confirm(s.campaigns.get(slug), signatory_id, token)))


@app.route("/campaigns/{slug}/signatures/{signatory_id}/withdraw/{token}")
@html_errors
def get_signature_withdraw(slug: str, signatory_id: str, token: str) -> Response:
    from chalicelib.web.pages import withdraw_page
    from chalicelib.outcomes.signatures import WITHDRAW

    s = services()
    return _html(withdraw_page(s.signatures.look(s.campaigns.get(slug), signatory_id, token, WITHDRAW)))


@app.route("/campaigns/{slug}/signatures/{signatory_id}/withdraw/{token}", methods=["POST"],
           content_types=FORM_OR_EMPTY)
@html_errors
def post_signature_withdraw(slug: str, signatory_id: str, token: str) -> Response:
    from chalicelib.web.pages import withdrawn_page

    s = services()
    return _html(withdrawn_page(s.signatures.withdraw(s.campaigns.get(slug), signatory_id, token)))


@app.route("/campaigns/{slug}/signatories")
@partner_cors
@json_errors
def get_signatories(slug: str) -> Response:
    s = services()
    campaign = s.campaigns.get(slug)
    return _json({"campaign": campaign.slug, "signatories": s.signatures.public(campaign.slug)},
                 headers={"Cache-Control": "public, max-age=60"})


@app.route("/campaigns/{slug}/signatories/embed")
@html_errors
def get_signatories_page(slug: str) -> Response:
    from chalicelib.web.sign_on_pages import signatories_page

    s = services()
    campaign = s.campaigns.get(slug)
    page = signatories_page(campaign, s.signatures.public(campaign.slug), embed=_query("embed") == "1")
    return _html(page, framed_by=_framing(slug))


# --- "did they reply?": the emailed links show buttons; only the buttons POST -------------------------

def _stop_link(letter_id: str) -> str:
    from chalicelib.feedback.follow_ups import links

    return _base_url() + links(services().signer, letter_id)["stop"]


@app.route("/follow-ups/{letter_id}/{token}")
@html_errors
def get_follow_up(letter_id: str, token: str) -> Response:
    from chalicelib.web.pages import follow_up_page

    item = services().follow_ups.look(letter_id, token)
    return _html(follow_up_page(item, _query("answer"), _stop_link(letter_id)))


@app.route("/follow-ups/{letter_id}/{token}", methods=["POST"], content_types=["application/x-www-form-urlencoded"])
@html_errors
def post_follow_up(letter_id: str, token: str) -> Response:
    from chalicelib.web.pages import answered_page, form_fields

    try:
        fields = form_fields(app.current_request.raw_body or b"")
    except UnicodeDecodeError:
        raise InvalidField("body", "The form data is not valid UTF-8.") from None
    answer = fields.get("answer", "")
    services().follow_ups.answer(letter_id, token, answer, fields.get("reply", ""))
    return _html(answered_page(answer, _stop_link(letter_id)))


@app.route("/follow-ups/{letter_id}/{token}/stop")
@html_errors
def get_follow_up_stop(letter_id: str, token: str) -> Response:
    from chalicelib.feedback.follow_ups import STOP
    from chalicelib.web.pages import stop_page

    services().follow_ups.look(letter_id, token, STOP)
    return _html(stop_page())


@app.route("/follow-ups/{letter_id}/{token}/stop", methods=["POST"], content_types=FORM_OR_EMPTY)
@html_errors
def post_follow_up_stop(letter_id: str, token: str) -> Response:
    from chalicelib.web.pages import stopped_page

    services().follow_ups.stop(letter_id, token)
    return _html(stopped_page())


# --- housekeeping ----------------------------------------------------------------------------------

@app.schedule(Rate(15, unit=Rate.MINUTES))
def housekeeping(event: Any) -> dict[str, int]:
    """Reminders, expiry, digests and sign-on sends at their time, "did they reply?" questions, and the scrub."""
    return services().housekeeping.run()


# --- the sender ------------------------------------------------------------------------------------

def _records(event: Any) -> list:
    from chalicelib.delivery.worker import QueueRecord

    return [QueueRecord(message_id=r.to_dict()["messageId"], body=r.body) for r in event]


def _time_left(event: Any) -> Callable[[], int] | None:
    context = getattr(event, "context", None)
    return getattr(context, "get_remaining_time_in_millis", None)


@app.on_sqs_message(queue="demarche-letters", batch_size=10)
def on_sqs_message(event: Any) -> dict[str, list[dict[str, str]]]:
    """Send each queued letter; report only the failed records back to SQS (partial batch response)."""
    failed = services().deliverer.deliver_batch(_records(event), time_left_ms=_time_left(event))
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}


@app.on_sqs_message(queue="demarche-letters-dlq", batch_size=10)
def on_dead_letter(event: Any) -> dict[str, list[dict[str, str]]]:
    """A letter whose message failed five times: mark it failed, so organisers and the supporter see it."""
    deliverer = services().deliverer
    failed = deliverer.deliver_batch(_records(event), deliverer.give_up)
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}


@app.schedule(Rate(1, unit=Rate.MINUTES))
def release_waiting_letters(event: Any) -> None:
    """Hand letters whose wait is over (pacing, backoff, reconciliation) back to the queue."""
    s = services()
    s.schedule.release_due(s.clock(), s.queue)


@app.on_sns_message(topic="demarche-ses-feedback")
def on_ses_feedback(event: Any) -> None:
    """SES events (delivery, bounce, complaint, delay, reject) update the letters they are about."""
    services().feedback.handle_sns(event.to_dict())


# --- organisers ------------------------------------------------------------------------------------

def _unauthorized() -> Exception:
    """What the authorizer raises for a missing, unknown, revoked or expired token: API Gateway answers 401 when
    an authorizer fails with exactly "Unauthorized"; chalice local (and its test client) need their own error."""
    try:
        from chalice.local import NotAuthorizedError
    except ImportError:  # in Lambda: chalice.local is not packaged
        return Exception("Unauthorized")
    return NotAuthorizedError({"x-amzn-ErrorType": "UnauthorizedException"}, b'{"message":"Unauthorized"}')


@app.authorizer(ttl_seconds=0)  # no caching: a revoked token stops working at once
def organiser_token(auth_request: Any) -> AuthResponse:
    from chalicelib.console.tokens import bearer_token

    try:
        organiser = services().organiser_tokens.verify(bearer_token(auth_request.token))
    except Unauthenticated:
        raise _unauthorized() from None
    scopes = ["*"] if organiser.covers_all else organiser.campaigns
    routes = ["/admin/campaigns"] + [path for slug in scopes
                                     for path in (f"/admin/campaigns/{slug}", f"/admin/campaigns/{slug}/*")]
    return AuthResponse(routes=routes, principal_id=organiser.token_id, context=organiser.context())


def _organiser():
    from chalicelib.console.tokens import Organiser

    context = (app.current_request.context or {}).get("authorizer") or {}
    if "token_id" not in context:
        raise Unauthenticated("An organiser token is required.")
    return Organiser.from_context(context)


def _private(body: Any, status: int = 200) -> Response:
    """JSON holding campaign data: never stored by a browser or a proxy."""
    return _json(body, status, {"Cache-Control": "no-store"})


@app.route("/admin")
def admin_page() -> Response:
    from chalicelib.console.dashboard import dashboard_page

    return _html(dashboard_page(_base_url()))


@app.route("/admin/dashboard.js")
def admin_script() -> Response:
    from chalicelib.web.static_files import script, script_headers

    return Response(body=script("dashboard.js"), headers=script_headers())


@app.route("/admin/campaigns", authorizer=organiser_token)
@json_errors
def admin_campaigns() -> Response:
    return _private(services().console.campaigns(_organiser()))


@app.route("/admin/campaigns/{slug}/letters", authorizer=organiser_token)
@json_errors
def admin_letters(slug: str) -> Response:
    return _private(services().console.letters(_organiser(), slug, _params()))


@app.route("/admin/campaigns/{slug}/stats", authorizer=organiser_token)
@json_errors
def admin_stats(slug: str) -> Response:
    return _private(services().console.stats(_organiser(), slug))


@app.route("/admin/campaigns/{slug}/dashboard", authorizer=organiser_token)
@json_errors
def admin_dashboard(slug: str) -> Response:
    return _private(services().console.dashboard(_organiser(), slug))


@app.route("/admin/campaigns/{slug}/audit", authorizer=organiser_token)
@json_errors
def admin_audit(slug: str) -> Response:
    return _private(services().console.audit(_organiser(), slug))


@app.route("/admin/campaigns/{slug}/exports", methods=["POST"], authorizer=organiser_token)
@json_errors
def admin_request_export(slug: str) -> Response:
    return _private(services().console.request_export(_organiser(), slug, _params()), 202)


@app.route("/admin/campaigns/{slug}/exports/{export_id}", authorizer=organiser_token)
@json_errors
def admin_export_status(slug: str, export_id: str) -> Response:
    return _private(services().console.export_status(_organiser(), slug, export_id))


@app.route("/admin/outcomes.js")
def admin_outcomes_script() -> Response:
    from chalicelib.web.static_files import script, script_headers

    return Response(body=script("outcomes.js"), headers=script_headers())


def _admin_body() -> Any:
    from chalicelib.front_door.fields import parse_json_body

    return parse_json_body(app.current_request.raw_body or b"{}")


@app.route("/admin/campaigns/{slug}/outcomes", authorizer=organiser_token)
@json_errors
def admin_outcomes(slug: str) -> Response:
    return _private(services().outcomes.outcomes(_organiser(), slug))


@app.route("/admin/campaigns/{slug}/signatories", authorizer=organiser_token)
@json_errors
def admin_signatories(slug: str) -> Response:
    return _private(services().outcomes.signatories(_organiser(), slug, _params()))


@app.route("/admin/campaigns/{slug}/signatories/{signatory_id}/{decision}", methods=["POST"],
           authorizer=organiser_token, content_types=FORM_OR_EMPTY)
@json_errors
def admin_decide(slug: str, signatory_id: str, decision: str) -> Response:
    return _private(services().outcomes.decide(_organiser(), slug, signatory_id, decision))


@app.route("/admin/campaigns/{slug}/sends", methods=["POST"], authorizer=organiser_token,
           content_types=["application/json"])
@json_errors
def admin_schedule_send(slug: str) -> Response:
    return _private(services().outcomes.schedule_send(_organiser(), slug, _admin_body()), 201)


@app.route("/admin/campaigns/{slug}/sends/{send_id}/cancel", methods=["POST"], authorizer=organiser_token,
           content_types=FORM_OR_EMPTY)
@json_errors
def admin_cancel_send(slug: str, send_id: str) -> Response:
    return _private(services().outcomes.cancel_send(_organiser(), slug, send_id))


@app.route("/admin/campaigns/{slug}/digests/send-now", methods=["POST"], authorizer=organiser_token,
           content_types=FORM_OR_EMPTY)
@json_errors
def admin_send_digests_now(slug: str) -> Response:
    return _private(services().outcomes.send_digests_now(_organiser(), slug), 202)


@app.on_sqs_message(queue="demarche-letters-exports", batch_size=1)  # infra/template.yaml: ExportsQueue
def on_export_message(event: Any) -> None:
    """Write one export to S3. A crash returns the message to the queue; the job counts its attempts."""
    from chalicelib.console.export_jobs import export_id_of

    for record in event:
        try:
            export_id = export_id_of(record.body)
        except ValueError:
            continue  # not ours: dropping it is all we can do
        services().exports.run(export_id)


# --- local stage only ------------------------------------------------------------------------------

def _local_only() -> None:
    if not services().settings.is_local:
        raise NotFound("Not found.")


@app.route("/dev/outbox.json")
@json_errors
def dev_outbox_json() -> Response:
    from chalicelib.web.outbox import sent_messages

    _local_only()
    return _json(sent_messages())


@app.route("/dev/outbox")
@html_errors
def dev_outbox() -> Response:
    from chalicelib.web.outbox import sent_messages
    from chalicelib.web.pages import outbox_page

    _local_only()
    return _html(outbox_page(sent_messages()))


@app.route("/dev/organiser-token")
@json_errors
def dev_organiser_token() -> Response:
    """The token `make run` created for every campaign, so a browser on this machine can open /admin."""
    _local_only()
    token = services().settings.dev_organiser_token
    if not token:
        raise NotFound("No organiser token was created for this local run (start it with `make run`).")
    return _private({"token": token})
