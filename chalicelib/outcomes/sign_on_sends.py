"""Coalition sign-on letters, part two: at the time the organisers chose, the letter with the numbered list of
approved signatories (in the campaign's `[sign_on] order`) goes to every target in a target set (all 193 foreign
ministries, all missions in Geneva...), one logged letter per target; or, for a campaign with a fixed target (the UN
Secretary-General), the one letter to it (set "fixed").

A send is one item in the campaign's partition (sk "SEND#<id>"), found by the housekeeping job through the by-due
index at its time, and moved by conditional writes (chalicelib/storage/state_machines.py SIGN_ON_SEND):

    scheduled -> dispatching -> dispatched          scheduled -> cancelled

- Dispatching freezes the signatory list first, so every target gets the same letter even if it is resumed.
- Each target's letter has an id derived from the send and the country (group_letters.py): a dispatch cut short
  (a crash, the queue unreachable) is taken up by the next housekeeping run after its lease, from the last
  country it recorded, and creates and sends nothing twice.
- The letters are ordinary queued letters: the worker paces them (per target, and the account's SES rate),
  holds them if the reputation guard pauses the campaign, and logs each outcome.
- A target nobody can be emailed at (no sourced address, or failing, and no fallback) is logged as a failed
  letter saying so, and listed in the send's `unreachable`: never skipped in silence. Organisers can record that
  they delivered it another way (chalicelib/outcomes/hand_deliveries.py).
- A fixed target with no address (or a placeholder one) is refused at scheduling in dev and prod, naming
  `fixed_target.email`; only the local stage sends it, to a placeholder on .invalid.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace
from typing import Any, Callable

from chalicelib.campaigns.catalogue import Campaign, Campaigns
from chalicelib.clock import iso
from chalicelib.directory import DIRECTORY_SETS, Directory
from chalicelib.errors import CountNotConfirmed, InvalidField, NotFound, StateConflict, WrongKind
from chalicelib.letters.composing import ComposedLetter, fixed_target, render_letter
from chalicelib.letters.fallbacks import IsFailing, never_failing, plan_route, sandbox_address
from chalicelib.letters.letter import Letter
from chalicelib.outcomes.group_letters import GroupLetter, GroupSender, group_letter_id
from chalicelib.outcomes.signatures import Signatures, numbered, partition
from chalicelib.storage.due_index import due_keys
from chalicelib.storage.paged_query import query_all
from chalicelib.storage.state_machines import SIGN_ON_SEND, MoveRefused, move, put_once

LEASE = dt.timedelta(minutes=5)  # a dispatch not heard from for this long is resumed by the next housekeeping run
PROGRESS_EVERY = 20  # countries between two records of progress
OPEN = ("scheduled", "dispatching", "dispatched")
CONFIRM_ABOVE = 10  # a send to more targets than this needs their number confirmed (confirm_count)
FIXED = "fixed"  # the target set of a campaign's one fixed target, and its place in a send's progress


def send_key(campaign: str, send_id: str) -> dict[str, str]:
    return {"pk": partition(campaign), "sk": f"SEND#{send_id}"}


def send_view(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "send_id": item["send_id"],
        "status": item["status"],
        "target_set": item["target_set"],
        "send_at": item["send_at"],
        "requested_by": item.get("requested_by", ""),
        "signatories": len(item.get("signatories") or []),
        "letters": int(item.get("letters", 0)),
        "unreachable": list(item.get("unreachable") or []),
        "progress": item.get("cursor", ""),
        "why": item.get("why", ""),
    }


class SignOnSends:
    def __init__(
        self,
        *,
        table: Any,
        signatures: Signatures,
        sender: GroupSender,
        campaigns: Campaigns,
        directory: Directory,
        clock: Callable[[], dt.datetime],
        is_failing: IsFailing = never_failing,
        sandbox: bool = False,
    ) -> None:
        self._table, self._signatures, self._sender = table, signatures, sender
        self._campaigns, self._directory, self._clock = campaigns, directory, clock
        self._is_failing, self._sandbox = is_failing, sandbox

    def target_count(self, target_set: str = "") -> int:
        """How many targets a send writes to: one per member state, whichever the set; one fixed target."""
        if target_set == FIXED:
            return 1
        return sum(1 for c in self._directory.countries() if c.status == "member")

    def check_fixed_address(self, campaign: Campaign) -> None:
        """Refuse a send to a fixed target nobody can email (no address, or a placeholder), except in the local
        stage, whose letters go to a placeholder and end in the outbox."""
        from chalicelib.mail.addresses import is_placeholder

        fixed = campaign.fixed_target
        email = (fixed.email or "") if fixed else ""
        if self._sandbox or (email and not is_placeholder(email)):
            return
        what = f"is the placeholder {email!r}" if email else "is empty"
        raise InvalidField(
            "fixed_target.email",
            f"The fixed target's address (fixed_target.email in templates/campaigns/{campaign.slug}/campaign.toml) "
            f"{what}: put there the address the organisers were given, with its fixed_target.email_source. "
            "Démarche never guesses one. Or deliver the letter another way and record it (hand deliveries).",
        )

    def target_sets(self, campaign: Campaign) -> tuple[str, ...]:
        """The sets a send of `campaign` may go to: the directory's, and its fixed target if it has one."""
        return (*DIRECTORY_SETS, FIXED) if campaign.fixed_target else DIRECTORY_SETS

    def schedule(
        self,
        campaign: Campaign,
        target_set: str,
        send_at: dt.datetime | None,
        actor: str,
        confirm_count: int | None = None,
    ) -> dict[str, Any]:
        """Plan the letter to every target in `target_set` at `send_at` (None: at once, i.e. the next run).

        To more than CONFIRM_ABOVE targets, `confirm_count` must be that number: CountNotConfirmed (409) names it."""
        if not campaign.is_sign_on:
            raise WrongKind(f"The campaign {campaign.slug!r} is not a sign-on letter.")
        if target_set not in self.target_sets(campaign):
            raise InvalidField("target_set", f"The target set must be one of {', '.join(self.target_sets(campaign))}.")
        if target_set == FIXED:
            self.check_fixed_address(campaign)
        now = self._clock()
        when = send_at or now
        if when < now - dt.timedelta(minutes=1):
            raise InvalidField("send_at", "The send time is in the past.")
        if not self._signatures.approved(campaign.slug):
            raise StateConflict("No signatory is approved yet: approve at least one before scheduling the letter.")
        for other in self.all(campaign.slug):
            if other["target_set"] == target_set and other["status"] in OPEN:
                raise StateConflict(
                    f"A send to {target_set} is already {other['status']} ({other['send_id']}): "
                    "cancel it first; every target gets this letter once."
                )
        count = self.target_count(target_set)
        if count > CONFIRM_ABOVE and confirm_count != count:
            raise CountNotConfirmed(
                f"This sends the letter to {count} targets ({target_set}): confirm with confirm_count {count}.",
                count=count,
            )
        send_id = f"{when.strftime('%Y%m%dT%H%MZ')}-{uuid.uuid4().hex[:8]}"
        key = send_key(campaign.slug, send_id)
        expires = int((when + campaign.policies.retention).timestamp())
        item = {
            **key,
            **due_keys(key["pk"] + key["sk"], int(when.timestamp())),
            "send_id": send_id,
            "campaign": campaign.slug,
            "status": "scheduled",
            "target_set": target_set,
            "send_at": iso(when),
            "requested_by": actor,
            "created_at": iso(now),
            "updated_at": iso(now),
            "expires_at": expires,
        }
        put_once(self._table, item)
        return send_view(item)

    def cancel(self, campaign: Campaign, send_id: str, actor: str) -> dict[str, Any]:
        key = send_key(campaign.slug, send_id)
        try:
            move(
                self._table,
                SIGN_ON_SEND,
                key,
                "scheduled",
                "cancelled",
                self._clock(),
                changes={"why": f"cancelled by {actor}"},
            )
        except MoveRefused as refused:
            if refused.current is None:
                raise NotFound(f"No send {send_id!r} in {campaign.slug}.") from None
            raise StateConflict(f"This send is {refused.current}: only a scheduled send can be cancelled.") from None
        return send_view(self._item(key))

    def all(self, campaign: str) -> list[dict[str, Any]]:
        from boto3.dynamodb.conditions import Key

        items = query_all(
            self._table,
            KeyConditionExpression=Key("pk").eq(partition(campaign)) & Key("sk").begins_with("SEND#"),
            ConsistentRead=True,
        )
        return [send_view(i) for i in items]

    def log_unsent(self, campaign: Campaign, send_id: str) -> Letter:
        """The letter to the campaign's fixed target, with the list approved now, logged with no address (so
        failed at once): what a delivery by hand is recorded on when no send could email it."""
        signatories = numbered(self._signatures.approved(campaign.slug, order=campaign.signatory_order))
        if not signatories:
            raise StateConflict("No signatory is approved yet: approve at least one before delivering the letter.")
        target = fixed_target(campaign.fixed_target)  # type: ignore[arg-type]  # callers ask only with one
        composed = render_letter(campaign, "", target, None, signatories=signatories)
        return self._log({"send_id": send_id, "signatories": signatories}, campaign, "", composed, "", "")

    # --- the housekeeping job --------------------------------------------------------------------------------

    def dispatch(self, key: dict[str, str]) -> str:
        """Send a due send's letters, or take up a dispatch that was cut short, from where it stopped."""
        item = self._item(key)
        now = self._clock()
        campaign = self._campaigns.get(item["campaign"])
        if item["status"] == "scheduled":
            if now < _at(item["send_at"]):
                return "not_yet"
            signatories = numbered(self._signatures.approved(campaign.slug, order=campaign.signatory_order))
            if not signatories:
                move(
                    self._table,
                    SIGN_ON_SEND,
                    key,
                    "scheduled",
                    "cancelled",
                    now,
                    changes={"why": "no approved signatory at send time", "due_at": int(item["expires_at"])},
                )
                return "send_cancelled"
            move(
                self._table,
                SIGN_ON_SEND,
                key,
                "scheduled",
                "dispatching",
                now,
                changes={"signatories": signatories, "cursor": "", "due_at": _lease(now)},
            )
            item = {**item, "status": "dispatching", "signatories": signatories, "cursor": ""}
        if item["status"] != "dispatching":
            move(
                self._table,
                SIGN_ON_SEND,
                key,
                item["status"],
                item["status"],
                now,
                changes={"due_at": int(item["expires_at"])},
            )
            return "rescheduled"
        return self._dispatch(key, item, campaign)

    def _dispatch(self, key: dict[str, str], item: dict[str, Any], campaign: Campaign) -> str:
        target_set, cursor = item["target_set"], item.get("cursor", "")
        unreachable = list(item.get("unreachable") or [])
        # The campaign as if it wrote to this send's set (then the rest of its chain, other sets only).
        as_sent = replace(
            campaign,
            target_set=target_set,
            fallback_target_sets=tuple(s for s in campaign.fallback_target_sets if s != target_set),
        )
        if target_set == FIXED:
            countries = [FIXED]
        else:
            countries = sorted(c.alpha2 for c in self._directory.countries() if c.status == "member")
        batch: list[Letter] = []
        for alpha2 in countries:
            if alpha2 <= cursor:
                continue  # queued by an earlier run, as its recorded progress says
            letter = self._one(item, as_sent, alpha2)
            if not letter.target_email:
                unreachable.append(alpha2)
            batch.append(letter)
            cursor = alpha2
            if len(batch) == PROGRESS_EVERY:
                self._sender.queue(batch)  # first queued, then recorded: a crash in between queues them again
                move(
                    self._table,
                    SIGN_ON_SEND,
                    key,
                    "dispatching",
                    "dispatching",
                    self._clock(),
                    changes={"cursor": cursor, "unreachable": unreachable, "due_at": _lease(self._clock())},
                )
                batch = []
        self._sender.queue(batch)
        move(
            self._table,
            SIGN_ON_SEND,
            key,
            "dispatching",
            "dispatched",
            self._clock(),
            changes={
                "cursor": cursor,
                "letters": len(countries),
                "unreachable": unreachable,
                "due_at": int(item["expires_at"]),
            },
        )
        return "sign_on_dispatched"

    def _one(self, item: dict[str, Any], campaign: Campaign, alpha2: str) -> Letter:
        """The letter to one country's target (or the fixed target), logged once (a target nobody can email gets a
        failed letter)."""
        if alpha2 == FIXED:
            target = fixed_target(campaign.fixed_target)  # type: ignore[arg-type]  # a "fixed" send has one
            email = target.email or (sandbox_address(target, "") if self._sandbox else "")
            composed = render_letter(campaign, "", target, None, signatories=item["signatories"])
            origin = target.address_origin or ("placeholder" if email else "")
            return self._log(item, campaign, "", composed, email, origin)
        country = self._directory.country(alpha2)
        route = plan_route(campaign, country, self._directory, is_failing=self._is_failing, sandbox=self._sandbox)
        target = route.send_to or route.target
        composed = render_letter(campaign, country.alpha2, target, None, signatories=item["signatories"])
        email = (target.email or "") if route.send_to else ""
        return self._log(item, campaign, alpha2, composed, email, route.address_origin)

    def _log(
        self, item: dict[str, Any], campaign: Campaign, country: str, composed: ComposedLetter, email: str, origin: str
    ):
        return self._sender.log(
            GroupLetter(
                letter_id=group_letter_id("sign-on", item["send_id"], country or FIXED),
                kind="sign-on",
                campaign=campaign,
                country=country,
                target_set=composed.target.target_set,
                target_name=composed.target.name,
                target_email=email,
                address_origin=origin,
                composed=composed,
                send_id=item["send_id"],
            )
        )

    def _item(self, key: dict[str, str]) -> dict[str, Any]:
        item = self._table.get_item(Key=key, ConsistentRead=True).get("Item")
        if item is None:
            raise NotFound("No such send.")
        return item


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _lease(now: dt.datetime) -> int:
    return int((now + LEASE).timestamp())
