"""Exact rate limits: one DynamoDB counter per (campaign, who, window), raised by a conditional write.

Windows are fixed (the clock hour, the UTC day), so a counter is an exact count of the letters admitted in
its window, not an estimate. Who is a keyed hash (chalicelib/signing.py) of the IP address or the
supporter's mailbox: neither is ever stored in clear. Counters expire with DynamoDB TTL after their window.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from chalicelib.campaigns.policies import Limits
from chalicelib.errors import TooManyLetters
from chalicelib.storage.conditional import conditionally
from chalicelib.storage.due_index import due_keys

RATE_SK = "RATE"
HOUR, DAY = dt.timedelta(hours=1), dt.timedelta(days=1)
KEEP_AFTER_WINDOW = dt.timedelta(hours=1)  # margin before a finished window's counter is deleted


@dataclass(frozen=True)
class Counter:
    campaign: str
    scope: str  # "ip" | "email" | "target"
    subject: str  # keyed hash, or the target's public identity
    limit: int
    window: dt.timedelta

    def _start(self, now: dt.datetime) -> int:
        seconds = int(self.window.total_seconds())
        return int(now.timestamp()) // seconds * seconds

    def key(self, now: dt.datetime) -> dict[str, str]:
        return {"pk": f"RATE#{self.campaign}#{self.scope}#{self.subject}#{self._start(now)}", "sk": RATE_SK}

    def resets_in(self, now: dt.datetime) -> int:
        return self._start(now) + int(self.window.total_seconds()) - int(now.timestamp())

    def reserve(self, table_name: str, now: dt.datetime) -> dict[str, Any]:
        """A transaction item that counts one letter iff the window is not full yet."""
        key = self.key(now)
        expires = self._start(now) + int((self.window + KEEP_AFTER_WINDOW).total_seconds())
        due = due_keys(key["pk"], expires)
        return {
            "Update": {
                "TableName": table_name,
                "Key": key,
                "UpdateExpression": "ADD #n :one SET expires_at = :exp, due_pk = :dpk, due_at = :exp",
                "ConditionExpression": "attribute_not_exists(#n) OR #n < :limit",
                "ExpressionAttributeNames": {"#n": "count"},
                "ExpressionAttributeValues": {":one": 1, ":exp": expires, ":dpk": due["due_pk"], ":limit": self.limit},
            }
        }

    def give_back(self, table: Any, now: dt.datetime) -> None:
        """The undo of `reserve`, for a letter that was not kept after all: a counter of one is deleted."""
        key = self.key(now)
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


def counters_for(campaign: str, limits: Limits, *, ip_hash: str, mailbox_hash: str, target: str) -> list[Counter]:
    return [
        Counter(campaign, "ip", ip_hash, limits.per_ip_per_hour, HOUR),
        Counter(campaign, "email", mailbox_hash, limits.per_email_per_day, DAY),
        Counter(campaign, "target", target, limits.per_target_per_hour, HOUR),
    ]
