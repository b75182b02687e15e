"""Resending a failed letter, deliberately: an organiser's decision, never the worker's.

A letter is `failed` after SES refused it, after its queue message failed five times (dead-letter queue),
or as *interrupted* (a send whose answer never came: it may have gone out). Automatic resends would risk a
duplicate to a ministry; an organiser who knows why it failed may resend it, saying why. The letter moves
`failed -> queued` by a conditional write (only from `failed`), its failure reason replaced by the resend's.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

from chalicelib.clock import iso
from chalicelib.errors import NotFound, StateConflict
from chalicelib.letters.log import LetterLog
from chalicelib.letters.schedule import LetterSchedule
from chalicelib.letters.states import Status, TransitionRefused


def resend(
    letters: LetterLog,
    schedule: LetterSchedule,
    clock: Callable[[], dt.datetime],
    campaign: str,
    letter_id: str,
    reason: str,
) -> None:
    """Queue the failed letter `letter_id` of `campaign` again; NotFound or StateConflict say why not."""
    letter = letters.get(letter_id)
    if letter is None or letter.campaign != campaign:
        raise NotFound(f"{letter_id}: no such letter in campaign {campaign} (or past its retention date).")
    if letter.status != Status.FAILED.value:
        raise StateConflict(f"{letter_id} is {letter.status}, not failed: only a failed letter is resent.")
    now = clock()
    # The schedule entry first, due now: a queued letter always has an entry or a message. Should the move
    # below be refused, the entry only releases a message the worker skips (the letter is not queued).
    schedule.add(letter_id, now, "resend", letter.expires_at)
    try:
        letters.move(
            letter_id,
            Status.FAILED,
            Status.QUEUED,
            now,
            remove=("failure_reason",),
            resend_reason=reason,
            resent_at=iso(now),
        )
    except TransitionRefused as refused:
        raise StateConflict(f"{letter_id} changed meanwhile ({refused.current}): not resent.") from None
