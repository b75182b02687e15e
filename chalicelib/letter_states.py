"""The letter's life, in one place: its states, the moves allowed between them, and their time limits.

pending_confirmation -> queued -> sending -> sent -> delivered | bounced | complained
Any state before `sent` may end in `failed` (a permanent error) or `expired` (nobody confirmed,
or personal data reached its retention date). `sending -> queued` is the only way back: a
throttled send that SES did not accept is queued again, never resent blindly; and `queued ->
pending_confirmation` undoes a confirmation whose queue message could not be sent, so the same
confirmation link works when the supporter tries again.
"""
from __future__ import annotations

import datetime as dt
from enum import Enum


class Status(str, Enum):
    PENDING_CONFIRMATION = "pending_confirmation"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    BOUNCED = "bounced"
    COMPLAINED = "complained"
    FAILED = "failed"
    EXPIRED = "expired"


S = Status
ALLOWED: dict[Status, frozenset[Status]] = {
    S.PENDING_CONFIRMATION: frozenset({S.QUEUED, S.EXPIRED}),
    S.QUEUED: frozenset({S.SENDING, S.FAILED, S.EXPIRED, S.PENDING_CONFIRMATION}),
    S.SENDING: frozenset({S.SENT, S.FAILED, S.QUEUED}),
    S.SENT: frozenset({S.DELIVERED, S.BOUNCED, S.COMPLAINED}),
    S.DELIVERED: frozenset({S.COMPLAINED}),
    S.BOUNCED: frozenset(),
    S.COMPLAINED: frozenset(),
    S.FAILED: frozenset(),
    S.EXPIRED: frozenset(),
}
FINAL = frozenset(s for s, nxt in ALLOWED.items() if not nxt)

# Time limits.
# Retention of personal data and the confirmation window are per campaign: chalicelib/campaign_policies.py.
SENDING_LEASE = dt.timedelta(minutes=15)  # a letter `sending` for longer is reconciled, never resent blindly

# What a supporter reads on the status page for each state.
EXPLAINED = {
    S.PENDING_CONFIRMATION: "Waiting for you to confirm your email address.",
    S.QUEUED: "Your letter is in the queue and will be sent shortly.",
    S.SENDING: "Your letter is being sent.",
    S.SENT: "Your letter has been sent to the recipient's mail server.",
    S.DELIVERED: "Your letter was delivered to the recipient's mailbox.",
    S.BOUNCED: "The recipient's mail server refused your letter.",
    S.COMPLAINED: "The recipient marked your letter as unwanted.",
    S.FAILED: "Your letter could not be sent.",
    S.EXPIRED: "This letter was not sent: it was not confirmed in time, or its details were deleted.",
}


class TransitionRefused(Exception):
    """The letter was not in the state the move starts from (someone else moved it first), or the move is not allowed."""

    def __init__(self, letter_id: str, wanted: Status, current: str | None) -> None:
        super().__init__(f"letter {letter_id}: cannot move to {wanted.value} from {current}")
        self.letter_id, self.wanted, self.current = letter_id, wanted, current


def check_move(letter_id: str, source: Status, target: Status) -> None:
    if target not in ALLOWED[source]:
        raise TransitionRefused(letter_id, target, source.value)
