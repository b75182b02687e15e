"""The one screening every submission passes, a supporter's letter or an organisation's signature alike.

In order: the campaign is open and of the right kind; an `Idempotency-Key` replays the first answer; the bot
traps (honeypot, form stamp); the caller's own field checks; proof of work when the campaign asks for it
(`[bots] proof_of_work`); then admission, where the duplicate guard and the exact rate limits are written in
one transaction with the item; and if the email (or queue message) announcing it cannot leave, nothing is kept.

A bot is never told it was caught: the caller answers it with a decoy shaped like success, and nothing is kept.
`FrontDoor` (letters) and `Signatures` (sign-on letters) differ only in their fields, their item and their email.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Callable, Mapping, TypeVar

from chalicelib.campaigns.catalogue import Campaign
from chalicelib.errors import ServiceUnavailable, WrongKind
from chalicelib.front_door.admission import Admission, Admissions
from chalicelib.front_door.bot_traps import FormUse, Verdict, judge, split_bot_fields, stamp_of
from chalicelib.front_door.duplicates import mailbox_hash
from chalicelib.front_door.idempotency import Idempotency
from chalicelib.front_door.proof_of_work import check_proof
from chalicelib.front_door.rate_limits import Counter, counters_for, ip_network
from chalicelib.signing import Signer

log = logging.getLogger(__name__)

T = TypeVar("T")
Checked = TypeVar("Checked")


class Screening:
    def __init__(self, *, admissions: Admissions, idempotency: Idempotency, signer: Signer, table: Any) -> None:
        self._admissions, self._idempotency, self._signer, self._table = admissions, idempotency, signer, table

    def door_open(self, campaign: Campaign, now: dt.datetime, *, sign_on: bool) -> None:
        """CampaignNotOpen outside its dates; WrongKind for a letter to a sign-on campaign, or the reverse."""
        campaign.check_open(now.date())
        if campaign.is_sign_on and not sign_on:
            raise WrongKind(
                f"The campaign {campaign.slug!r} collects organisations' signatures, not letters: "
                f"sign it at /campaigns/{campaign.slug}/signatures."
            )
        if sign_on and not campaign.is_sign_on:
            raise WrongKind(
                f"The campaign {campaign.slug!r} collects letters, not signatures: "
                f"write at /campaigns/{campaign.slug}/form."
            )

    def once(
        self,
        campaign: Campaign,
        idempotency_key: str,
        payload: Any,
        now: dt.datetime,
        take: Callable[[], tuple[T, bool]],
        *,
        record: Callable[[T], dict[str, Any]],
        replay: Callable[[dict[str, Any]], T],
        what: str = "letter",
    ) -> T:
        """Run `take` (its answer, and whether anything real was kept) once per Idempotency-Key: a retry with the
        same key and body gets the first answer back. Without a key, `take` simply runs. A decoy is not kept,
        so a bot's retry is screened again."""
        if not idempotency_key:
            return take()[0]
        claim = self._idempotency.begin(campaign.slug, idempotency_key, payload, now, what=what)
        if claim.replay is not None:
            return replay(claim.replay)
        try:
            answer, real = take()
        except BaseException:
            self._idempotency.abandon(claim)
            raise
        if real:
            self._idempotency.finish(claim, record(answer))
        else:
            self._idempotency.abandon(claim)
        return answer

    def screen(
        self,
        campaign: Campaign,
        payload: Any,
        now: dt.datetime,
        check: Callable[[Mapping[str, Any]], Checked],
        what: str = "",
    ) -> Checked | None:
        """The fields as `check` returns them, or None for a bot (answer it with a decoy; keep nothing).

        The traps come first (a bot's fields are not worth checking), the proof of work last: a person whose
        field is wrong fixes it and sends again without their solved puzzle being spent."""
        fields, traps = split_bot_fields(payload)
        where = f"{campaign.slug}{' ' + what if what else ''}"
        if judge(traps, self._signer, campaign.slug, campaign.policies.bots, now) is Verdict.BOT:
            log.info("bot trap on %s: answered with a decoy, nothing kept", where)
            return None
        checked = check(fields)
        if (
            campaign.policies.bots.proof_of_work
            and check_proof(traps.proof, self._signer, self._table, campaign.slug, now) is Verdict.BOT
        ):
            log.info("proof of work failed on %s: answered with a decoy, nothing kept", where)
            return None
        return checked

    def mailbox(self, email: str) -> str:
        """The keyed hash of the mailbox behind `email` (dots and +tags folded where the provider does)."""
        return mailbox_hash(self._signer, email)

    def counters(
        self,
        campaign: Campaign,
        payload: Mapping[str, Any],
        ip: str,
        mailbox: str,
        target: str | None,
        *,
        confirmed_only: bool = False,
    ) -> list[Counter | FormUse]:
        """What one submission (`payload`, screened) spends at admission: its form stamp, once; and the exact rate
        limits, per IP (an IPv6 /64 as one), per mailbox and, for a letter, per target (`confirmed_only`: checked
        here, counted when the letter is confirmed)."""
        counters = counters_for(
            campaign.slug,
            campaign.policies.limits,
            ip_hash=self._signer.keyed_hash("ip", ip_network(ip)),
            mailbox_hash=mailbox,
            target=target or "",
            confirmed_only=confirmed_only,
        )
        form = FormUse(campaign.slug, stamp_of(payload), campaign.policies.bots.max_age)
        return [form, *(c for c in counters if target is not None or c.scope != "target")]

    def admit(
        self,
        admission: Admission,
        on_duplicate: Callable[[str], None],
        announce: Callable[[], None],
        unavailable: str,
    ) -> bool:
        """Write item, duplicate guard and rate counters in one transaction, then `announce` it (the confirmation
        email, or the queue message); if that fails, everything admitted is taken back and ServiceUnavailable
        says `unavailable`. A duplicate keeps nothing but its count against the limits: `on_duplicate(holder)`
        runs and False is returned, so the caller answers as for a new submission (no oracle for who wrote)."""
        existing = self._admissions.admit(admission)
        if existing is not None:
            try:
                on_duplicate(existing)
            except Exception:  # noqa: BLE001 - an error here would tell the caller it was a duplicate
                log.exception("duplicate of %s: telling its owner failed", existing)
            return False
        try:
            announce()
        except Exception as exc:  # nothing may stay behind a submission whose email or queue message never left
            self._admissions.withdraw(admission)
            raise ServiceUnavailable(unavailable) from exc
        return True
