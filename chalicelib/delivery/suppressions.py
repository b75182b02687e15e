"""Suppressions: a recipient who complained about a campaign's mail gets no more letters from that campaign.

One item per (campaign, recipient); the address is stored only as a hash, so the record holds no address. The
recipient is a target (a public address), so DynamoDB TTL alone removes the record: it has no `by-due` entry, as the
housekeeping job may not delete suppressions (only on_ses_feedback writes them: tests/deploy/test_iam_policy.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

KEEP = dt.timedelta(days=730)  # longer than any campaign runs


def suppression_key(campaign: str, address: str) -> dict[str, str]:
    digest = hashlib.sha256(address.strip().lower().encode()).hexdigest()
    return {"pk": f"SUPPRESS#{campaign}#{digest}", "sk": "SUPPRESS"}


class Suppressions:
    def __init__(self, table: Any) -> None:
        self._table = table

    def suppress(self, campaign: str, address: str, reason: str, now: dt.datetime) -> None:
        key, expires_at = suppression_key(campaign, address), int((now + KEEP).timestamp())
        self._table.put_item(
            Item={
                **key,
                "campaign": campaign,
                "reason": reason[:200],
                "since": now.isoformat(),
                "expires_at": expires_at,
            }
        )

    def is_suppressed(self, campaign: str, address: str) -> bool:
        return "Item" in self._table.get_item(Key=suppression_key(campaign, address))

    def lift(self, campaign: str, address: str) -> bool:
        """An organiser's decision, e.g. after the ministry asked to receive letters again. True if one was lifted."""
        answer = self._table.delete_item(Key=suppression_key(campaign, address), ReturnValues="ALL_OLD")
        return "Attributes" in answer
