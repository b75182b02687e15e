"""Taking a supporter's letter: check it, log it, queue it. Nothing is stored or queued on any error."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass, replace
from typing import Any, Callable

from .campaigns import Campaign
from .checks import check_submission
from .directory import Directory, Target
from .errors import DemarcheError
from .letter_log import Letter, LetterLog, iso
from .letter_queue import LetterQueue
from .letter_states import RETENTION, Status
from .letters import Supporter, compose, resolve_target


class TargetUnreachable(DemarcheError):
    """The target has no known email address: we never guess one."""

    status = 422
    code = "target_unreachable"


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


def sandbox_address(target: Target, country: str) -> str:
    """A placeholder on the reserved .invalid domain (RFC 2606): can never reach anyone."""
    return f"{target.target_set}.{country.lower()}@sandbox.invalid"


def submit(campaign: Campaign, payload: Any, *, directory: Directory, letters: LetterLog, queue: LetterQueue,
           clock: Callable[[], dt.datetime], sandbox_recipients: bool = False) -> Receipt:
    now = clock()
    campaign.check_open(now.date())
    sub = check_submission(payload, campaign, directory)
    target = resolve_target(campaign, sub.country, directory)
    if not target.email and sandbox_recipients:
        target = replace(target, email=sandbox_address(target, sub.country.alpha2))
    if not target.email:
        raise TargetUnreachable(f"{target.name} has no known email address; use the website or your own email.")
    composed = compose(campaign, sub.country, target,
                       Supporter(name=sub.name, email=sub.email, city=sub.city, message=sub.message), sub.language)
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
