"""Digest delivery: each target gets one letter per period (daily by default, at a set hour of its own day)
carrying the campaign letter once and then everyone who wrote in that period.

A confirmed letter in a digest campaign is not sent alone: it moves `pending_confirmation -> awaiting_digest`
and joins the digest due next for its target. A digest is an item that collects entries until its time (its
`due_at` in the by-due index), when the housekeeping job closes it (chalicelib/storage/state_machines.py DIGEST):

    collecting -> closing (no entry can join any more) -> handed_over (its letters logged and queued)
                                                        -> empty (everyone deleted their details: nothing is sent)

Closing freezes the list of supporters, logs one letter per MAX_SUPPORTERS of them (group_letters.py: ids
derived from the digest, so a closing resumed after a crash sends nothing twice) and moves each supporter's
letter `awaiting_digest -> in_digest`, naming the letter that carries it. From there the digest letter is an
ordinary letter: paced per target, held by the reputation guard, followed through SES feedback.

Overflow digests. On any other campaign (unless it opted out: `[delivery] overflow_digests = false`), a letter
whose target's line is so long that pacing could not send it within a day moves `queued -> awaiting_digest`
(gates.py) and joins its target's overflow digest, which closes every OVERFLOW_EVERY. An overflow digest letter
carries the campaign letter once and then the names of everyone who wrote (their own words would not fit: at
half a million letters a day to one ministry, only names let a day's letters fit in the letters pacing allows),
in parts of at most PART_BYTES of names. Its letters take their places in the target's line like any other.

A letter misses its digest only by joining in the instant it closes; it is still `awaiting_digest` when its own
due time (the digest's plus GRACE) comes, and then joins the next one. A period nobody wrote in has no digest.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace
from typing import Any, Callable
from zoneinfo import ZoneInfo

from chalicelib.campaigns.catalogue import Campaign, Campaigns, Delivery
from chalicelib.clock import iso
from chalicelib.delivery.pacing import target_zone
from chalicelib.directory import Directory
from chalicelib.letters.composing import ComposedLetter, named_in, render_letter, resolve_target, tidy
from chalicelib.letters.letter import Letter
from chalicelib.letters.log import LetterLog
from chalicelib.letters.states import Status, TransitionRefused
from chalicelib.outcomes.group_letters import GroupLetter, GroupSender, group_letter_id
from chalicelib.storage.due_index import due_keys
from chalicelib.storage.paged_query import query_all
from chalicelib.storage.state_machines import DIGEST, MoveRefused, move, put_once

log = logging.getLogger(__name__)

GRACE = dt.timedelta(hours=1)  # a letter still waiting this long after its digest was due joins the next one
CLOSING_LEASE = dt.timedelta(minutes=10)  # a closing cut short is taken up again after this
KEPT = dt.timedelta(days=30)  # a digest's record (who was in it: letter ids only) after it was due
SCRUB_AFTER = dt.timedelta(days=1)  # a digest letter's text is deleted once SES has taken it (checked daily)
OWED_OR_HELD = frozenset({Status.QUEUED.value, Status.SENDING.value})  # not yet handed to SES
REWRITE_ATTEMPTS = 8  # rewrites of one digest letter racing each other: each reads again and retries
MAX_SUPPORTERS = 100  # per digest letter; more make several letters ("part 2 of 3"), each paced like any other
OVERFLOW_EVERY = dt.timedelta(minutes=15)  # an overflow digest closes at each quarter hour (housekeeping's beat)
PART_BYTES = 300_000  # an overflow digest letter lists at most this much of names (an item holds 400 KB)
ENTRY = "ENTRY#"


def next_send_at(delivery: Delivery, zone: ZoneInfo, after: dt.datetime) -> dt.datetime:
    """The first digest time strictly after `after`: `local_hour` in the target's zone, daily or on `weekday`."""
    day = after.astimezone(zone).date()
    for offset in range(9):
        date = day + dt.timedelta(days=offset)
        if delivery.period == "weekly" and date.weekday() != delivery.weekday:
            continue
        # Through UTC and back: an hour that a DST change skips becomes the next real one.
        candidate = dt.datetime.combine(date, dt.time(delivery.local_hour), tzinfo=zone).astimezone(dt.timezone.utc)
        if candidate > after:
            return candidate
    raise AssertionError("a daily or weekly time always comes within 8 days")


def next_overflow_at(after: dt.datetime) -> dt.datetime:
    """The first OVERFLOW_EVERY boundary strictly after `after`."""
    step = int(OVERFLOW_EVERY.total_seconds())
    return dt.datetime.fromtimestamp((int(after.timestamp()) // step + 1) * step, dt.timezone.utc)


def is_overflow(campaign: Campaign) -> bool:
    """A campaign that is not a digest campaign collects digests only for overflow."""
    return not campaign.delivery.is_digest


def listing_bytes(name: str, city: str, country: str) -> int:
    """About what one supporter's line takes in an overflow digest letter."""
    return len(f"{name}, {city} ({country})".encode()) + 8


def part_sizes(sizes: list[int], budget: int = PART_BYTES) -> list[int]:
    """How many supporters each part lists: consecutive, each part's lines within `budget` (at least one)."""
    parts: list[int] = []
    used = 0
    for size in sizes:
        if parts and used + size <= budget:
            parts[-1] += 1
            used += size
        else:
            parts.append(1)
            used = size
    return parts


def pack(members: list[str]) -> bytes:
    """Letter ids (UUIDs) in 16 bytes each: a digest item holds 20,000 of them."""
    import uuid

    return b"".join(uuid.UUID(m).bytes for m in members)


def frozen_members(item: dict[str, Any]) -> list[str] | None:
    """The digest's frozen list of supporters' letters (None while it has not been frozen)."""
    import uuid

    if "members_packed" in item:
        raw = bytes(item["members_packed"])
        return [str(uuid.UUID(bytes=raw[i : i + 16])) for i in range(0, len(raw), 16)]
    members = item.get("members")
    return None if members is None else list(members)


def parts_of(item: dict[str, Any], members: list[str]) -> list[list[str]]:
    """The digest's members split into its letters: frozen sizes (overflow), else MAX_SUPPORTERS each."""
    sizes = [int(n) for n in item.get("part_sizes", [])]
    if not sizes:
        return [members[i : i + MAX_SUPPORTERS] for i in range(0, len(members), MAX_SUPPORTERS)]
    parts, start = [], 0
    for n in sizes:
        parts.append(members[start : start + n])
        start += n
    return parts


def overflow_letter(
    campaign: Campaign, country_code: str, target: Any, supporters: list[dict[str, str]], digest: dict[str, Any]
) -> ComposedLetter:
    """An overflow digest letter: the campaign's own letter once, unsigned, then the names of all who wrote it
    (names only: see the module's docstring). Supporters' text is only ever a value in either template."""
    from chalicelib.rendering import render

    unsigned = {"name": "", "city": "", "message": ""}
    letter = render_letter(campaign, country_code, target, None, supporter=unsigned)
    names = named_in(
        [
            {"name": s["name"], "city": s["city"], "country": s["country"], "country_code": s["country_code"]}
            for s in supporters
        ],
        letter.language,
    )
    # one per campaign language, no fallback: tests/delivery/test_overflow_digests.py fails on a missing one
    body = render(
        f"mail/overflow_digest.{letter.language}.txt", letter=letter.body.rstrip(), supporters=names, digest=digest
    )
    return replace(letter, body=tidy(body))


def recipient(target_set: str, country: str) -> str:
    """Whom a digest is for: a directory target is one per country; a fixed target receives every country's."""
    return "all" if target_set == "fixed" else country


def digest_id_for(campaign: str, target_set: str, country: str, send_at: dt.datetime) -> str:
    return f"{campaign}:{send_at.strftime('%Y%m%dT%H%MZ')}:{target_set}:{recipient(target_set, country)}"


def digest_key(digest_id: str) -> dict[str, str]:
    """Digests live in their campaign's partition, newest last, so the console lists them with one Query."""
    campaign, stamp, target_set, who = digest_id.split(":")
    return {"pk": f"DIGESTS#{campaign}", "sk": f"DIGEST#{stamp}#{target_set}#{who}"}


def entries_pk(digest_id: str) -> str:
    return f"DIGEST#{digest_id}"


class Digests:
    def __init__(
        self,
        table: Any,
        letters: LetterLog,
        sender: GroupSender,
        campaigns: Campaigns,
        directory: Directory,
        clock: Callable[[], dt.datetime],
    ) -> None:
        self._table, self._letters, self._sender = table, letters, sender
        self._campaigns, self._directory, self._clock = campaigns, directory, clock

    # --- supporters' letters join -------------------------------------------------------------------------

    def join(self, letter: Letter, campaign: Campaign, source: Status, **changes: Any) -> str:
        """Move a confirmed (`pending_confirmation`), overflowing (`queued`) or stranded (`awaiting_digest`) letter
        into the digest due next for its target; `changes` are written with the move. Returns the digest's id."""
        now = self._clock()
        after = now
        for _ in range(3):
            digest_id, send_at = self._open_digest(letter, campaign, after)
            due = int((send_at + GRACE).timestamp())
            if source is Status.AWAITING_DIGEST:
                self._letters.amend(letter.letter_id, source, now, digest_id=digest_id, due_at=due, **changes)
            else:
                self._letters.move(
                    letter.letter_id,
                    source,
                    Status.AWAITING_DIGEST,
                    now,
                    held=letter if source is Status.QUEUED else None,
                    remove=("waiting_until", "waiting_reason") if source is Status.QUEUED else (),
                    digest_id=digest_id,
                    due_at=due,
                    **changes,
                )
            source, changes = Status.AWAITING_DIGEST, {}
            if self._add_entry(digest_id, letter.letter_id, letter.confirmed_at or iso(now), send_at):
                return digest_id
            after = send_at  # that digest closed in between: the next one
        log.warning("letter %s found three digests closing in a row; housekeeping will place it", letter.letter_id)
        return digest_id

    def _open_digest(self, letter: Letter, campaign: Campaign, after: dt.datetime) -> tuple[str, dt.datetime]:
        if is_overflow(campaign):
            send_at = next_overflow_at(after)
        else:
            send_at = next_send_at(campaign.delivery, self._zone(campaign, letter.target_set, letter.country), after)
        digest_id = digest_id_for(campaign.slug, letter.target_set, letter.country, send_at)
        expires = int((send_at + KEPT).timestamp())
        key = digest_key(digest_id)
        put_once(
            self._table,
            {
                **key,
                **due_keys(key["pk"] + key["sk"], int(send_at.timestamp())),
                "status": "collecting",
                "digest_id": digest_id,
                "campaign": campaign.slug,
                "target_set": letter.target_set,
                "country": recipient(letter.target_set, letter.country),
                "target_name": letter.target_name,
                "overflow": is_overflow(campaign),
                "send_at": iso(send_at),
                "created_at": iso(self._clock()),
                "updated_at": iso(self._clock()),
                "expires_at": expires,
            },
        )
        return digest_id, send_at

    def _add_entry(self, digest_id: str, letter_id: str, confirmed_at: str, send_at: dt.datetime) -> bool:
        """List the letter in the digest, iff the digest still collects (one transaction); False if it closed."""
        from botocore.exceptions import ClientError

        try:
            self._table.meta.client.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self._table.name,
                            "Item": {
                                "pk": entries_pk(digest_id),
                                "sk": f"{ENTRY}{confirmed_at}#{letter_id}",
                                "letter_id": letter_id,
                                "expires_at": int((send_at + KEPT).timestamp()),
                            },
                        }
                    },
                    {
                        "ConditionCheck": {
                            "TableName": self._table.name,
                            "Key": digest_key(digest_id),
                            "ConditionExpression": "#status = :collecting",
                            "ExpressionAttributeNames": {"#status": "status"},
                            "ExpressionAttributeValues": {":collecting": "collecting"},
                        }
                    },
                ]
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            return False
        return True

    def _zone(self, campaign: Campaign, target_set: str, country: str) -> ZoneInfo:
        """Where the target works (as pacing sees it): its country's zone, Geneva's, New York's, or the fixed one's."""
        fixed = campaign.fixed_target
        country_zone = self._directory.country(country).timezone if target_set != "fixed" and country else ""
        return target_zone(target_set, country_zone, fixed.timezone if fixed else None)

    def stranded(self, letter: Letter) -> str:
        """Housekeeping found `letter` still awaiting its digest after the digest's time: wait, or join the next."""
        item = self._table.get_item(Key=digest_key(letter.digest_id), ConsistentRead=True).get("Item") or {}
        status, members = item.get("status"), frozen_members(item)
        if status == "collecting" or (status == "closing" and (members is None or letter.letter_id in members)):
            later = int((self._clock() + GRACE).timestamp())  # its digest is late, or is being closed with it
            self._letters.amend(letter.letter_id, Status.AWAITING_DIGEST, self._clock(), due_at=later)
            return "waiting"
        self.join(letter, self._campaigns.get(letter.campaign), Status.AWAITING_DIGEST)
        return "rejoined"

    # --- the digest's time has come ------------------------------------------------------------------------

    def close(self, key: dict[str, str]) -> str:
        """Close one due digest and hand its letters to the queue (or nothing, if nobody is left to list)."""
        item = self._table.get_item(Key=key, ConsistentRead=True).get("Item")
        if item is None:
            return "gone"
        now = self._clock()
        later = {"due_at": int((now + CLOSING_LEASE).timestamp())}
        if item["status"] == "collecting":
            if now < dt.datetime.fromisoformat(item["send_at"].replace("Z", "+00:00")):
                return "not_yet"
            move(self._table, DIGEST, key, "collecting", "closing", now, changes=later)
        elif item["status"] == "handed_over" and not item.get("scrubbed"):
            return self._scrub(key, item)
        elif item["status"] != "closing":
            self._done(key, item["status"], item)
            return "rescheduled"
        members = frozen_members(item)
        if members is None:  # frozen once: a resumed closing writes the same letters
            members, frozen = self._freeze(item)
            move(self._table, DIGEST, key, "closing", "closing", now, changes={**later, **frozen})
            item = {**item, **frozen}
        if not members:
            move(self._table, DIGEST, key, "closing", "empty", now, changes={"due_at": int(item["expires_at"])})
            return "digest_empty"
        sent = self._hand_over(item, members)
        move(
            self._table,
            DIGEST,
            key,
            "closing",
            "handed_over",
            now,
            changes={"letters": sent, "supporters": len(members), "due_at": int((now + SCRUB_AFTER).timestamp())},
        )
        return "digest_sent"

    def _scrub(self, key: dict[str, str], item: dict[str, Any]) -> str:
        """Once SES has taken a digest's letters, their text (everyone's names and words) leaves our table: nobody
        needs it any more, and a supporter who deletes their details later must find none of it here."""
        waiting = False
        for letter_id in item.get("letters", []):
            letter = self._letters.get(letter_id)
            if letter is None or not letter.body:
                continue
            if letter.status in OWED_OR_HELD:
                waiting = True  # paced, or held by the reputation guard: look again tomorrow
                continue
            try:
                self._letters.amend(letter_id, Status(letter.status), self._clock(), remove=("body",))
            except TransitionRefused:
                waiting = True  # SES feedback moved it meanwhile: next time
        now = self._clock()
        if waiting:
            move(
                self._table,
                DIGEST,
                key,
                "handed_over",
                "handed_over",
                now,
                changes={"due_at": int((now + SCRUB_AFTER).timestamp())},
            )
            return "waiting"
        move(
            self._table,
            DIGEST,
            key,
            "handed_over",
            "handed_over",
            now,
            changes={"scrubbed": True, "due_at": int(item["expires_at"])},
        )
        return "digest_scrubbed"

    def _done(self, key: dict[str, str], status: str, item: dict[str, Any]) -> None:
        move(self._table, DIGEST, key, status, status, self._clock(), changes={"due_at": int(item["expires_at"])})

    def _freeze(self, item: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
        """The digest's members, and what the digest item keeps of them: the ids packed, and for an overflow
        digest how many each part lists (by the size of their names)."""
        written = self._members(item["digest_id"])
        members = [w.letter_id for w in written]
        if not item.get("overflow") or not members:
            return members, {"members": members}
        sizes = [listing_bytes(w.supporter_name, w.supporter_city, w.country) for w in written]
        return members, {"members_packed": pack(members), "part_sizes": part_sizes(sizes)}

    def _members(self, digest_id: str) -> list[Letter]:
        """The letters still waiting for this digest, in the order they were confirmed."""
        from boto3.dynamodb.conditions import Key

        entries = query_all(
            self._table,
            KeyConditionExpression=Key("pk").eq(entries_pk(digest_id)) & Key("sk").begins_with(ENTRY),
            ConsistentRead=True,
        )
        ids = [entry["letter_id"] for entry in entries]
        members = []
        for letter_id in dict.fromkeys(ids):
            letter = self._letters.get(letter_id)
            if letter and letter.status == Status.AWAITING_DIGEST.value and letter.digest_id == digest_id:
                members.append(letter)
        return members

    def _hand_over(self, item: dict[str, Any], members: list[str]) -> list[str]:
        campaign = self._campaigns.get(item["campaign"])
        parts = parts_of(item, members)
        logged = []
        for number, part in enumerate(parts, start=1):
            letter_id = group_letter_id("digest", item["digest_id"], str(number))
            letter = self._sender.logged(letter_id)
            if letter is None:
                written = [
                    letter
                    for m in part
                    if (letter := self._letters.get(m)) is not None
                    and letter.status == Status.AWAITING_DIGEST.value
                    and letter.supporter_name
                ]
                if not written:
                    continue  # everyone in this part deleted their details meanwhile
                digest = {"count": len(members), "part": number, "parts": len(parts), "date": item["send_at"][:10]}
                letter = self._sender.log(self._letter(campaign, item, letter_id, written, digest))
            refused = False
            for member in part:
                try:
                    self._letters.move(
                        member, Status.AWAITING_DIGEST, Status.IN_DIGEST, self._clock(), digest_letter_id=letter_id
                    )
                except TransitionRefused:
                    refused = True  # moved by a previous run, or the supporter deleted their details meanwhile
            if refused:  # the text may list someone who left after it was written: write it again first
                self._rewrite(letter_id)
                letter = self._letters.get(letter_id) or letter
            logged.append(letter)
        self._sender.queue(logged)
        return [letter.letter_id for letter in logged]

    def _letter(
        self, campaign: Campaign, item: dict[str, Any], letter_id: str, written: list[Letter], digest: dict[str, Any]
    ) -> GroupLetter:
        latest = written[-1]
        country = self._directory.country(latest.country)
        if latest.target_set == "fixed":
            target = resolve_target(campaign, country, self._directory)
            country_code = ""
        else:
            target = self._directory.target(latest.target_set, latest.country, campaign.target_overrides)
            country_code = country.alpha2
        supporters = [
            {
                "name": w.supporter_name,
                "city": w.supporter_city,
                "message": w.supporter_message.strip(),
                "country": self._directory.country(w.country).name,
                "country_code": w.country,
            }
            for w in written
        ]
        if item.get("overflow"):
            composed = overflow_letter(campaign, country_code, target, supporters, digest)
        else:
            composed = render_letter(campaign, country_code, target, None, supporters=supporters, digest=digest)
        return GroupLetter(
            letter_id=letter_id,
            kind="digest",
            campaign=campaign,
            country=item["country"] if item["country"] != "all" else "",
            target_set=latest.target_set,
            target_name=latest.target_name,
            target_email=latest.target_email,
            address_origin=latest.address_origin,
            composed=composed,
            digest_id=item["digest_id"],
        )

    # --- a supporter deletes their details ------------------------------------------------------------------

    def words_sent(self, letter: Letter) -> bool:
        """Whether the digest letter listing `letter` may have reached SES (then the ministry keeps its copy)."""
        if letter.status != Status.IN_DIGEST.value or not letter.digest_letter_id:
            return False
        carrier = self._letters.get(letter.digest_letter_id)
        return carrier is not None and carrier.status not in (Status.QUEUED.value, Status.EXPIRED.value)

    def drop(self, letter: Letter) -> None:
        """`letter`'s supporter deleted their details (already removed from it): rewrite the digest letter that
        lists them, if SES has not taken it yet, from the supporters still listed; with nobody left, it expires."""
        if letter.digest_letter_id:
            self._rewrite(letter.digest_letter_id)

    def _rewrite(self, carrier_id: str) -> None:
        """Write the queued digest letter `carrier_id` again from the supporters it may still list.

        Each rewrite is made only at the revision it read (LetterLog.revise): a rewrite racing another one reads
        again and starts over, and a worker holding the old text cannot move it to sending (it reads the new one).
        """
        for _ in range(REWRITE_ATTEMPTS):
            carrier = self._letters.get(carrier_id)
            if carrier is None or carrier.status != Status.QUEUED.value:
                return  # sent (the ministry keeps its copy) or never written
            item = self._table.get_item(Key=digest_key(carrier.digest_id), ConsistentRead=True).get("Item") or {}
            members = frozen_members(item) or []
            parts = parts_of(item, members)
            number, part = next(
                (
                    (n, p)
                    for n, p in enumerate(parts, 1)
                    if group_letter_id("digest", carrier.digest_id, str(n)) == carrier_id
                ),
                (0, []),
            )
            written = [w for m in part if (w := self._letters.get(m)) is not None and _listed_in(w, carrier)]
            now = self._clock()
            try:
                if not written:
                    self._letters.move(carrier_id, Status.QUEUED, Status.EXPIRED, now, remove=("body",), held=carrier)
                    return
                count = len(written) if len(parts) == 1 else len(members)
                digest = {"count": count, "part": number, "parts": len(parts), "date": item["send_at"][:10]}
                spec = self._letter(self._campaigns.get(item["campaign"]), item, carrier_id, written, digest)
                if spec.composed.body != carrier.body:
                    self._letters.revise(carrier, now, body=spec.composed.body)
                return
            except TransitionRefused as refused:
                if refused.current != Status.QUEUED.value:
                    log.warning("digest letter %s left the queue while a supporter was taken out of it", carrier_id)
                    return
                # rewritten by someone else meanwhile: read it again
        raise RuntimeError(f"digest letter {carrier_id} kept being rewritten; the deletion is retried")

    def send_now(self, campaign: str) -> int:
        """Bring every digest still collecting forward to now (before a vote, or at a campaign's end): the next
        housekeeping run closes and sends them. Returns how many were brought forward."""
        from boto3.dynamodb.conditions import Key

        now = self._clock()
        upcoming = query_all(
            self._table,
            KeyConditionExpression=Key("pk").eq(f"DIGESTS#{campaign}")
            & Key("sk").gt(f"DIGEST#{now.strftime('%Y%m%dT%H%MZ')}"),
            ConsistentRead=True,
        )
        moved = 0
        for item in upcoming:
            if item["status"] != "collecting":
                continue
            try:
                move(
                    self._table,
                    DIGEST,
                    {"pk": item["pk"], "sk": item["sk"]},
                    "collecting",
                    "collecting",
                    now,
                    changes={"send_at": iso(now), "due_at": int(now.timestamp())},
                )
            except MoveRefused:
                continue  # closed meanwhile
            moved += 1
        return moved

    # --- what organisers see --------------------------------------------------------------------------------

    def recent(self, campaign: str, limit: int = 50) -> list[dict[str, Any]]:
        """The campaign's latest digests, newest first (one Query on the campaign's digest partition)."""
        from boto3.dynamodb.conditions import Key

        items = self._table.query(
            KeyConditionExpression=Key("pk").eq(f"DIGESTS#{campaign}") & Key("sk").begins_with("DIGEST#"),
            ScanIndexForward=False,
            Limit=limit,
        )["Items"]
        return [
            {
                "digest_id": i["digest_id"],
                "status": i["status"],
                "send_at": i["send_at"],
                "target_set": i["target_set"],
                "country": i["country"],
                "target_name": i.get("target_name", ""),
                "supporters": int(i.get("supporters", len(frozen_members(i) or []))),
                "letters": list(i.get("letters", [])),
            }
            for i in items
        ]


def _listed_in(supporter: Letter, carrier: Letter) -> bool:
    """Whether a supporter's letter is carried by the digest letter `carrier`: moved into it, or still being moved
    there by the closing (awaiting that digest); never once its details are deleted."""
    if not supporter.supporter_name:
        return False
    if supporter.digest_letter_id:
        return supporter.digest_letter_id == carrier.letter_id
    return supporter.status == Status.AWAITING_DIGEST.value and supporter.digest_id == carrier.digest_id
