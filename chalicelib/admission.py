"""Admitting a letter: the letter, its duplicate guard and its rate counters are written in ONE transaction.

Either all of them are written or none is: a refused letter leaves no counter raised and no guard held, and
of twenty identical submissions racing each other exactly one is admitted. `withdraw` is the undo, for a
letter admitted whose confirmation email or queue message could then not be sent.
"""
from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass
from typing import Any

from . import duplicates
from .errors import DuplicateLetter, ServiceUnavailable
from .campaign_stats import counter_updates
from .letter_log import Letter, LetterLog
from .rate_limits import Counter

CONFLICT_RETRIES = 4  # DynamoDB cancels transactions that touch an item another transaction is writing


@dataclass(frozen=True)
class Admission:
    letter: Letter
    guard: dict[str, str]
    counters: list[Counter]
    now: dt.datetime


class Admissions:
    def __init__(self, table: Any) -> None:
        self._table = table
        self._client = table.meta.client  # the resource's client: takes plain Python values

    def admit(self, admission: Admission, duplicate_link: Any) -> None:
        """Write letter, guard and counters, or raise DuplicateLetter / TooManyLetters and write nothing.
        `duplicate_link(letter_id)` gives the status link of the letter that already holds the guard."""
        now_epoch = int(admission.now.timestamp())
        name = self._table.name
        letter = admission.letter
        items = [
            {"Put": {"TableName": name, "Item": letter.to_item(), "ConditionExpression": "attribute_not_exists(pk)"}},
            duplicates.claim(name, admission.guard, letter.letter_id, letter.expires_at, now_epoch),
            *(c.reserve(name, admission.now) for c in admission.counters),
            # last: the campaign's stats count the letter in the same write (chalicelib/campaign_stats.py)
            *counter_updates(name, letter.counter_keys(), plus=letter.status),
        ]
        reasons = self._transact(items)
        if reasons is None:
            return
        if reasons[1] == "ConditionalCheckFailed":
            existing = duplicates.holder(self._table, admission.guard, now_epoch)
            if existing:
                raise DuplicateLetter(
                    "You have already written to this recipient in this campaign, from this email address. "
                    "Each supporter's letter counts once; follow your first letter with its status link.",
                    letter_id=existing, link=duplicate_link(existing))
        for counter, reason in zip(admission.counters, reasons[2:]):
            if reason == "ConditionalCheckFailed":
                raise counter.refusal(admission.now)
        raise ServiceUnavailable("We could not take your letter just now; nothing was kept. Please try again.")

    def withdraw(self, admission: Admission) -> None:
        """Undo `admit`: delete the letter first (it must not be kept), then free the guard, then uncount it."""
        letter_id = admission.letter.letter_id
        LetterLog(self._table).delete(letter_id)  # and uncounted from the campaign's stats, in one write
        duplicates.free(self._table, admission.guard["pk"], letter_id)
        for counter in admission.counters:
            counter.give_back(self._table, admission.now)

    def _transact(self, items: list[dict[str, Any]]) -> list[str] | None:
        """Run the transaction; None if it was written, else each item's cancellation reason code."""
        from botocore.exceptions import ClientError

        for attempt in range(CONFLICT_RETRIES):
            try:
                self._client.transact_write_items(TransactItems=items)
                return None
            except ClientError as exc:
                if exc.response["Error"]["Code"] != "TransactionCanceledException":
                    raise
                reasons = [r.get("Code", "None") for r in exc.response.get("CancellationReasons", [])]
            if "TransactionConflict" not in reasons or attempt == CONFLICT_RETRIES - 1:
                return reasons
            time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
        return reasons
