"""The letter's life, in one place: its states, the moves allowed between them, and their time limits.

pending_confirmation -> queued -> sending -> sent -> delayed -> delivered | bounced | complained
Any state before `sent` may end in `failed` (a permanent error) or `expired` (nobody confirmed,
or personal data reached its retention date). `sending -> queued` is the only way back: a send
that SES certainly did not accept (throttled, unreachable) is queued again with a backoff; and
`queued -> pending_confirmation` undoes a confirmation whose queue message could not be sent, so the
same confirmation link works when the supporter tries again.

The one ambiguous moment is a send whose answer never came (the worker crashed, or the connection
dropped after the request left). The letter then stays `sending`. SES's own events for it (Send,
Delivery, Bounce…, tagged with the letter and attempt ids) reconcile it to `sent` and onwards; if no
event came when SENDING_LEASE is over, it is `failed` as interrupted and never resent automatically:
a duplicate letter to a ministry is worse than one an organiser resends by hand. Should SES evidence
still arrive later, `failed -> sent` records the truth (only for a letter with no SES id yet).
`failed -> queued` is an organiser's deliberate resend, with a stated reason (chalicelib/letters/resend.py).

A Bounce may still come after a Delivery (the recipient's server accepted the message, then bounced it: a
sequence AWS documents), so `delivered -> bounced` is allowed; it counts toward the guard like any bounce.

`delayed` is a state, not a note: SES reported that the recipient's server is slow to accept
(DeliveryDelay); SES keeps trying, and a later Delivery or Bounce moves the letter on.
A Reject event (SES refused the message after accepting the call, e.g. a virus) moves `sent -> failed`.

`failed -> delivered_by_hand` is the organisers recording that a letter nobody could email (the target has no
address) reached its target another way: by hand, by post or through a contact form, on a date they give
(chalicelib/outcomes/hand_deliveries.py). Nothing more happens to it by itself.

Digest campaigns (chalicelib/outcomes/digests.py) hold a confirmed letter instead of sending it alone:
pending_confirmation -> awaiting_digest -> in_digest. `in_digest` is the end of the supporter's own letter:
it was listed in the digest letter named by its `digest_letter_id`, and that letter's state (sent, delivered,
bounced...) is what happened to it. `awaiting_digest -> expired` is the supporter deleting their details first.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum


class Status(str, Enum):
    PENDING_CONFIRMATION = "pending_confirmation"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELAYED = "delayed"
    DELIVERED = "delivered"
    BOUNCED = "bounced"
    COMPLAINED = "complained"
    FAILED = "failed"
    EXPIRED = "expired"
    AWAITING_DIGEST = "awaiting_digest"
    IN_DIGEST = "in_digest"
    DELIVERED_BY_HAND = "delivered_by_hand"


S = Status
ALLOWED: dict[Status, frozenset[Status]] = {
    S.PENDING_CONFIRMATION: frozenset({S.QUEUED, S.AWAITING_DIGEST, S.EXPIRED}),
    S.QUEUED: frozenset({S.SENDING, S.FAILED, S.EXPIRED, S.PENDING_CONFIRMATION}),
    S.SENDING: frozenset({S.SENT, S.FAILED, S.QUEUED}),
    S.SENT: frozenset({S.DELAYED, S.DELIVERED, S.BOUNCED, S.COMPLAINED, S.FAILED}),
    S.DELAYED: frozenset({S.DELIVERED, S.BOUNCED, S.COMPLAINED}),
    # A Bounce may follow a Delivery (the receiving server accepted, then refused: AWS documents it).
    S.DELIVERED: frozenset({S.BOUNCED, S.COMPLAINED}),
    S.BOUNCED: frozenset(),
    S.COMPLAINED: frozenset(),
    # `sent` only on SES evidence for an interrupted send (see above); `queued` only by an organiser's resend
    S.FAILED: frozenset({S.SENT, S.QUEUED, S.DELIVERED_BY_HAND}),
    S.EXPIRED: frozenset(),
    S.AWAITING_DIGEST: frozenset({S.IN_DIGEST, S.EXPIRED}),
    S.IN_DIGEST: frozenset(),
    S.DELIVERED_BY_HAND: frozenset(),  # recorded by the organisers (hand_deliveries.py): the letter's end
}
# Outcomes: nothing more will happen to the letter by itself (a failed one may be corrected by SES evidence,
# or resent by an organiser).
FINAL = frozenset({S.BOUNCED, S.COMPLAINED, S.FAILED, S.EXPIRED})
# States in which the worker still owes the letter a send: each has an SQS message or a schedule entry.
OWED = frozenset({S.QUEUED, S.SENDING})

# Time limits.
# Retention of personal data and the confirmation window are per campaign: chalicelib/campaigns/policies.py.
SENDING_LEASE = dt.timedelta(minutes=15)  # a letter `sending` for longer is reconciled, never resent blindly
RETRY_FIRST = dt.timedelta(seconds=30)  # first wait after SES throttled us or could not be reached; doubles each time
RETRY_MAX = dt.timedelta(hours=1)  # the longest wait between two tries
QUOTA_WAIT = dt.timedelta(hours=1)  # the shortest wait when the account's 24-hour sending quota is used up
TARGET_RECHECK = dt.timedelta(hours=1)  # letters to a target marked failing wait, re-checked this often

# What a supporter reads on the status page for each state.
EXPLAINED = {
    S.PENDING_CONFIRMATION: "Waiting for you to confirm your email address.",
    S.QUEUED: "Your letter is in the queue and will be sent shortly.",
    S.SENDING: "Your letter is being sent.",
    S.SENT: "Your letter has been sent to the recipient's mail server.",
    S.DELAYED: "The recipient's mail server is slow to accept your letter; delivery is still being tried.",
    S.DELIVERED: "Your letter was delivered to the recipient's mailbox.",
    S.BOUNCED: "The recipient's mail server refused your letter.",
    S.COMPLAINED: "The recipient marked your letter as unwanted.",
    S.FAILED: "Your letter could not be sent.",
    S.EXPIRED: "This letter was not sent: it was not confirmed in time, or its details were deleted.",
    S.AWAITING_DIGEST: "Your letter will go in the next digest: one email to the recipient listing everyone who wrote.",
    S.IN_DIGEST: "Your letter went in a digest: one email to the recipient listing everyone who wrote.",
    S.DELIVERED_BY_HAND: "Your letter was delivered to the recipient another way (by hand, by post or a web form).",
}

# Why a queued letter waits (its `waiting_reason`), as the supporter reads it.
WAITING_EXPLAINED = {
    "pacing": "The recipient receives only a few letters an hour, so it is not flooded; yours has its place in line.",
    "rate": "Many letters are being sent right now; yours follows in a moment.",
    "retry": "The mail service asked us to slow down; your letter will be tried again shortly.",
    "target_failing": "The recipient's address is not accepting mail; your letter waits until the organisers fix it.",
    "paused": "The organisers paused sending for a check; your letter is kept and goes out when they resume.",
}


class TransitionRefused(Exception):
    """The letter was not in the state the move starts from (someone else moved it first), or the move is not allowed."""

    def __init__(self, letter_id: str, wanted: Status, current: str | None) -> None:
        super().__init__(f"letter {letter_id}: cannot move to {wanted.value} from {current}")
        self.letter_id, self.wanted, self.current = letter_id, wanted, current


def check_move(letter_id: str, source: Status, target: Status) -> None:
    if target not in ALLOWED[source]:
        raise TransitionRefused(letter_id, target, source.value)
