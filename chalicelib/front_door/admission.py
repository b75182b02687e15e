"""Admitting a letter (or a sign-on signature): the item, its duplicate guard and its rate counters are written
in ONE transaction.

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

from chalicelib.errors import ServiceUnavailable
from chalicelib.front_door import duplicates
from chalicelib.front_door.bot_traps import FormUse
from chalicelib.front_door.rate_limits import Counter
from chalicelib.letters.counters import counter_updates
from chalicelib.letters.letter import Letter
from chalicelib.letters.log import LetterLog

CONFLICT_RETRIES = 4  # DynamoDB cancels transactions that touch an item another transaction is writing


@dataclass(frozen=True)
class Admission:
    item: dict[str, Any]  # what is admitted: a letter's item, or a signatory's
    item_id: str  # what the guard holds: the letter's (or signatory's) id
    expires_at: int
    guard: dict[str, str]
    counters: list[Counter | FormUse]  # a form stamp spends like a counter whose limit is one
    now: dt.datetime
    stats: tuple[dict[str, str], ...] = ()  # a letter's campaign-stats counters (none for a signatory)
    status: str = ""

    @classmethod
    def of_letter(
        cls, letter: Letter, guard: dict[str, str], counters: list[Counter | FormUse], now: dt.datetime
    ) -> "Admission":
        return cls(
            letter.to_item(),
            letter.letter_id,
            letter.expires_at,
            guard,
            counters,
            now,
            tuple(letter.counter_keys()),
            letter.status,
        )

    @property
    def key(self) -> dict[str, str]:
        return {"pk": self.item["pk"], "sk": self.item["sk"]}


class Admissions:
    def __init__(self, table: Any) -> None:
        self._table = table
        self._client = table.meta.client  # the resource's client: takes plain Python values

    def admit(self, admission: Admission) -> str | None:
        """Write item, guard and counters, or raise TooManyLetters and write nothing. A guard another letter (or
        signatory) already holds writes no item but still counts the submission against the limits (a probe for
        who wrote must cost like a letter): returns that holder's id; None when admitted."""
        now_epoch = int(admission.now.timestamp())
        name = self._table.name
        for counter in admission.counters:  # a sharded counter is checked by reading its shards, before writing
            if counter.sharded and counter.full(self._table, admission.now):
                raise counter.refusal(admission.now)
        reserved = [(c, c.reserve(name, admission.now, admission.item_id)) for c in admission.counters]
        transacted = [c for c, entry in reserved if entry is not None]
        counters = [entry for _, entry in reserved if entry is not None]
        items = [
            {"Put": {"TableName": name, "Item": admission.item, "ConditionExpression": "attribute_not_exists(pk)"}},
            duplicates.claim(name, admission.guard, admission.item_id, admission.expires_at, now_epoch),
            *counters,
            # last: the campaign's stats count a letter in the same write (chalicelib/letters/counters.py)
            *counter_updates(name, admission.stats, plus=admission.status),
        ]
        reasons = self._transact(items)
        if reasons is None:
            return None
        self._refuse_if_full(transacted, admission.now, reasons[2:])
        if reasons[1] == "ConditionalCheckFailed":
            existing = duplicates.holder(self._table, admission.guard, now_epoch)
            if existing:
                counted = self._transact(counters) if counters else None
                if counted is not None:
                    self._refuse_if_full(transacted, admission.now, counted)
                    raise ServiceUnavailable("We could not take your letter just now; nothing was kept.")
                return existing
        raise ServiceUnavailable("We could not take your letter just now; nothing was kept. Please try again.")

    @staticmethod
    def _refuse_if_full(counters: list[Counter], now: dt.datetime, reasons: list[str]) -> None:
        for counter, reason in zip(counters, reasons):
            if reason == "ConditionalCheckFailed":
                raise counter.refusal(now)

    def withdraw(self, admission: Admission) -> None:
        """Undo `admit`: delete the letter first (it must not be kept), then free the guard, then uncount it."""
        if admission.stats:
            LetterLog(self._table).delete(admission.item_id)  # and uncounted from the campaign's stats, in one write
        else:
            self._table.delete_item(Key=admission.key)
        duplicates.free(self._table, admission.guard["pk"], admission.item_id)
        for counter in admission.counters:
            counter.give_back(self._table, admission.now, admission.item_id)

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
