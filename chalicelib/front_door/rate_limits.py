"""Exact rate limits: one DynamoDB counter per (campaign, who, window), raised by a conditional write.

Windows are fixed (the clock hour, the UTC day), so a counter is an exact count of the letters admitted in
its window, not an estimate. Who is a keyed hash (chalicelib/signing.py) of the IP address or the
supporter's mailbox: neither is ever stored in clear. Counters expire with DynamoDB TTL after their window.

An IPv6 client usually holds a whole /64 (and picks a new address in it at will), so the IP counter is per /64.
The per-target counter counts only confirmed letters: admission checks it without counting, and confirmation
counts (`count_confirmed`), so submissions nobody confirms can never lock a ministry out of its real letters.

The per-target counter is the one a flash crowd shares: when half of 2,000 letters a second go to one ministry,
one item would take 1,000 writes a second, DynamoDB's limit for a partition key. So it is split into
TARGET_SHARDS items; a letter counts on its own shard (by its id), and admission checks the window by reading
every shard (one BatchGetItem, outside the transaction: reads are not what a hot partition runs out of). The
check is as exact as it was: a snapshot when the letter arrives, with the count added when it is confirmed.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from typing import Any

from chalicelib.campaigns.policies import Limits
from chalicelib.errors import TooManyLetters
from chalicelib.storage.batch_reads import batch_get
from chalicelib.storage.conditional import conditionally
from chalicelib.storage.due_index import due_keys
from chalicelib.storage.write_shards import shard_of

RATE_SK = "RATE"
HOUR, DAY = dt.timedelta(hours=1), dt.timedelta(days=1)
KEEP_AFTER_WINDOW = dt.timedelta(hours=1)  # margin before a finished window's counter is deleted
ROOM_LEFT = "attribute_not_exists(#n) OR #n < :limit"  # the window's counter is below the limit (#n: count)
PUBLIC_SCOPES = ("target",)  # counters whose subject is a public identity, not a keyed hash of a person
TARGET_SHARDS = 8  # 1,000 letters/s to one target: 125 writes/s per shard (tests/performance/test_flash_crowd.py)


@dataclass(frozen=True)
class Counter:
    campaign: str
    scope: str  # "ip" | "email" | "target"
    subject: str  # keyed hash, or the target's public identity
    limit: int
    window: dt.timedelta
    confirmed_only: bool = False  # admission only checks it; confirmation counts the letter (count_confirmed)
    shards: int = 1  # >1: split over that many items, checked by reading them all (`full`), not in the transaction

    def _start(self, now: dt.datetime) -> int:
        seconds = int(self.window.total_seconds())
        return int(now.timestamp()) // seconds * seconds

    def _window_pk(self, now: dt.datetime) -> str:
        return f"RATE#{self.campaign}#{self.scope}#{self.subject}#{self._start(now)}"

    def key(self, now: dt.datetime, item_id: str = "") -> dict[str, str]:
        """The counter's item; for a sharded counter, the shard `item_id` (the letter) counts on."""
        pk = self._window_pk(now)
        return {"pk": f"{pk}#{shard_of(item_id, self.shards)}" if self.sharded else pk, "sk": RATE_SK}

    @property
    def sharded(self) -> bool:
        return self.shards > 1

    def full(self, table: Any, now: dt.datetime) -> bool:
        """Whether a sharded counter's window is full: the sum of its shards (one BatchGetItem)."""
        base = self._window_pk(now)
        keys = [{"pk": f"{base}#{shard}", "sk": RATE_SK} for shard in range(self.shards)]
        return sum(int(item.get("count", 0)) for item in batch_get(table, keys, ("count",))) >= self.limit

    def resets_in(self, now: dt.datetime) -> int:
        return self._start(now) + int(self.window.total_seconds()) - int(now.timestamp())

    def reserve(self, table_name: str, now: dt.datetime, item_id: str = "") -> dict[str, Any] | None:
        """A transaction item that counts one letter iff the window is not full yet (for a `confirmed_only`
        counter: that only checks the window is not full; the letter counts once confirmed). A sharded counter
        was checked by `full` before: it counts on the letter's shard, or (`confirmed_only`) is not in it at all."""
        key = self.key(now, item_id)
        if self.sharded:
            return None if self.confirmed_only else {"Update": {"TableName": table_name, **self._add_one(key, now)}}
        room = {"ConditionExpression": ROOM_LEFT, "ExpressionAttributeNames": {"#n": "count"}}
        if self.confirmed_only:
            return {
                "ConditionCheck": {
                    "TableName": table_name,
                    "Key": key,
                    **room,
                    "ExpressionAttributeValues": {":limit": self.limit},
                }
            }
        add = self._add_one(key, now)
        values = {**add["ExpressionAttributeValues"], ":limit": self.limit}
        return {"Update": {"TableName": table_name, **add, **room, "ExpressionAttributeValues": values}}

    def count(self, table: Any, now: dt.datetime, item_id: str = "") -> None:
        """Count one confirmed letter in this window, full or not: it was admitted while there was room."""
        table.update_item(**self._add_one(self.key(now, item_id), now))

    def _add_one(self, key: dict[str, str], now: dt.datetime) -> dict[str, Any]:
        """The update that counts one more letter on `key`, kept until a while after the window: by TTL, and the
        scrub of the due index too when its subject is a keyed hash of a person (IP, mailbox). A target's counter
        names a public address and is never read after its window, so TTL alone removes it (no index writes)."""
        expires = self._start(now) + int((self.window + KEEP_AFTER_WINDOW).total_seconds())
        if self.scope in PUBLIC_SCOPES:
            return {
                "Key": key,
                "UpdateExpression": "ADD #n :one SET expires_at = :exp",
                "ExpressionAttributeNames": {"#n": "count"},
                "ExpressionAttributeValues": {":one": 1, ":exp": expires},
            }
        return {
            "Key": key,
            "UpdateExpression": "ADD #n :one SET expires_at = :exp, due_pk = :dpk, due_at = :exp",
            "ExpressionAttributeNames": {"#n": "count"},
            "ExpressionAttributeValues": {":one": 1, ":exp": expires, ":dpk": due_keys(key["pk"], expires)["due_pk"]},
        }

    def give_back(self, table: Any, now: dt.datetime, item_id: str = "") -> None:
        """The undo of `reserve`, for a letter that was not kept after all: a counter of one is deleted."""
        if self.confirmed_only:
            return  # nothing was counted
        key = self.key(now, item_id)
        names = {"#n": "count"}
        if conditionally(
            table.delete_item,
            Key=key,
            ConditionExpression="#n = :one",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues={":one": 1},
        ):
            return
        # others counted meanwhile: take ours back
        conditionally(
            table.update_item,
            Key=key,
            UpdateExpression="ADD #n :minus",
            ConditionExpression="#n > :zero",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues={":minus": -1, ":zero": 0},
        )

    def refusal(self, now: dt.datetime) -> TooManyLetters:
        wait = self.resets_in(now)
        when = f"in {max(1, round(wait / 60))} minutes" if wait < 5400 else f"in {max(1, round(wait / 3600))} hours"
        message = {
            "ip": f"Too many letters have been sent from your network in the last hour (at most {self.limit}). "
            f"Please try again {when}.",
            "email": f"This email address has sent {self.limit} letters today, the most this campaign allows. "
            f"Please try again {when}.",
            "target": f"This recipient has received {self.limit} letters in the last hour, the most this campaign "
            f"sends. Please try again {when}.",
        }[self.scope]
        return TooManyLetters(message, retry_after=wait)


def ip_network(ip: str) -> str:
    """What the IP counter counts: an IPv4 address, or an IPv6 address's /64 (an IPv4-mapped one as IPv4)."""
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def target_counter(campaign: str, limits: Limits, target: str, *, confirmed_only: bool) -> Counter:
    return Counter(
        campaign,
        "target",
        target,
        limits.per_target_per_hour,
        HOUR,
        confirmed_only=confirmed_only,
        shards=TARGET_SHARDS,
    )


def counters_for(
    campaign: str, limits: Limits, *, ip_hash: str, mailbox_hash: str, target: str, confirmed_only: bool = False
) -> list[Counter]:
    return [
        Counter(campaign, "ip", ip_hash, limits.per_ip_per_hour, HOUR),
        Counter(campaign, "email", mailbox_hash, limits.per_email_per_day, DAY),
        target_counter(campaign, limits, target, confirmed_only=confirmed_only),
    ]


def count_confirmed(table: Any, campaign: str, limits: Limits, target: str, now: dt.datetime, letter_id: str) -> None:
    """A letter was confirmed: it now counts toward its target's hourly limit (on the letter's shard)."""
    target_counter(campaign, limits, target, confirmed_only=True).count(table, now, letter_id)


def target_identity(target_set: str, country: str | None) -> str:
    """Whom a letter goes to, as the duplicate guard and the target counter name it."""
    return f"{target_set}:{country or 'all'}"
