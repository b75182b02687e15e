"""The scheduled job: whatever is due, found through the `by-due` index (keys only), never by scanning the table.

- letters: the one confirmation reminder, expiry of unconfirmed letters, a digest letter that missed its digest, and
  a confirmed letter whose queue message never left (the confirming request was cut off): queued again
- digests whose time has come (chalicelib/outcomes/digests.py), sign-on sends at their time (chalicelib/outcomes/sign_on_sends.py)
- "did they reply?" questions and their one reminder (chalicelib/feedback/follow_ups.py)
- the scrub of anything past its `expires_at` (DynamoDB TTL may lag by days)

Each item gets its one next action. Every action is a conditional write, so two overlapping runs, or a run
racing a supporter's click, cannot do anything twice; an item whose action fails stays due for the next run.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from typing import Any, Callable

from chalicelib.feedback.follow_ups import FOLLOW_UP_SK, FollowUps
from chalicelib.letters.confirmation import Confirmations
from chalicelib.letters.letter import LETTER_SK, Letter
from chalicelib.letters.log import LetterLog
from chalicelib.letters.states import Status, TransitionRefused
from chalicelib.outcomes.digests import Digests
from chalicelib.outcomes.sign_on_sends import SignOnSends
from chalicelib.storage.due_index import delete_if_expired, due_items
from chalicelib.storage.state_machines import MoveRefused

log = logging.getLogger(__name__)


class Housekeeping:
    def __init__(
        self,
        table: Any,
        letters: LetterLog,
        confirmations: Confirmations,
        clock: Callable[[], dt.datetime],
        *,
        digests: Digests,
        sends: SignOnSends,
        follow_ups: FollowUps,
    ) -> None:
        self._table, self._letters, self._confirmations, self._clock = table, letters, confirmations, clock
        self._digests, self._sends, self._follow_ups = digests, sends, follow_ups

    def run(self, limit: int = 500) -> dict[str, int]:
        """Do what is due now; returns how many of each action were taken."""
        now = self._clock()
        now_epoch = int(now.timestamp())
        done: Counter[str] = Counter()
        for key in due_items(self._table, now_epoch, limit):
            try:
                done[self._one(key, now_epoch)] += 1
            except (TransitionRefused, MoveRefused):  # someone else moved it first: its next due time is set
                done["raced"] += 1
            except Exception:  # noqa: BLE001 - one item's failure must not stop the others; it stays due
                log.exception("housekeeping: %s %s failed; it stays due for the next run", key["pk"], key["sk"])
                done["failed"] += 1
        return dict(done)

    def _one(self, key: dict[str, str], now_epoch: int) -> str:
        pk, sk = key["pk"], key["sk"]
        acts = (
            sk in (LETTER_SK, FOLLOW_UP_SK)
            or pk.startswith("DIGESTS#")
            or (pk.startswith("SIGNON#") and sk.startswith("SEND#"))
        )
        item = None
        if acts:  # due for an action or its expiry: read first, as a refused delete costs the whole item's write
            item = self._table.get_item(Key=key, ConsistentRead=True).get("Item")
            if not item:
                return "gone"
            if "expires_at" in item and int(item["expires_at"]) <= now_epoch:
                if delete_if_expired(self._table, key, now_epoch):
                    return "deleted"
        elif delete_if_expired(self._table, key, now_epoch):  # due only to be scrubbed
            return "deleted"
        if sk == FOLLOW_UP_SK:
            return self._follow_ups.step(key)
        if pk.startswith("DIGESTS#"):
            return self._digests.close(key)
        if pk.startswith("SIGNON#") and sk.startswith("SEND#"):
            return self._sends.dispatch(key)
        if item is None:
            return "not_yet"
        letter = Letter.from_item(item)
        if letter.status == Status.AWAITING_DIGEST.value and letter.due_at <= now_epoch:
            return self._digests.stranded(letter)
        if letter.status != Status.PENDING_CONFIRMATION.value:
            requeued = self._confirmations.requeue_if_lost(letter)
            self._letters.amend(letter.letter_id, Status(letter.status), self._clock(), due_at=letter.expires_at)
            return "requeued" if requeued else "rescheduled"
        if now_epoch >= letter.confirm_by:
            self._confirmations.expire(letter)
            return "expired"
        if not letter.reminded_at:
            self._confirmations.remind(letter)
            return "reminded"
        self._letters.amend(letter.letter_id, Status.PENDING_CONFIRMATION, self._clock(), due_at=letter.confirm_by)
        return "rescheduled"
