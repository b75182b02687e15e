"""The scheduled job: reminders, expiry of unconfirmed letters, and the scrub of anything past retention.

It reads the `by-due` index (keys only) for items whose next action is due, never scanning the table,
and does each item's one next action. Every action is a conditional write, so two overlapping runs, or a
run racing a supporter's click, cannot do anything twice.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from typing import Any, Callable

from .confirmation import Confirmations
from .due_index import delete_if_expired, due_items
from .letter_log import LETTER_SK, Letter, LetterLog
from .letter_states import Status, TransitionRefused

log = logging.getLogger(__name__)


class Housekeeping:
    def __init__(self, table: Any, letters: LetterLog, confirmations: Confirmations,
                 clock: Callable[[], dt.datetime]) -> None:
        self._table, self._letters, self._confirmations, self._clock = table, letters, confirmations, clock

    def run(self, limit: int = 500) -> dict[str, int]:
        """Do what is due now; returns how many of each action were taken."""
        now = self._clock()
        now_epoch = int(now.timestamp())
        done: Counter[str] = Counter()
        for key in due_items(self._table, now_epoch, limit):
            try:
                done[self._one(key, now_epoch)] += 1
            except TransitionRefused:  # someone else moved it first: its next due time is already set
                done["raced"] += 1
        return dict(done)

    def _one(self, key: dict[str, str], now_epoch: int) -> str:
        if delete_if_expired(self._table, key, now_epoch):
            return "deleted"
        if key["sk"] != LETTER_SK:
            return "not_yet"
        item = self._table.get_item(Key=key, ConsistentRead=True).get("Item")
        if not item:
            return "gone"
        letter = Letter.from_item(item)
        if letter.status != Status.PENDING_CONFIRMATION.value:
            self._letters.amend(letter.letter_id, Status(letter.status), self._clock(), due_at=letter.expires_at)
            return "rescheduled"
        if now_epoch >= letter.confirm_by:
            self._confirmations.expire(letter)
            return "expired"
        if not letter.reminded_at:
            self._confirmations.remind(letter)
            return "reminded"
        self._letters.amend(letter.letter_id, Status.PENDING_CONFIRMATION, self._clock(), due_at=letter.confirm_by)
        return "rescheduled"
