"""The mail sender: sends the queued supporter emails (chalicelib/mail/mail_queue.py) at the account's SES rate.

For each mail id from the queue: the item is claimed (`queued -> sending`, a conditional write, so duplicate or
out-of-order deliveries send it once), a send token is taken from the shared SES rate (delivery/send_rate.py),
and the email goes to SES. Sent, the item is deleted (its address goes with it). SES throttling, a quota, an
unreachable SES, or no token this second: the item goes back to `queued` and a fresh message is put on the queue
with a growing delay (a re-queue is not an SQS receive, so waiting never sends it to the dead-letter queue).
A permanent refusal, or a mail still unsent after GIVE_UP_AFTER, is given up: its item is `failed` with the
reason and its address removed, and a confirmation's letter ends `expired` with that reason (`on_give_up`).

A send whose answer was lost (the worker died mid-call) stays `sending` until its lease ends; it is then sent
again. A supporter may then get an email twice; a ministry never gets a letter twice (that is delivery/worker.py).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import TYPE_CHECKING, Any, Callable, Iterable

from chalicelib.mail.mail_queue import PERSONAL_MAIL_FIELDS, MailQueue, mail_key, notice_of
from chalicelib.mail.mailer import Mailer, Outcome, SendFailed
from chalicelib.queue_messages import QueueRecord, handle_batch
from chalicelib.storage.conditional import conditionally

if TYPE_CHECKING:  # pragma: no cover
    from chalicelib.delivery.send_rate import SendRate

log = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=2)  # a `sending` mail older than this was cut off: it is sent again
RETRY_FIRST_SECONDS = 5  # first wait after SES throttled us or was unreachable; doubles, at most SQS's 900 s
NO_TOKEN_WAIT_SECONDS = 1  # the send rate is used up this second: try again in a moment
GIVE_UP_AFTER = dt.timedelta(days=1)  # a mail SES would not take for a day is given up, with the reason
TIME_NEEDED_MS = 5_000  # a send needs at most this long; below it, the rest of the batch is re-queued untried
GAVE_UP = "Not sent: the mail sender failed on this email five times (its log says why)."


class MailSender:
    def __init__(
        self,
        table: Any,
        mailer: Mailer,
        send_rate: SendRate,
        queue: MailQueue,
        clock: Callable[[], dt.datetime],
        on_give_up: Callable[[str, str], None] = lambda letter_id, reason: None,
    ) -> None:
        self._table, self._mailer, self._rate, self._queue, self._clock = table, mailer, send_rate, queue, clock
        self._on_give_up = on_give_up

    def deliver(self, mail_id: str) -> str:
        """Handle one queue message; returns what happened (for logs and tests)."""
        item = self._table.get_item(Key=mail_key(mail_id), ConsistentRead=True).get("Item")
        if item is None:
            return "gone"  # sent already (a duplicate message), or scrubbed
        status, now = item["mail_status"], self._clock()
        if status == "failed":
            return "gone"
        if status == "sending" and now.timestamp() < float(item["lease_until"]):
            raise RetryLater(f"mail {mail_id} is being sent by another worker")
        if now - dt.datetime.fromisoformat(item["created_at"].replace("Z", "+00:00")) > GIVE_UP_AFTER:
            return self.give_up(mail_id, f"Not sent within a day: {item.get('last_error') or 'SES would not take it'}")
        if not self._rate.acquire():
            self._queue.enqueue(mail_id, NO_TOKEN_WAIT_SECONDS)
            return "waiting"
        attempt = uuid.uuid4().hex
        if not self._claim(item, attempt):
            return "raced"
        try:
            self._mailer.send_notice(notice_of(item))
        except SendFailed as exc:
            return self._not_sent(item, attempt, exc)
        conditionally(
            self._table.delete_item,
            Key=mail_key(mail_id),
            ConditionExpression="attempt_id = :mine",
            ExpressionAttributeValues={":mine": attempt},
        )
        return "sent"

    def _claim(self, item: dict[str, Any], attempt: str) -> bool:
        lease_until = int((self._clock() + LEASE).timestamp())
        previous = item.get("attempt_id")
        return conditionally(
            self._table.update_item,
            Key=mail_key(item["mail_id"]),
            UpdateExpression="SET mail_status = :sending, attempt_id = :mine, lease_until = :lease",
            ConditionExpression="mail_status = :was AND "
            + ("attempt_id = :previous" if previous else "attribute_not_exists(attempt_id)"),
            ExpressionAttributeValues={
                ":sending": "sending",
                ":mine": attempt,
                ":lease": lease_until,
                ":was": item["mail_status"],
                **({":previous": previous} if previous else {}),
            },
        )

    def _not_sent(self, item: dict[str, Any], attempt: str, exc: SendFailed) -> str:
        mail_id = item["mail_id"]
        if exc.outcome is Outcome.PERMANENT:
            return self.give_up(mail_id, f"SES refused it: {exc.reason}")
        if exc.outcome is Outcome.UNKNOWN:  # it may have left: sent again only once its lease is over
            self._queue.enqueue(mail_id, int(LEASE.total_seconds()) + 1)
            return "unknown"
        retries = int(item.get("attempts", 0))
        wait = min(RETRY_FIRST_SECONDS * 2**retries, 900)
        if not conditionally(
            self._table.update_item,
            Key=mail_key(mail_id),
            UpdateExpression="SET mail_status = :queued, attempts = :n, last_error = :why",
            ConditionExpression="attempt_id = :mine",
            ExpressionAttributeValues={
                ":queued": "queued",
                ":n": retries + 1,
                ":why": exc.reason[:300],
                ":mine": attempt,
            },
        ):
            return "raced"
        log.info("mail %s not accepted (%s); retry in %d s", mail_id, exc.reason, wait)
        self._queue.enqueue(mail_id, wait)
        return "retry"

    def dead_letter(self, mail_id: str) -> str:
        """A mail whose queue message ran out of receives: given up, unless a worker holds its lease this moment
        (SES may be taking it): its dead letter then comes back until the lease is over, and the mail is sent
        (and gone) or given up then, so a supporter is never told "expired" about a link that just reached them."""
        item = self._table.get_item(Key=mail_key(mail_id), ConsistentRead=True).get("Item")
        if item and item["mail_status"] == "sending" and self._clock().timestamp() < float(item["lease_until"]):
            raise RetryLater(f"mail {mail_id} is being sent by a worker; its dead letter waits for the lease")
        return self.give_up(mail_id)

    def give_up(self, mail_id: str, reason: str = GAVE_UP) -> str:
        """The mail will never be sent: its letter (for a confirmation) ends with the reason, then the item is
        `failed` and its address removed. In that order, so a crash in between repeats only the first step."""
        item = self._table.get_item(Key=mail_key(mail_id), ConsistentRead=True).get("Item")
        if item is None or item["mail_status"] == "failed":
            return "gone"
        if item.get("confirms"):
            self._on_give_up(str(item["confirms"]), reason)
        if not conditionally(
            self._table.update_item,
            Key=mail_key(mail_id),
            UpdateExpression="SET mail_status = :failed, failure_reason = :why REMOVE "
            + ", ".join(PERSONAL_MAIL_FIELDS),
            ConditionExpression="attribute_exists(pk)",  # sent and deleted meanwhile: nothing to give up
            ExpressionAttributeValues={":failed": "failed", ":why": reason[:500]},
        ):
            return "gone"
        log.warning("mail %s given up: %s", mail_id, reason)
        return "failed"

    def deliver_batch(
        self,
        records: Iterable[QueueRecord],
        handle: Callable[[str], object] | None = None,
        time_left_ms: Callable[[], int] | None = None,
    ) -> list[str]:
        """Handle each record; return the message ids that must come back (SQS batchItemFailures). Records left
        when the Lambda's time runs low are re-queued untried (not handed back: that would count a receive)."""
        return handle_batch(records, "mail", handle or self.deliver, self._requeue, time_left_ms, TIME_NEEDED_MS)

    def _requeue(self, mail_id: str) -> bool:
        self._queue.enqueue(mail_id)  # should SQS refuse, its record comes back instead
        return True


class RetryLater(Exception):
    """The mail cannot be handled now; its queue message must come back."""
