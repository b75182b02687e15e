"""Letters the organisers send on behalf of many: a digest of supporters' letters, or a coalition's sign-on letter.

Each is an ordinary letter in the log (queued -> sending -> sent -> delivered ...), so the worker paces, guards
and tracks it like any other (chalicelib/delivery/worker.py). Only its id differs: it is derived from what the letter
is for (a digest and its part, a send and its target), so building it twice, as a job resumed after a failure
does, logs it once and sends it once.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Callable, Iterable

from chalicelib.campaigns.catalogue import Campaign
from chalicelib.clock import iso
from chalicelib.letters.composing import ComposedLetter
from chalicelib.letters.letter import Letter
from chalicelib.letters.log import LetterLog
from chalicelib.letters.queue import LetterQueue
from chalicelib.letters.states import Status, TransitionRefused

NAMESPACE = uuid.UUID("6f1d7c2e-1f55-4b8e-9a43-8d3f0c6a9b10")  # fixed forever: ids must come out the same
NO_ADDRESS = "Not sent: the recipient has no email address we can use. Send it another way (see its website)."


def group_letter_id(*parts: str) -> str:
    """The same id for the same purpose, every time."""
    return str(uuid.uuid5(NAMESPACE, "|".join(parts)))


@dataclass(frozen=True)
class GroupLetter:
    letter_id: str
    kind: str  # "digest" | "sign-on"
    campaign: Campaign
    country: str  # the target's country ("" for a fixed target such as the UN Secretary-General)
    target_set: str
    target_name: str
    target_email: str  # "" when nobody can be emailed: the letter is logged as failed, with the reason
    composed: ComposedLetter
    digest_id: str = ""
    send_id: str = ""
    address_origin: str = ""  # as on Letter


class GroupSender:
    def __init__(self, letters: LetterLog, queue: LetterQueue, clock: Callable[[], dt.datetime]) -> None:
        self._letters, self._queue, self._clock = letters, queue, clock

    def log(self, spec: GroupLetter) -> Letter:
        """Log `spec` unless it is logged already (then the letter as it stands). A letter nobody can be emailed is
        failed at once, saying so; any other is left `queued`, for `queue`."""
        letter = self._letter(spec)
        if not self._letters.create_once(letter):
            return self._letters.get(spec.letter_id) or letter  # an earlier run logged it
        if not spec.target_email:
            try:
                self._letters.move(
                    letter.letter_id, Status.QUEUED, Status.FAILED, self._clock(), failure_reason=NO_ADDRESS
                )
            except TransitionRefused:
                pass
            return self._letters.get(letter.letter_id) or letter
        return letter

    def logged(self, letter_id: str) -> Letter | None:
        return self._letters.get(letter_id)

    def queue(self, letters: Iterable[Letter]) -> None:
        """Put on the queue every letter still `queued`, ten to an SQS call; RuntimeError if SQS refused one, so
        the job stays due and tries again. A letter an earlier run queued already gets a second message, which is
        harmless (one worker wins `queued -> sending`); a letter never queued would be lost."""
        ids = [letter.letter_id for letter in letters if letter.status == Status.QUEUED.value]
        taken = self._queue.enqueue_many(ids)
        if not all(taken):
            raise RuntimeError(f"{taken.count(False)} of {len(ids)} letters could not be queued; the job tries again")

    def _letter(self, spec: GroupLetter) -> Letter:
        now = self._clock()
        campaign = spec.campaign
        keep_until = int((now + campaign.policies.retention).timestamp())
        return Letter(
            letter_id=spec.letter_id,
            campaign=campaign.slug,
            country=spec.country,
            target_set=spec.target_set,
            target_name=spec.target_name,
            target_email=spec.target_email,
            address_origin=spec.address_origin,
            language=spec.composed.language,
            subject=spec.composed.subject,
            body=spec.composed.body,
            # From "<from_name> via <organisation>", Reply-To the organisers: nobody's personal address.
            supporter_name=campaign.from_name,
            supporter_email=campaign.reply_to,
            status=Status.QUEUED.value,
            created_at=iso(now),
            updated_at=iso(now),
            status_token_hash="",
            expires_at=keep_until,
            due_at=keep_until,
            kind=spec.kind,
            digest_id=spec.digest_id,
            send_id=spec.send_id,
        )
