"""The supporter's "delete my data" link: their name, address and words leave our table at once.

A letter not yet handed to SES (or not yet listed in a digest) is stopped (-> expired) and will never be sent;
one listed in a digest letter that SES has not taken yet is taken out of it (digests.py `drop`).
A letter already sent keeps only what organisers count (state, target, country, dates); the ministry keeps the
copy it received. Any "did they reply?" follow-up is cancelled, with the answer and reply it may hold.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Callable

from chalicelib.clock import iso
from chalicelib.errors import LinkGone, LinkUnknown
from chalicelib.front_door import duplicates
from chalicelib.letters.letter import PERSONAL_FIELDS, Letter
from chalicelib.letters.log import LetterLog
from chalicelib.letters.states import Status, TransitionRefused
from chalicelib.signing import token_matches

if TYPE_CHECKING:  # pragma: no cover
    from chalicelib.feedback.follow_ups import FollowUps
    from chalicelib.outcomes.digests import Digests

NOT_SENT_YET = (Status.PENDING_CONFIRMATION, Status.QUEUED, Status.AWAITING_DIGEST)


class Forgetting:
    def __init__(
        self,
        letters: LetterLog,
        table: Any,
        clock: Callable[[], dt.datetime],
        *,
        follow_ups: FollowUps | None = None,
        digests: Digests | None = None,
    ) -> None:
        self._letters, self._table, self._clock = letters, table, clock
        self._follow_ups, self._digests = follow_ups, digests

    def already_sent(self, letter: Letter) -> bool:
        """Whether the supporter's words may have left for the ministry (what the delete pages must say truly)."""
        if letter.status in {s.value for s in NOT_SENT_YET}:
            return False
        if letter.status == Status.IN_DIGEST.value:
            return self._digests is None or self._digests.words_sent(letter)
        return letter.status != Status.EXPIRED.value

    def look(self, letter_id: str, token: str) -> Letter:
        """The letter whose data the link deletes; LinkUnknown (404) or LinkGone (410, already deleted)."""
        letter = self._letters.get(letter_id)
        if letter is None or not token_matches(letter.delete_token_hash, token):
            raise LinkUnknown("This link is not one we sent. Please check that you copied all of it.")
        if not letter.supporter_email:
            raise LinkGone("Your details were already deleted.")
        return letter

    def forget(self, letter_id: str, token: str) -> Letter:
        letter = self.look(letter_id, token)
        now = self._clock()
        status = Status(letter.status)
        try:
            if status in NOT_SENT_YET:
                self._letters.move(
                    letter_id, status, Status.EXPIRED, now, remove=PERSONAL_FIELDS, forgotten_at=iso(now)
                )
            else:
                self._letters.amend(letter_id, status, now, remove=PERSONAL_FIELDS, forgotten_at=iso(now))
        except TransitionRefused:  # it moved on meanwhile (e.g. the worker sent it): try again from there
            return self.forget(letter_id, token)
        duplicates.free(self._table, letter.guard, letter.letter_id)
        if status is Status.IN_DIGEST and self._digests is not None:
            self._digests.drop(letter)  # out of the digest letter too, unless SES has taken it
        if self._follow_ups is not None:
            self._follow_ups.forget(letter_id)
        return self._letters.get(letter_id) or letter
