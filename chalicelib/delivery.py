"""Delivering queued letters: the state moves around each SES call, so no letter is sent twice or lost."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Callable, Iterable

from .campaigns import Campaigns
from .letter_log import LetterLog
from .letter_queue import letter_id_of
from .letter_states import Status, TransitionRefused
from .mailer import Mailer, SendFailed

log = logging.getLogger(__name__)


class RetryLater(Exception):
    """The letter could not be sent now but may be later; its queue message must come back."""


@dataclass(frozen=True)
class QueueRecord:
    message_id: str
    body: str


class Deliverer:
    def __init__(self, letters: LetterLog, mailer: Mailer, campaigns: Campaigns,
                 clock: Callable[[], dt.datetime]) -> None:
        self._letters, self._mailer, self._campaigns, self._clock = letters, mailer, campaigns, clock

    def deliver(self, letter_id: str) -> Status | None:
        """Send one letter if it is queued. Returns the state it ended in, None if there was nothing to do."""
        letter = self._letters.get(letter_id)
        if letter is None:
            log.warning("letter %s is gone (expired or deleted); nothing to send", letter_id)
            return None
        if letter.status != Status.QUEUED.value:
            # A duplicate queue message, or a letter another worker is handling: never send again.
            log.info("letter %s is %s, not queued; skipping", letter_id, letter.status)
            return None
        try:
            self._letters.move(letter_id, Status.QUEUED, Status.SENDING, self._clock())
        except TransitionRefused:
            return None
        campaign = self._campaigns.get(letter.campaign)
        try:
            message_id = self._mailer.send(letter, campaign.organisation, campaign.sender_address)
        except SendFailed as exc:
            if exc.permanent:
                self._letters.move(letter_id, Status.SENDING, Status.FAILED, self._clock(),
                                   failure_reason=exc.reason[:500])
                return Status.FAILED
            self._letters.move(letter_id, Status.SENDING, Status.QUEUED, self._clock())
            raise RetryLater(exc.reason) from exc
        self._letters.move(letter_id, Status.SENDING, Status.SENT, self._clock(), ses_message_id=message_id)
        return Status.SENT

    def deliver_batch(self, records: Iterable[QueueRecord]) -> list[str]:
        """Deliver each record; return the message ids that must be retried (SQS batchItemFailures)."""
        failures = []
        for record in records:
            try:
                letter_id = letter_id_of(record.body)
            except ValueError:
                log.error("dropping queue message %s: not a letter message", record.message_id)
                continue
            try:
                self.deliver(letter_id)
            except Exception:  # noqa: BLE001 - any failure returns only this record to the queue
                log.exception("letter %s: will retry", letter_id)
                failures.append(record.message_id)
        return failures
