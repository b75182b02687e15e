"""A sign-on letter delivered another way: the organisers record it, so the log and the dashboard stay complete.

A target nobody can email (no address, like the UN Secretary-General before the organisers were given one, or a
send that failed) still gets the letter: by hand, by post or through a contact form. Recording it moves the
target's letter `failed -> delivered_by_hand` (chalicelib/letters/states.py) with how, when and a note. The letter
is the one the send logged for that target; for a fixed target that no send could email, it is logged here, with
the list of signatories approved now, and failed at once for want of an address, then recorded.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Mapping

from chalicelib.campaigns.catalogue import Campaign
from chalicelib.directory import Directory
from chalicelib.errors import InvalidField, NotFound, StateConflict, WrongKind
from chalicelib.letters.letter import Letter
from chalicelib.letters.log import LetterLog
from chalicelib.letters.states import Status, TransitionRefused
from chalicelib.outcomes.group_letters import group_letter_id
from chalicelib.outcomes.sign_on_sends import FIXED, SignOnSends

METHODS = ("by_hand", "by_post", "contact_form")
MAX_NOTE = 1000
BY_HAND = "by-hand"  # the "send" of a letter logged only to record its delivery by hand
WENT = ("dispatching", "dispatched")


def parse_date(text: Any, today: dt.date, opens: dt.date) -> dt.date:
    """A delivery date, YYYY-MM-DD, neither in the future nor before the campaign opened."""
    if not isinstance(text, str):
        raise InvalidField("date", "The delivery date is required, as YYYY-MM-DD (e.g. 2026-11-20).")
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidField("date", f"{text!r} is not a date: write it as YYYY-MM-DD (e.g. 2026-11-20).") from None
    if day > today:
        raise InvalidField("date", f"The delivery date {day.isoformat()} is in the future (today is {today}).")
    if day < opens:
        raise InvalidField("date", f"The delivery date {day.isoformat()} is before the campaign opened ({opens}).")
    return day


class HandDeliveries:
    def __init__(
        self,
        *,
        letters: LetterLog,
        sends: SignOnSends,
        directory: Directory,
        clock: Callable[[], dt.datetime],
    ) -> None:
        self._letters, self._sends, self._directory, self._clock = letters, sends, directory, clock

    def record(self, campaign: Campaign, body: Mapping[str, Any], actor: str) -> dict[str, Any]:
        """Record that the letter reached one target another way: body {"target_set", "country" (not for
        "fixed"), "method" (by_hand | by_post | contact_form), "date" (YYYY-MM-DD), "note"}."""
        if not campaign.is_sign_on:
            raise WrongKind(f"The campaign {campaign.slug!r} is not a sign-on letter.")
        target_set = body.get("target_set") or (FIXED if campaign.fixed_target else "")
        if target_set not in self._sends.target_sets(campaign):
            raise InvalidField(
                "target_set", f"The target set is one of {', '.join(self._sends.target_sets(campaign))}."
            )
        country = ""
        if target_set != FIXED:
            found = self._directory.find_country(str(body.get("country") or ""))
            if found is None:
                raise InvalidField("country", "Name the target's country, e.g. KE.")
            country = found.alpha2
        method = body.get("method")
        if method not in METHODS:
            raise InvalidField("method", f"The delivery method is one of {', '.join(METHODS)}, not {method!r}.")
        day = parse_date(body.get("date"), self._clock().date(), campaign.opens)
        note = body.get("note") or ""
        if not isinstance(note, str) or len(note) > MAX_NOTE or "\0" in note:
            raise InvalidField("note", f"The note is text of at most {MAX_NOTE} characters.")

        letter = self._letter(campaign, target_set, country)
        try:
            self._letters.move(
                letter.letter_id,
                Status.FAILED,
                Status.DELIVERED_BY_HAND,
                self._clock(),
                delivered_by=method,
                delivered_on=day.isoformat(),
                delivery_note=note.strip(),
                delivery_recorded_by=actor,
            )
        except TransitionRefused as refused:
            raise StateConflict(
                f"The letter to {letter.target_name} is {refused.current}: only a letter that could not be emailed "
                "(failed) can be recorded as delivered another way, once."
            ) from None
        return self.view(self._letters.get(letter.letter_id) or letter)

    def all(self, slug: str) -> list[dict[str, Any]]:
        """The letters of the campaign's sends nobody could email, recorded or still to deliver another way."""
        ids = [group_letter_id("sign-on", BY_HAND, FIXED)]
        for send in self._sends.all(slug):
            if send["status"] in WENT:
                ids += [group_letter_id("sign-on", send["send_id"], c) for c in send["unreachable"]]
        found = (self._letters.get(i) for i in dict.fromkeys(ids))
        return [self.view(letter) for letter in found if letter and letter.campaign == slug]

    @staticmethod
    def view(letter: Letter) -> dict[str, Any]:
        return {
            "letter_id": letter.letter_id,
            "status": letter.status,
            "target_set": letter.target_set,
            "target_name": letter.target_name,
            "country": letter.country,
            "delivered_by": letter.delivered_by,
            "delivered_on": letter.delivered_on,
            "note": letter.delivery_note,
            "recorded_by": letter.delivery_recorded_by,
        }

    def _letter(self, campaign: Campaign, target_set: str, country: str) -> Letter:
        """The target's letter in the latest send to its set; for a fixed target never sent, one logged now."""
        sends = sorted(
            (s for s in self._sends.all(campaign.slug) if s["target_set"] == target_set and s["status"] in WENT),
            key=lambda s: s["send_at"],
        )
        for send in reversed(sends):
            letter = self._letters.get(group_letter_id("sign-on", send["send_id"], country or FIXED))
            if letter is not None:
                return letter
        if target_set != FIXED:
            raise NotFound(f"No letter to {country} ({target_set}) was sent: send the letter to that set first.")
        return self._sends.log_unsent(campaign, BY_HAND)
