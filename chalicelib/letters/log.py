"""The send log: one DynamoDB item per letter, moved between states only by conditional writes."""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from chalicelib.letters.counters import counter_keys, counter_updates
from chalicelib.letters.letter import Letter, letter_key, stored
from chalicelib.letters.states import Status, TransitionRefused, check_move

TRANSACT_ATTEMPTS = 5  # hot counter items make concurrent transactions collide now and then; each retry backs off
SES_MESSAGE_INDEX = "by-ses-message"  # KEYS_ONLY: SES MessageId -> letter key, for SES feedback


class LetterExists(Exception):
    """A letter with this id is logged already (ids are random: this is a bug, never a retry)."""


class LetterLog:
    """Reads and writes letters in one table (a boto3 DynamoDB Table resource, real or moto).

    Every write that changes a letter's status also updates the campaign's counters (campaign_stats.py) in the
    same transaction, so the counters never drift from the log.
    """

    def __init__(self, table: Any, clock: Callable[[], dt.datetime] | None = None) -> None:
        self._table = table
        self._clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))

    def create(self, letter: Letter) -> None:
        put = {
            "Put": {
                "TableName": self._table.name,
                "Item": letter.to_item(),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
        if self._transact([put, *counter_updates(self._table.name, letter.counter_keys(), plus=letter.status)]):
            raise LetterExists(letter.letter_id)

    def delete(self, letter_id: str) -> None:
        """Remove a letter whatever its status, and uncount it (undo of an admission); no-op if it is gone."""
        for _ in range(TRANSACT_ATTEMPTS):
            status, keys = self._counted(letter_id) or (None, [])
            if status is None:
                return
            delete = {
                "Delete": {
                    "TableName": self._table.name,
                    "Key": letter_key(letter_id),
                    "ConditionExpression": "#status = :status",
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": {":status": status},
                }
            }
            if not self._transact([delete, *counter_updates(self._table.name, keys, minus=status)]):
                return
        raise TransitionRefused(letter_id, Status.EXPIRED, "moving too fast to delete")

    def create_once(self, letter: Letter) -> bool:
        """Log a letter whose id is derived from what it is for (a digest, a sign-on send's target), unless it is
        logged already: True if this call created it. Running a send twice creates nothing twice."""
        try:
            self.create(letter)
        except LetterExists:
            return False
        return True

    def get(self, letter_id: str) -> Letter | None:
        """The letter, or None if there is none or its retention date has passed (TTL may lag by days)."""
        item = self._table.get_item(Key=letter_key(letter_id), ConsistentRead=True).get("Item")
        if not item or int(item["expires_at"]) <= int(self._clock().timestamp()):
            return None
        return Letter.from_item(item)

    def move(
        self,
        letter_id: str,
        source: Status,
        target: Status,
        now: dt.datetime,
        *,
        remove: Iterable[str] = (),
        expect: dict[str, str] | None = None,
        held: Letter | None = None,
        **changes: Any,
    ) -> None:
        """Move a letter from `source` to `target` iff it is in `source` now (and its fields match `expect`);
        else TransitionRefused. `changes` are set and the attributes named in `remove` deleted, in the same
        conditional write. A caller that `held` the letter (read it already) spares a read: the counters are keyed
        on fields a letter never changes, and the write's condition on `source` still decides."""
        check_move(letter_id, source, target)
        self._write(letter_id, source, target, now, remove, changes, expect or {}, held)

    def revise(self, held: Letter, now: dt.datetime, **changes: Any) -> None:
        """Rewrite fields of the letter a caller holds, iff it is still in the state and at the revision held (else
        TransitionRefused), and count a new revision: a worker holding the old text can no longer move it."""
        self._write(held.letter_id, Status(held.status), Status(held.status), now, (), changes, {}, held, bump=True)

    def amend(
        self, letter_id: str, status: Status, now: dt.datetime, *, remove: Iterable[str] = (), **changes: Any
    ) -> None:
        """Change fields of a letter iff it is in `status` now (no state change); else TransitionRefused."""
        self._write(letter_id, status, status, now, remove, changes, {}, None)

    def _write(
        self,
        letter_id: str,
        source: Status,
        target: Status,
        now: dt.datetime,
        remove: Iterable[str],
        changes: dict[str, Any],
        expect: dict[str, str],
        held: Letter | None,
        bump: bool = False,
    ) -> None:
        keys: list[dict[str, str]] = []
        if source is not target and held is not None:
            keys = held.counter_keys()
        elif source is not target:  # a move: the counters follow it, so read what they are keyed on
            status, keys = self._counted(letter_id) or (None, [])
            if status != source.value:
                raise TransitionRefused(letter_id, target, status)
        from chalicelib.storage.state_machines import move_entry  # here: state_machines imports this module

        condition, values = "", {}
        if held is not None:  # exactly the letter held: no rewrite of its text since it was read
            condition = "attribute_not_exists(revision)" if not held.revision else "revision = :revision"
            values = {":revision": held.revision} if held.revision else {}
            if bump:
                changes = {**changes, "revision": held.revision + 1}
        entry = move_entry(
            self._table.name,
            letter_key(letter_id),
            source.value,
            target.value,
            now,
            changes={name: stored(name, value) for name, value in changes.items()},
            remove=remove,
            expect=expect,
            condition=condition,
            values=values,
            append={"history": [history_step(source, target, now, changes)]} if source is not target else None,
        )
        update = {name: value for name, value in entry["Update"].items() if name != "TableName"}
        if source is not target:
            counters = counter_updates(self._table.name, keys, minus=source.value, plus=target.value)
            refused = self._transact([entry, *counters])
            if refused:
                raise TransitionRefused(letter_id, target, refused.current)
            return
        from botocore.exceptions import ClientError

        try:
            self._table.update_item(**update)
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            current = exc.response.get("Item", {}).get("status", {}).get("S")
            raise TransitionRefused(letter_id, target, current) from None

    def find_by_ses_message_id(self, ses_message_id: str) -> Letter | None:
        """The letter SES knows by this MessageId (a KEYS_ONLY index: no personal data leaves the item)."""
        from boto3.dynamodb.conditions import Key

        items = self._table.query(
            IndexName=SES_MESSAGE_INDEX, Limit=1, KeyConditionExpression=Key("ses_message_id").eq(ses_message_id)
        )["Items"]
        return self.get(items[0]["pk"].removeprefix("LETTER#")) if items else None

    def _counted(self, letter_id: str) -> tuple[str, list[dict[str, str]]] | None:
        """The letter's status and its counter items (None if there is no such letter)."""
        item = self._table.get_item(
            Key=letter_key(letter_id),
            ConsistentRead=True,
            ProjectionExpression="#campaign, country, created_at, partner, #status",
            ExpressionAttributeNames={"#campaign": "campaign", "#status": "status"},
        ).get("Item")
        if not item:
            return None
        return item["status"], counter_keys(
            item["campaign"], letter_id, item["created_at"], item.get("country", ""), item.get("partner", "")
        )

    def _transact(self, items: list[dict[str, Any]]) -> "_Refused | None":
        """Run one transaction whose first item is the letter; a _Refused if the letter's condition failed."""
        from botocore.exceptions import ClientError

        for attempt in range(TRANSACT_ATTEMPTS):
            try:
                self._table.meta.client.transact_write_items(TransactItems=items)
                return None
            except ClientError as exc:
                if exc.response["Error"]["Code"] != "TransactionCanceledException":
                    raise
                reasons = exc.response.get("CancellationReasons") or [{}]
                if reasons[0].get("Code") == "ConditionalCheckFailed":
                    return _Refused(reasons[0].get("Item", {}).get("status", {}).get("S"))
                conflict = any(r.get("Code") == "TransactionConflict" for r in reasons)
                if not conflict or attempt == TRANSACT_ATTEMPTS - 1:
                    raise
                time.sleep(random.uniform(0, 0.01 * 2**attempt))
        raise AssertionError("unreachable")


WHY_FIELDS = ("failure_reason", "waiting_reason", "resend_reason")  # the first one a move sets says why it moved


def history_step(source: Status, target: Status, now: dt.datetime, changes: dict[str, Any]) -> dict[str, str]:
    """One step of the letter's timeline, kept on the letter in the move's own write (no personal data: SES's
    diagnostics, waiting reasons and organisers' resend reasons only)."""
    from chalicelib.clock import iso

    step = {"at": iso(now), "from": source.value, "to": target.value}
    why = next((str(changes[name]) for name in WHY_FIELDS if changes.get(name)), "")
    return {**step, "why": why[:300]} if why else step


@dataclass(frozen=True)
class _Refused:
    current: str | None
