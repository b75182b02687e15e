"""Delivering queued letters: the state moves around each SES call, so no letter is sent twice or lost.

For each letter id from the queue: a `queued` letter passes the gates (delivery_gates.py) and is sent, or
waits in the schedule; a `sending` letter is reconciled (see letter_states.py); any other is done already.
Every wait is written to the schedule before the handler returns (only then does SQS delete the message),
so a waiting letter is never in neither place. A worker short of Lambda time leaves its remaining letters in
the schedule too, due now: a hand-back is not a failure. Only unexpected errors return a message to SQS; after
five receives it goes to the dead-letter queue, whose handler (`give_up`) marks the letter failed.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
import zlib
from typing import TYPE_CHECKING, Callable, Iterable

from chalicelib.campaigns.catalogue import Campaign, Campaigns
from chalicelib.delivery.gates import Decision, Gates
from chalicelib.delivery.reputation import ReputationGuard
from chalicelib.letters.letter import Letter
from chalicelib.letters.log import LetterLog
from chalicelib.letters.schedule import LetterSchedule
from chalicelib.letters.states import QUOTA_WAIT, RETRY_FIRST, RETRY_MAX, SENDING_LEASE, Status, TransitionRefused
from chalicelib.mail.mailer import Mailer, Outcome, SendFailed, message_bytes
from chalicelib.queue_messages import QueueRecord, handle_batch

if TYPE_CHECKING:  # pragma: no cover
    from chalicelib.outcomes.digests import Digests

log = logging.getLogger(__name__)

INTERRUPTED = (
    "Interrupted: sending was cut off and SES reported nothing about it, so we cannot tell whether it "
    "left. It was not resent automatically, to avoid a duplicate; an organiser can resend it."
)
GAVE_UP = "Not sent: the sender failed on this letter five times (the worker's log says why)."
REREADS = 3  # a letter rewritten while it was about to go is read again at most this often
TIME_NEEDED_MS = 15_000  # a send needs at most this long (SES timeouts included); below it, leave the rest queued


class RetryLater(Exception):
    """The letter could not be handled now; its queue message must come back."""


def backoff(retries: int, outcome: Outcome, letter_id: str) -> dt.timedelta:
    """How long a letter waits after its `retries`-th send that SES did not accept (exponential, spread per letter)."""
    wait = min(RETRY_FIRST * 2 ** min(retries, 16), RETRY_MAX)
    if outcome is Outcome.QUOTA:
        wait = max(wait, QUOTA_WAIT)
    spread = (zlib.crc32(letter_id.encode()) % 1000) / 1000  # letters throttled together come back apart
    return wait + RETRY_FIRST * spread


class Deliverer:
    def __init__(
        self,
        letters: LetterLog,
        mailer: Mailer,
        campaigns: Campaigns,
        clock: Callable[[], dt.datetime],
        *,
        gates: Gates,
        schedule: LetterSchedule,
        guard: ReputationGuard,
        digests: Callable[[], Digests] | None = None,
    ) -> None:
        self._letters, self._mailer, self._campaigns, self._clock = letters, mailer, campaigns, clock
        self._gates, self._schedule, self._guard, self._digests = gates, schedule, guard, digests

    def deliver(self, letter_id: str) -> Status | None:
        """Handle one queue message. Returns the state the letter ended in, None if there was nothing to do."""
        letter = self._letters.get(letter_id)
        if letter is None:
            log.warning("letter %s is gone (expired or deleted); nothing to send", letter_id)
            return None
        if letter.status == Status.SENDING.value:
            return self.reconcile(letter)
        if letter.status != Status.QUEUED.value:
            # A duplicate queue message, or a letter another worker handled: never send again.
            log.info("letter %s is %s, not queued; skipping", letter_id, letter.status)
            return None
        campaign = self._campaigns.get(letter.campaign)
        decision = self._gates.decide(letter, campaign, self._clock())
        if decision.action == "go":
            return self._send(letter, campaign, decision.epoch)
        if decision.action == "refuse":
            return self._fail(letter, Status.QUEUED, decision.reason)
        if decision.action == "digest" and self._digests is not None:
            return self._overflow(letter, campaign)
        return self._hold(letter, decision)

    def _overflow(self, letter: Letter, campaign: Campaign) -> Status | None:
        """Pacing could not send it within a day: into its target's overflow digest (digests.py), by one
        conditional move from the queued letter held; the digest, a letter itself, is paced and sent in time."""
        try:
            self._digests().join(letter, campaign, Status.QUEUED, digest_reason="overflow")
        except TransitionRefused:
            return None  # another worker moved it meanwhile
        return Status.AWAITING_DIGEST

    def _send(self, letter: Letter, campaign: Campaign, epoch: int, rereads: int = REREADS) -> Status | None:
        try:
            message = message_bytes(letter, campaign.organisation, campaign.sender_address)
        except ValueError as exc:  # a header value the checks should have refused: never send it, say why
            return self._fail(letter, Status.QUEUED, f"Not sent: {exc}")
        attempt = uuid.uuid4().hex
        try:
            self._letters.move(
                letter.letter_id,
                Status.QUEUED,
                Status.SENDING,
                self._clock(),
                attempt_id=attempt,
                remove=("waiting_until", "waiting_reason"),
                held=letter,
                # a worker has it: the check for a lost queue message (housekeeping's `requeue_if_lost`) is moot,
                # so the letter is next due for its scrub, as that check would set it (saving it a read and a write)
                due_at=letter.expires_at,
            )
        except TransitionRefused as refused:
            if refused.current != Status.QUEUED.value:
                return None  # another worker took it
            # Still queued, so its text was rewritten after we read it (a digest losing a supporter who deleted
            # their details): send the new text, never the one we hold. The gates were passed a moment ago.
            fresh = self._letters.get(letter.letter_id)
            if fresh is None or fresh.status != Status.QUEUED.value:
                return None
            if not rereads:
                raise RetryLater(f"letter {letter.letter_id} kept being rewritten while it was about to go")
            return self._send(fresh, campaign, epoch, rereads - 1)
        # From here until `sent` is written is the one ambiguous window (letter_states.py explains the rule).
        try:
            ses_id = self._mailer.send(letter, message, campaign.sender_address, attempt)
        except SendFailed as exc:
            return self._not_sent(letter, attempt, exc)
        try:
            self._letters.move(
                letter.letter_id,
                Status.SENDING,
                Status.SENT,
                self._clock(),
                expect={"attempt_id": attempt},
                ses_message_id=ses_id,
                held=letter,
            )
        except TransitionRefused as refused:
            log.info("letter %s: SES feedback recorded it first (%s)", letter.letter_id, refused.current)
            return Status(refused.current) if refused.current else None
        self._guard.count(letter.campaign, "sent", epoch)
        return Status.SENT

    def _not_sent(self, letter: Letter, attempt: str, exc: SendFailed) -> Status | None:
        now, mine = self._clock(), {"attempt_id": attempt}
        if exc.outcome is Outcome.PERMANENT:
            return self._fail(letter, Status.SENDING, exc.reason, expect=mine)
        if exc.outcome is Outcome.UNKNOWN:
            log.warning("letter %s: %s; reconciling at the end of the lease", letter.letter_id, exc.reason)
            self._schedule.add(letter.letter_id, now + SENDING_LEASE, "reconcile", letter.expires_at)
            return Status.SENDING
        until = now + backoff(letter.retries, exc.outcome, letter.letter_id)
        log.info(
            "letter %s not accepted (%s); retry %d at %s",
            letter.letter_id,
            exc.reason,
            letter.retries + 1,
            until.isoformat(),
        )
        # Queued first: were the entry written first, a crash in between would leave it `sending` (interrupted).
        self._letters.move(
            letter.letter_id,
            Status.SENDING,
            Status.QUEUED,
            now,
            expect=mine,
            held=letter,
            retries=letter.retries + 1,
            waiting_until=until.isoformat(),
            waiting_reason="retry",
        )
        self._schedule.add(letter.letter_id, until, "retry", letter.expires_at)
        return Status.QUEUED

    def _hold(self, letter: Letter, decision: Decision) -> Status | None:
        """Keep a queued letter waiting: in the schedule until `decision.until`, or parked while paused."""
        if decision.action == "park":
            self._schedule.park(letter.campaign, letter.letter_id, letter.expires_at)
            if not self._guard.state(letter.campaign).paused:
                # Resumed meanwhile: its release may have looked before this letter was parked.
                self._schedule.unpark(letter.campaign, letter.letter_id)
                raise RetryLater(f"campaign {letter.campaign} resumed while letter {letter.letter_id} was parked")
            until = ""
        else:
            assert decision.until is not None
            self._schedule.add(letter.letter_id, decision.until, decision.reason, letter.expires_at)
            until = decision.until.isoformat()
        try:  # what the supporter and organisers read; the schedule entry above is what counts
            self._letters.amend(
                letter.letter_id, Status.QUEUED, self._clock(), waiting_until=until, waiting_reason=decision.reason
            )
        except TransitionRefused:
            return None  # another worker moved it meanwhile; the entry will find nothing to do
        return Status.QUEUED

    def _fail(self, letter: Letter, source: Status, reason: str, expect: dict[str, str] | None = None) -> Status | None:
        """Fail the letter with `reason`, if it is still where this worker left it (None: it moved on)."""
        try:
            self._letters.move(
                letter.letter_id,
                source,
                Status.FAILED,
                self._clock(),
                expect=expect,
                held=letter,
                failure_reason=reason[:500],
            )
        except TransitionRefused:
            return None  # another worker, or SES evidence, moved it meanwhile
        return Status.FAILED

    def reconcile(self, letter: Letter) -> Status | None:
        """A letter found `sending`: wait for its lease to end, then, with no SES evidence, fail it (never resend)."""
        lease_end = dt.datetime.fromisoformat(letter.updated_at.replace("Z", "+00:00")) + SENDING_LEASE
        if self._clock() < lease_end:
            self._schedule.add(letter.letter_id, lease_end, "reconcile", letter.expires_at)
            return Status.SENDING
        return self._fail(letter, Status.SENDING, INTERRUPTED, expect={"attempt_id": letter.attempt_id})

    def give_up(self, letter_id: str) -> Status | None:
        """The dead-letter queue's verdict: the letter is failed, unless a send may be in flight (then reconciled)."""
        letter = self._letters.get(letter_id)
        if letter is None:
            return None
        if letter.status == Status.SENDING.value:
            return self.reconcile(letter)
        if letter.status != Status.QUEUED.value:
            return None
        return self._fail(letter, Status.QUEUED, GAVE_UP)

    def deliver_batch(
        self,
        records: Iterable[QueueRecord],
        handle: Callable[[str], object] | None = None,
        time_left_ms: Callable[[], int] | None = None,
    ) -> list[str]:
        """Handle each record; return the message ids that must come back (SQS batchItemFailures).

        Records left when the Lambda's time runs low are not tried, rather than risk a cut-off send: their letters
        wait in the schedule, due now (see `hand_back`), so the hand-back does not count as one of their receives.
        """
        return handle_batch(records, "letter", handle or self.deliver, self.hand_back, time_left_ms, TIME_NEEDED_MS)

    def hand_back(self, letter_id: str) -> bool:
        """Leave `letter_id` untried for the next release (a minute at most); False if only SQS can keep it.

        A message SQS gets back counts as a receive, and five receives send a letter to the dead-letter queue,
        failed although it was never tried. The schedule entry is written before the message is deleted, so the
        letter is never in neither place; a duplicate message later is harmless (one worker moves it)."""
        try:
            letter = self._letters.get(letter_id)
            if letter is not None:
                self._schedule.add(letter_id, self._clock(), "time_left", letter.expires_at)
        except Exception:  # noqa: BLE001 - the queue keeps it then, at the cost of one receive
            log.exception("letter %s: could not wait in the schedule; back to the queue", letter_id)
            return False
        return True
