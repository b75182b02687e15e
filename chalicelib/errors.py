"""Domain errors. Each carries the HTTP status it maps to; app.py turns them into responses in one place."""

from __future__ import annotations


class DemarcheError(Exception):
    """Base class: a problem the caller can act on, with a plain message."""

    status = 400
    code = "bad_request"
    headers: dict[str, str] = {}
    link: str | None = None  # a path the response points to
    detail: str = ""  # a message catalogue key that says more than the status's, for pages (web/pages.py)

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_json(self) -> dict:
        return {"error": {"code": self.code, "message": self.message}}


class InvalidField(DemarcheError):
    """One field of a request is wrong; the message says how to fix it."""

    code = "invalid_field"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field

    def to_json(self) -> dict:
        return {"error": {"code": self.code, "field": self.field, "message": self.message}}


class TooQuick(InvalidField):
    """A form sent within seconds of loading: a person (autofill, a fast typist) is asked to wait and send again."""

    code = "too_quick"

    def __init__(self, field: str, message: str, *, stamp: str) -> None:
        super().__init__(field, message)
        self.stamp = stamp  # the form's own stamp: old enough once they have waited, so sending again works


class NotFound(DemarcheError):
    status = 404
    code = "not_found"


class OriginNotAllowed(DemarcheError):
    """A browser asked (CORS preflight) to call a campaign's API from a site the campaign does not list."""

    status = 403
    code = "origin_not_allowed"


class CampaignNotOpen(DemarcheError):
    """The campaign exists but does not accept letters now (not yet open: 409, closed: 410)."""

    code = "campaign_not_open"

    def __init__(self, message: str, *, closed: bool) -> None:
        super().__init__(message)
        self.status = 410 if closed else 409


class WrongKind(DemarcheError):
    """The request is for another kind of campaign (a letter to a sign-on campaign, a signature to a letter one)."""

    status = 409
    code = "wrong_campaign_kind"


class StateConflict(DemarcheError):
    """The thing asked about is not in a state that allows this (not confirmed yet, changed by someone else)."""

    status = 409
    code = "state_conflict"


class CountNotConfirmed(StateConflict):
    """A send to more than a few targets needs the caller to say how many, so nobody writes to 193 by mistake."""

    code = "confirm_count"

    def __init__(self, message: str, *, count: int) -> None:
        super().__init__(message)
        self.count = count

    def to_json(self) -> dict:
        return {"error": {"code": self.code, "count": self.count, "message": self.message}}


class UnsupportedMediaType(DemarcheError):
    status = 415
    code = "unsupported_media_type"


class PayloadTooLarge(DemarcheError):
    status = 413
    code = "payload_too_large"


class TooManyLetters(DemarcheError):
    """A rate limit is reached; `Retry-After` says when the window ends."""

    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, retry_after)
        self.headers = {"Retry-After": str(self.retry_after)}


class RequestInProgress(DemarcheError):
    """The first request with this Idempotency-Key has not finished yet."""

    status = 409
    code = "request_in_progress"
    headers = {"Retry-After": "1"}


class IdempotencyKeyReused(DemarcheError):
    status = 422
    code = "idempotency_key_reused"


class FormAlreadySent(InvalidField):
    """This form's token already sent a submission: one page load sends one letter (or signature)."""

    status = 409
    code = "form_already_sent"

    def __init__(self) -> None:
        super().__init__(
            "form_token",
            "This form has already been sent. To send another, reload the page (or get a new form_token).",
        )


class LinkUnknown(DemarcheError):
    """A confirmation or deletion link that was never issued (mistyped, truncated or tampered with)."""

    status = 404
    code = "link_unknown"


class LinkGone(DemarcheError):
    """A link that was valid once: already used, or expired."""

    status = 410
    code = "link_gone"


class ServiceUnavailable(DemarcheError):
    """A service we depend on failed; nothing was kept, the same request may be sent again."""

    status = 503
    code = "try_again"


class CampaignNotReady(DemarcheError):
    """The linter found letters that break for some language or country; nothing was published."""

    status = 422
    code = "campaign_not_ready"

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"The letter does not render everywhere ({len(problems)} problems); nothing was published.")
        self.problems = problems

    def to_json(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "problems": self.problems[:50]}}


class CampaignFileError(Exception):
    """A campaign file on disk is broken; raised at load with the file and field named."""

    def __init__(self, path: str, field: str, message: str) -> None:
        super().__init__(f"{path}: {field}: {message}")
        self.path = path
        self.field = field


class Unauthenticated(DemarcheError):
    """No organiser token, or one that is unknown, revoked or expired."""

    status = 401
    code = "unauthenticated"


class Forbidden(DemarcheError):
    """A valid organiser token that does not cover this campaign."""

    status = 403
    code = "forbidden"
