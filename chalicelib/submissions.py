"""Taking a supporter's letter: check it, log it, queue it. Nothing is stored or queued on any error."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from .campaigns import Campaign
from .checks import check_submission
from .directory import Directory
from .errors import DemarcheError
from .fallbacks import never_failing, plan_route
from .letter_log import Letter, LetterLog, iso
from .letter_queue import LetterQueue
from .letter_states import RETENTION, Status
from .letters import Supporter, compose

if TYPE_CHECKING:  # pragma: no cover
    from .target_health import TargetHealth


class TargetUnreachable(DemarcheError):
    """Nobody can be emailed for this letter (no address we may use, no fallback): we never guess one.

    The error carries the letter and the other ways to send it, so nothing the supporter wrote is lost.
    """

    status = 422
    code = "target_unreachable"

    def __init__(self, message: str, delivery: dict[str, Any]) -> None:
        super().__init__(message)
        self.delivery = delivery

    def to_json(self) -> dict:
        body = super().to_json()
        body["error"].update(self.delivery)
        return body


class QueueUnavailable(DemarcheError):
    status = 503
    code = "try_again"


@dataclass(frozen=True)
class Receipt:
    letter: Letter
    status_token: str

    @property
    def letter_id(self) -> str:
        return self.letter.letter_id

    @property
    def status(self) -> str:
        return self.letter.status


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def submit(campaign: Campaign, payload: Any, *, directory: Directory, letters: LetterLog, queue: LetterQueue,
           clock: Callable[[], dt.datetime], sandbox_recipients: bool = False,
           health: TargetHealth | None = None) -> Receipt:
    now = clock()
    campaign.check_open(now.date())
    sub = check_submission(payload, campaign, directory)
    # Sending is decided on the target's current health (one consistent read), not the page views' snapshot.
    is_failing = (lambda s, c: health.failing(s, c) is not None) if health is not None else never_failing
    route = plan_route(campaign, sub.country, directory, is_failing=is_failing, sandbox=sandbox_recipients)
    supporter = Supporter(name=sub.name, email=sub.email, city=sub.city, message=sub.message)
    target = route.send_to
    if target is None:
        from .public_api import delivery_view

        reason = "is not accepting email just now" if route.target_failing else "has no email address we can use"
        raise TargetUnreachable(f"{route.target.name} {reason}, so we did not send your letter. It is ready for "
                                "you to send another way.", delivery_view(route, campaign, supporter, sub.language))
    composed = compose(campaign, sub.country, target, supporter, sub.language)
    token = secrets.token_urlsafe(24)
    letter = Letter(
        letter_id=str(uuid.uuid4()),
        campaign=campaign.slug,
        country=sub.country.alpha2,
        target_set=target.target_set,
        target_name=target.name,
        target_email=target.email,
        language=composed.language,
        subject=composed.subject,
        body=composed.body,
        supporter_name=sub.name,
        supporter_email=sub.email,
        status=Status.QUEUED.value,
        created_at=iso(now),
        updated_at=iso(now),
        status_token_hash=token_hash(token),
        expires_at=int((now + RETENTION).timestamp()),
        partner=sub.partner or "",
    )
    letters.create(letter)
    try:
        queue.enqueue(letter.letter_id)
    except Exception as exc:  # the letter must not stay logged as queued when it never reached the queue
        letters.forget_unsent(letter.letter_id)
        raise QueueUnavailable("We could not queue your letter just now; nothing was sent. Please try again.") \
            from exc
    return Receipt(letter=letter, status_token=token)


def letter_status(letters: LetterLog, letter_id: str, token: str) -> Letter | None:
    """The letter if `token` is its status token (constant-time compare), else None."""
    letter = letters.get(letter_id)
    if letter is None or not secrets.compare_digest(letter.status_token_hash, token_hash(token)):
        return None
    return letter
