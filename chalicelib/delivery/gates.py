"""Whether a queued letter may be sent now. Checked in this order, cheapest and most final first:

1. its campaign is paused (reputation guard)  -> park it until an organiser resumes
2. the recipient complained about this campaign -> refuse it (failed, with the reason)
3. the target is marked failing (hard bounce)  -> wait, re-checked hourly, until an organiser clears it
4. the target's hourly pace                    -> wait for its place in line; a supporter's letter whose place
                                                  would be more than OVERFLOW_HORIZON away joins its target's
                                                  overflow digest instead (unless the campaign opted out)
5. the account's SES MaxSendRate               -> wait a minute if no token came within a few seconds
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from chalicelib.campaigns.catalogue import Campaign
from chalicelib.delivery.pacing import Pacer, target_zone
from chalicelib.delivery.reputation import ReputationGuard
from chalicelib.delivery.send_rate import SendRate
from chalicelib.delivery.suppressions import Suppressions
from chalicelib.directory import Directory
from chalicelib.directory.health import TargetHealth
from chalicelib.letters.letter import Letter
from chalicelib.letters.states import TARGET_RECHECK

RATE_WAIT = dt.timedelta(minutes=1)
# A letter coming back from one of these waits holds its place in the target's line (it was given a place,
# or had passed pacing when SES or the account rate turned it back).
PLACE_HOLDING = frozenset({"pacing", "rate", "retry"})
# A line longer than this would keep letters waiting more than a day once digests, collected for OVERFLOW_EVERY
# (digests.py), take their own places in it: 12 hours leaves room for both (bench/overflow.py measures it).
OVERFLOW_HORIZON = dt.timedelta(hours=12)
SUPPRESSED = "The recipient asked not to receive more letters from this campaign (a complaint), so it was not sent."


@dataclass(frozen=True)
class Decision:
    action: str  # go | wait | park | refuse | digest
    reason: str = ""
    until: dt.datetime | None = None
    epoch: int = 0  # the reputation guard's count epoch read on the way (a send is counted in it)


def may_overflow(letter: Letter, campaign: Campaign) -> bool:
    """Whether a letter may join an overflow digest: a supporter's own letter (a digest or sign-on letter never),
    on a campaign that did not opt out."""
    return not letter.kind and campaign.delivery.overflow_digests and not campaign.delivery.is_digest


def health_subject(target_set: str, country: str, campaign: str) -> tuple[str, str]:
    """What a target-health record is about: a directory target by set and country, a fixed one by campaign."""
    return ("fixed", campaign) if target_set == "fixed" else (target_set, country)


class Gates:
    def __init__(
        self,
        *,
        guard: ReputationGuard,
        suppressions: Suppressions,
        health: TargetHealth,
        pacer: Pacer | None,
        send_rate: SendRate,
        directory: Directory,
    ) -> None:
        self._guard, self._suppressions, self._health = guard, suppressions, health
        self._pacer, self._rate, self._directory = pacer, send_rate, directory

    def decide(self, letter: Letter, campaign: Campaign, now: dt.datetime) -> Decision:
        sending = self._guard.state(campaign.slug)
        if sending.paused:
            return Decision("park", "paused")
        if self._suppressions.is_suppressed(campaign.slug, letter.target_email):
            return Decision("refuse", SUPPRESSED)
        if self._health.failing(*health_subject(letter.target_set, letter.country, campaign.slug)):
            return Decision("wait", "target_failing", now + TARGET_RECHECK)
        if self._pacer is not None:  # None only in a local stage that switched pacing off
            admission = self._pacer.admit(
                letter.target_email,
                campaign.delivery.max_per_target_per_hour,
                self._zone(letter, campaign),
                now,
                holds_place=letter.waiting_reason in PLACE_HOLDING,
                horizon=OVERFLOW_HORIZON if may_overflow(letter, campaign) else None,
            )
            if admission.overflow:
                return Decision("digest", "overflow")
            if not admission.go:
                return Decision("wait", "pacing", admission.not_before)
        if not self._rate.acquire():
            return Decision("wait", "rate", now + RATE_WAIT)
        return Decision("go", epoch=sending.epoch)

    def _zone(self, letter: Letter, campaign: Campaign) -> Any:
        fixed = campaign.fixed_target
        country_zone = "" if fixed else self._directory.country(letter.country).timezone
        return target_zone(letter.target_set, country_zone, fixed.timezone if fixed else None)
