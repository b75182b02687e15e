"""The status link a duplicate submission is answered with, kept so that it reads like a real unconfirmed letter's.

A submission from an address that already wrote to the target gets the same 202 as a new letter (no oracle for who
wrote), including a status link. Were that link to answer 404 where a real unconfirmed letter's answers 200, a
prober could still tell. So the attempt is remembered without any personal field (`DECOY#<letter id>`): its link
shows `pending_confirmation` until the letter would have had to be confirmed, then `expired`, then nothing once a
real expired letter's record would be gone too. Nothing else reads it: no index, no stats, no email.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any, Callable

from chalicelib.clock import iso
from chalicelib.letters.confirmation import SHELL_KEPT  # as long as a real expired letter's record
from chalicelib.letters.letter import Letter
from chalicelib.letters.states import Status
from chalicelib.storage.due_index import due_keys

DECOY_SK = "DECOY"
# what the status view shows of a letter, and what a decoy needs to act like one; never a personal field
KEPT = (
    "letter_id",
    "campaign",
    "country",
    "target_set",
    "target_name",
    "language",
    "created_at",
    "partner",
    "status_token_hash",
    "confirm_by",
)


def decoy_key(letter_id: str) -> dict[str, str]:
    return {"pk": f"DECOY#{letter_id}", "sk": DECOY_SK}


class Decoys:
    def __init__(self, table: Any, clock: Callable[[], dt.datetime]) -> None:
        self._table, self._clock = table, clock

    def keep(self, attempt: Letter) -> None:
        """Remember a duplicate `attempt` (an unconfirmed letter that was not admitted), without its personal data."""
        key = decoy_key(attempt.letter_id)
        expires = attempt.confirm_by + int(SHELL_KEPT.total_seconds())
        shell = {name: value for name in KEPT if (value := getattr(attempt, name)) not in ("", None)}
        self._table.put_item(Item={**key, **shell, "expires_at": expires, **due_keys(key["pk"], expires)})

    def look(self, letter_id: str) -> Letter | None:
        """The decoy as its status link shows it now: pending until its confirm-by time, then expired."""
        item = self._table.get_item(Key=decoy_key(letter_id)).get("Item")
        now = int(self._clock().timestamp())
        if not item or int(item["expires_at"]) <= now:
            return None
        letter = Letter.from_item(
            {
                **item,
                "target_email": "",
                "subject": "",
                "status": Status.PENDING_CONFIRMATION.value,
                "updated_at": item["created_at"],
                "expires_at": int(item["expires_at"]),
            }
        )
        if now >= letter.confirm_by:  # the status view shows a real one's expiry at its confirm-by time too
            return replace(letter, status=Status.EXPIRED.value, updated_at=iso(_at(letter.confirm_by)))
        return letter


def _at(epoch: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc)
