"""Double opt-in: a letter waits as `pending_confirmation` until the supporter opens the link we email them.

Links carry tokens derived from the stage secret (chalicelib/signing.py); the letter keeps only their
hashes. Confirming is one conditional write (pending_confirmation -> queued), so a link works once:
used again it answers 410, as it does once expired; a token that was never issued answers 404. An
unconfirmed letter gets at most one reminder and then expires, its personal data removed.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Callable

from chalicelib.campaigns.catalogue import Campaign, Campaigns
from chalicelib.clock import iso
from chalicelib.errors import LinkGone, LinkUnknown, ServiceUnavailable
from chalicelib.front_door import duplicates
from chalicelib.front_door.rate_limits import count_confirmed
from chalicelib.letters.letter import PERSONAL_FIELDS, Letter
from chalicelib.letters.log import LetterLog
from chalicelib.letters.queue import LetterQueue
from chalicelib.letters.states import Status, TransitionRefused
from chalicelib.letters.supporter_mail import CONFIRM, link_paths, mail_to_supporter
from chalicelib.mail.mail_queue import MailQueue
from chalicelib.mail.mailer import Notice
from chalicelib.signing import Signer, token_matches
from chalicelib.storage.due_index import due_keys

if TYPE_CHECKING:  # pragma: no cover
    from chalicelib.feedback.follow_ups import FollowUps
    from chalicelib.outcomes.digests import Digests

UNDELIVERABLE = "Not sent: we could not email the confirmation link."
SHELL_KEPT = dt.timedelta(days=30)
QUEUE_CHECK = dt.timedelta(
    minutes=20
)  # housekeeping (every 15 minutes) re-queues a confirmed letter no worker saw  # an expired letter's data-free record, so its links still answer 410


def first_due(letter_created: dt.datetime, campaign: Campaign) -> tuple[int, int]:
    """(confirm_by, due_at) of a new pending letter: due first for its reminder, if the campaign sends one."""
    policy = campaign.policies.confirmation
    confirm_by = letter_created + policy.expires_after
    due = letter_created + policy.remind_after if policy.remind_after else confirm_by
    return int(confirm_by.timestamp()), int(due.timestamp())


def notice(letter: Letter, campaign: Campaign, signer: Signer, *, reminder: bool) -> Notice:
    """The confirmation (or reminder) email, in the letter's language where we have one."""
    links = link_paths(signer, letter.letter_id)
    return mail_to_supporter(
        letter,
        campaign,
        "confirm",
        reminder=reminder,
        confirm_url=letter.links_base + links.confirm,
        delete_url=letter.links_base + links.delete,
        expires=dt.datetime.fromtimestamp(letter.confirm_by, dt.timezone.utc).date().isoformat(),
    )


def check_link(letter: Letter | None, purpose: str, token: str, now: dt.datetime) -> Letter:
    """The letter a confirm link is for, if it can still be used; else LinkUnknown (404) or LinkGone (410)."""
    if letter is None or not token_matches(getattr(letter, f"{purpose}_token_hash"), token):
        raise LinkUnknown("This link is not one we sent. Please check that you copied all of it.")
    if letter.status == Status.PENDING_CONFIRMATION.value and int(now.timestamp()) < letter.confirm_by:
        return letter
    if letter.confirmed_at:
        raise LinkGone("This link was already used: your letter is confirmed.")
    raise LinkGone(
        "This link has expired, so the letter was not sent and your details were deleted. "
        "You are welcome to write again."
    )


class Confirmations:
    def __init__(
        self,
        letters: LetterLog,
        queue: LetterQueue,
        mailer: MailQueue,
        campaigns: Campaigns,
        signer: Signer,
        table: object,
        clock: Callable[[], dt.datetime],
        *,
        digests: "Digests | None" = None,
        follow_ups: "FollowUps | None" = None,
    ) -> None:
        self._letters, self._queue, self._mailer, self._campaigns = letters, queue, mailer, campaigns
        self._signer, self._table, self._clock = signer, table, clock
        self._digests, self._follow_ups = digests, follow_ups

    def send(self, letter: Letter, campaign: Campaign, *, reminder: bool = False) -> None:
        """Queue the confirmation email (or its reminder): sent at the SES rate, retried (mail/mail_sender.py)."""
        self._mailer.send_notice(notice(letter, campaign, self._signer, reminder=reminder), confirms=letter.letter_id)

    def already_wrote(self, attempt: Letter, first_id: str, campaign: Campaign) -> None:
        """Someone submitted a letter from an address that already wrote to this target: the caller is not told
        (no oracle for who wrote), the address's owner is, with their first letter's status link, at most once
        a day per letter (probes must not flood their inbox from our domain)."""
        from chalicelib.storage.conditional import put_once

        now = self._clock()
        day = int(now.timestamp()) // 86400
        marker = {"pk": f"TOLD#{first_id}#{day}", "sk": "TOLD", "expires_at": (day + 2) * 86400}
        if not put_once(self._table, {**marker, **due_keys(marker["pk"], marker["expires_at"])}):
            return
        status = attempt.links_base + link_paths(self._signer, first_id).status
        self._mailer.send_notice(mail_to_supporter(attempt, campaign, "already_wrote", status_url=status))

    def look(self, letter_id: str, token: str) -> Letter:
        return check_link(self._letters.get(letter_id), CONFIRM, token, self._clock())

    def confirm(self, letter_id: str, token: str) -> Letter:
        """Queue the letter for its target; the link cannot be used again."""
        letter = self.look(letter_id, token)
        now = self._clock()
        campaign = self._campaigns.get(letter.campaign)
        keep_until = int((now + campaign.policies.retention).timestamp())
        if campaign.delivery.is_digest and self._digests is not None:
            return self._confirm_for_digest(letter, campaign, token, now, keep_until)
        try:
            self._letters.move(
                letter_id,
                Status.PENDING_CONFIRMATION,
                Status.QUEUED,
                now,
                confirmed_at=iso(now),
                expires_at=keep_until,
                # looked at again soon: were this request cut off before the queue took the letter, housekeeping
                # queues it (`requeue_if_lost`); a letter confirmed is never left unsent because a Lambda died
                due_at=int((now + QUEUE_CHECK).timestamp()),
            )
        except TransitionRefused:  # a second click, or the expiry job, was first
            return self.look(letter_id, token)
        duplicates.extend(self._table, letter.guard, letter_id, keep_until)
        self._count(letter, campaign, now)
        try:
            self._queue.enqueue(letter_id)
        except Exception as exc:  # not queued: undo, so that the same link works when tried again
            self._letters.move(
                letter_id,
                Status.QUEUED,
                Status.PENDING_CONFIRMATION,
                now,
                remove=("confirmed_at",),
                expires_at=letter.expires_at,
                due_at=letter.due_at,
            )
            raise ServiceUnavailable("We could not queue your letter just now. Please open the link again.") from exc
        self._follow_up(letter, campaign, keep_until)
        return self._letters.get(letter_id) or letter

    def requeue_if_lost(self, letter: Letter) -> bool:
        """Queue a confirmed letter again if no worker has seen it yet (no wait, no retry, not sending): its queue
        message may never have left (the confirming request was cut off). A second message is harmless: only one
        worker can move a letter. True if it was queued again."""
        if letter.status != Status.QUEUED.value or letter.waiting_reason or letter.retries or letter.attempt_id:
            return False
        self._queue.enqueue(letter.letter_id)
        return True

    def _confirm_for_digest(
        self, letter: Letter, campaign: Campaign, token: str, now: dt.datetime, keep_until: int
    ) -> Letter:
        """A digest campaign's letter waits for its target's next digest instead of the queue."""
        assert self._digests is not None
        try:
            self._digests.join(
                letter, campaign, Status.PENDING_CONFIRMATION, confirmed_at=iso(now), expires_at=keep_until
            )
        except TransitionRefused:
            return self.look(letter.letter_id, token)
        duplicates.extend(self._table, letter.guard, letter.letter_id, keep_until)
        self._count(letter, campaign, now)
        self._follow_up(letter, campaign, keep_until)
        return self._letters.get(letter.letter_id) or letter

    def _count(self, letter: Letter, campaign: Campaign, now: dt.datetime) -> None:
        """The letter is confirmed: only now does it count toward its target's hourly limit."""
        if not letter.guard:
            return
        target = duplicates.target_of(letter.guard)  # the identity admission checked the limit of
        count_confirmed(self._table, campaign.slug, campaign.policies.limits, target, now, letter.letter_id)

    def _follow_up(self, letter: Letter, campaign: Campaign, keep_until: int) -> None:
        """Plan the "did they reply?" email: only for confirmed addresses, so never under direct sending."""
        if self._follow_ups is not None:
            self._follow_ups.schedule(letter, campaign, keep_until)

    def remind(self, letter: Letter) -> None:
        """Send the one reminder (the write comes first: a crash can lose a reminder, never send two)."""
        now = self._clock()
        self._letters.amend(
            letter.letter_id, Status.PENDING_CONFIRMATION, now, reminded_at=iso(now), due_at=letter.confirm_by
        )
        self.send(letter, self._campaigns.get(letter.campaign), reminder=True)

    def expire(self, letter: Letter, reason: str = "") -> None:
        """Nobody confirmed in time (or could: `reason`): the letter will never be sent; its personal data goes now."""
        now = self._clock()
        keep_until = int((now + SHELL_KEPT).timestamp())
        self._letters.move(
            letter.letter_id,
            Status.PENDING_CONFIRMATION,
            Status.EXPIRED,
            now,
            remove=PERSONAL_FIELDS,
            expires_at=keep_until,
            due_at=keep_until,
            **({"failure_reason": reason[:500]} if reason else {}),
        )
        duplicates.free(self._table, letter.guard, letter.letter_id)

    def undeliverable(self, letter_id: str, reason: str) -> None:
        """The confirmation email could never be sent (SES refused it, or would not take it for a day): nobody
        can confirm, so a letter still pending ends `expired`, saying why. A letter confirmed meanwhile is left."""
        letter = self._letters.get(letter_id)
        if letter is None or letter.status != Status.PENDING_CONFIRMATION.value:
            return
        try:
            self.expire(letter, f"{UNDELIVERABLE} {reason}")
        except TransitionRefused:  # confirmed, or expired, meanwhile
            pass
