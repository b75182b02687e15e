"""The organisers' console: its page and scripts, the JSON behind them, and the authorizer that checks their token."""

from __future__ import annotations

from typing import Any

from chalice import AuthResponse, Blueprint, Response

from chalicelib.errors import Unauthenticated
from chalicelib.http.request import FORM_OR_EMPTY, base_url, query_param, query_params, visitor
from chalicelib.http.responses import as_html, json_errors, private
from chalicelib.services import services

blueprint = Blueprint(__name__)


def _unauthorized() -> Exception:
    """What the authorizer raises for a missing, unknown, revoked or expired token: API Gateway answers 401 when
    an authorizer fails with exactly "Unauthorized"; chalice local (and its test client) need their own error."""
    try:
        from chalice.local import NotAuthorizedError
    except ImportError:  # in Lambda: chalice.local is not packaged
        return Exception("Unauthorized")
    return NotAuthorizedError({"x-amzn-ErrorType": "UnauthorizedException"}, b'{"message":"Unauthorized"}')


@blueprint.authorizer(ttl_seconds=0)  # no caching: a revoked token stops working at once
def organiser_token(auth_request: Any) -> AuthResponse:
    from chalicelib.console.tokens import bearer_token

    try:
        organiser = services().organiser(bearer_token(auth_request.token))
    except Unauthenticated:
        raise _unauthorized() from None
    scopes = ["*"] if organiser.covers_all else organiser.campaigns
    routes = ["/admin/campaigns"] + [
        path for slug in scopes for path in (f"/admin/campaigns/{slug}", f"/admin/campaigns/{slug}/*")
    ]
    return AuthResponse(routes=routes, principal_id=organiser.token_id, context=organiser.context())


def _organiser():
    from chalicelib.console.tokens import Organiser

    context = (blueprint.current_request.context or {}).get("authorizer") or {}
    if "token_id" not in context:
        raise Unauthenticated("An organiser token is required.")
    return Organiser.from_context(context)


@blueprint.route("/admin")
def admin_page() -> Response:
    from chalicelib.web.dashboard import dashboard_page

    return as_html(dashboard_page(base_url()))


@blueprint.route("/admin/sign-in", methods=["POST"], content_types=["application/json"])
@json_errors
def admin_sign_in() -> Response:
    """Email a one-time sign-in link; the same answer for any address (202)."""
    body = _admin_body()
    email = body.get("email", "") if isinstance(body, dict) else ""
    return private(services().sign_in.request(str(email), visitor().ip, base_url()), 202)


@blueprint.route("/admin/sessions", methods=["POST"], content_types=["application/json"])
@json_errors
def admin_start_session() -> Response:
    """Exchange an emailed link for a session token (once)."""
    body = _admin_body()
    link = body.get("link", "") if isinstance(body, dict) else ""
    return private(services().sign_in.redeem(str(link)), 201)


@blueprint.route("/admin/sign-out", methods=["POST"], content_types=FORM_OR_EMPTY)
@json_errors
def admin_sign_out() -> Response:
    from chalicelib.console.tokens import bearer_token

    services().sessions.end(bearer_token(blueprint.current_request.headers.get("authorization")))
    return private({"signed_out": True})


@blueprint.route("/admin/dashboard.js")
def admin_script() -> Response:
    from chalicelib.web.static_files import script, script_headers

    return Response(body=script("dashboard.js"), headers=script_headers())


@blueprint.route("/admin/campaigns", authorizer=organiser_token)
@json_errors
def admin_campaigns() -> Response:
    return private(services().console.campaigns(_organiser()))


@blueprint.route("/admin/campaigns/{slug}/letters", authorizer=organiser_token)
@json_errors
def admin_letters(slug: str) -> Response:
    return private(services().console.letters(_organiser(), slug, query_params()))


@blueprint.route("/admin/campaigns/{slug}/letters/{letter_id}", authorizer=organiser_token)
@json_errors
def admin_letter(slug: str, letter_id: str) -> Response:
    return private(services().console.letter(_organiser(), slug, letter_id, query_params()))


@blueprint.route("/admin/campaigns/{slug}/partners/{partner}/link", authorizer=organiser_token)
@json_errors
def admin_partner_link(slug: str, partner: str) -> Response:
    return private(services().partner_results.link(_organiser(), slug, partner, base_url()))


@blueprint.route("/admin/campaigns/{slug}/stats", authorizer=organiser_token)
@json_errors
def admin_stats(slug: str) -> Response:
    return private(services().console.stats(_organiser(), slug))


@blueprint.route("/admin/campaigns/{slug}/dashboard", authorizer=organiser_token)
@json_errors
def admin_dashboard(slug: str) -> Response:
    return private(services().console.dashboard(_organiser(), slug))


@blueprint.route("/admin/campaigns/{slug}/audit", authorizer=organiser_token)
@json_errors
def admin_audit(slug: str) -> Response:
    return private(services().console.audit(_organiser(), slug))


@blueprint.route("/admin/campaigns/{slug}/exports", methods=["POST"], authorizer=organiser_token)
@json_errors
def admin_request_export(slug: str) -> Response:
    return private(services().console.request_export(_organiser(), slug, query_params()), 202)


@blueprint.route("/admin/campaigns/{slug}/exports/{export_id}", authorizer=organiser_token)
@json_errors
def admin_export_status(slug: str, export_id: str) -> Response:
    return private(services().console.export_status(_organiser(), slug, export_id))


@blueprint.route("/admin/outcomes.js")
def admin_outcomes_script() -> Response:
    from chalicelib.web.static_files import script, script_headers

    return Response(body=script("outcomes.js"), headers=script_headers())


@blueprint.route("/admin/letter_log.js")
def admin_letter_log_script() -> Response:
    from chalicelib.web.static_files import script, script_headers

    return Response(body=script("letter_log.js"), headers=script_headers())


@blueprint.route("/admin/addresses.js")
def admin_addresses_script() -> Response:
    from chalicelib.web.static_files import script, script_headers

    return Response(body=script("addresses.js"), headers=script_headers())


def _admin_body() -> Any:
    from chalicelib.front_door.fields import parse_json_body

    return parse_json_body(blueprint.current_request.raw_body or b"{}")


@blueprint.route("/admin/campaigns/{slug}/outcomes", authorizer=organiser_token)
@json_errors
def admin_outcomes(slug: str) -> Response:
    return private(services().outcomes.outcomes(_organiser(), slug))


@blueprint.route("/admin/campaigns/{slug}/signatories", authorizer=organiser_token)
@json_errors
def admin_signatories(slug: str) -> Response:
    return private(services().outcomes.signatories(_organiser(), slug, query_params()))


@blueprint.route(
    "/admin/campaigns/{slug}/signatories/{signatory_id}/{decision}",
    methods=["POST"],
    authorizer=organiser_token,
    content_types=FORM_OR_EMPTY,
)
@json_errors
def admin_decide(slug: str, signatory_id: str, decision: str) -> Response:
    return private(services().outcomes.decide(_organiser(), slug, signatory_id, decision))


@blueprint.route(
    "/admin/campaigns/{slug}/sends", methods=["POST"], authorizer=organiser_token, content_types=["application/json"]
)
@json_errors
def admin_schedule_send(slug: str) -> Response:
    return private(services().outcomes.schedule_send(_organiser(), slug, _admin_body()), 201)


@blueprint.route(
    "/admin/campaigns/{slug}/sends/{send_id}/cancel",
    methods=["POST"],
    authorizer=organiser_token,
    content_types=FORM_OR_EMPTY,
)
@json_errors
def admin_cancel_send(slug: str, send_id: str) -> Response:
    return private(services().outcomes.cancel_send(_organiser(), slug, send_id))


@blueprint.route("/admin/campaigns/{slug}/signed-letter", authorizer=organiser_token)
@json_errors
def admin_signed_letter(slug: str) -> Response:
    """The signed letter as a print-ready page (?lang=fr), published or not."""
    from chalicelib.web.sign_on_pages import signed_letter_page

    document = services().outcomes.signed_letter(_organiser(), slug, query_param("lang"))
    return as_html(signed_letter_page(document), headers={"Cache-Control": "no-store"})


@blueprint.route(
    "/admin/campaigns/{slug}/signed-letter/publish",
    methods=["POST"],
    authorizer=organiser_token,
    content_types=["application/json"],
)
@json_errors
def admin_publish_letter(slug: str) -> Response:
    return private(services().outcomes.publish_letter(_organiser(), slug, _admin_body()))


@blueprint.route(
    "/admin/campaigns/{slug}/hand-deliveries",
    methods=["POST"],
    authorizer=organiser_token,
    content_types=["application/json"],
)
@json_errors
def admin_record_hand_delivery(slug: str) -> Response:
    return private(services().outcomes.record_hand_delivery(_organiser(), slug, _admin_body()), 201)


@blueprint.route(
    "/admin/campaigns/{slug}/digests/send-now",
    methods=["POST"],
    authorizer=organiser_token,
    content_types=FORM_OR_EMPTY,
)
@json_errors
def admin_send_digests_now(slug: str) -> Response:
    return private(services().outcomes.send_digests_now(_organiser(), slug), 202)


@blueprint.route("/admin/campaigns/{slug}/targets", authorizer=organiser_token)
@json_errors
def admin_targets(slug: str) -> Response:
    return private(services().directory_console.targets(_organiser(), slug))


@blueprint.route(
    "/admin/campaigns/{slug}/targets/{target_set}/{country}",
    methods=["GET", "PUT", "DELETE"],
    authorizer=organiser_token,
    content_types=FORM_OR_EMPTY,
)
@json_errors
def admin_target(slug: str, target_set: str, country: str) -> Response:
    """One target: its address and the history of corrections (GET), a correction (PUT), or none (DELETE)."""
    console, method = services().directory_console, blueprint.current_request.method
    if method == "PUT":
        return private(console.correct(_organiser(), slug, target_set, country, _admin_body()))
    if method == "DELETE":
        return private(console.clear(_organiser(), slug, target_set, country, query_params().get("note", "")))
    return private(console.history(_organiser(), slug, target_set, country))
