"""The audit trail: who revealed supporters' personal data in a campaign's log or export, when, why (the reason
they gave) and which letters.

One item per reveal, pk "AUDIT#<campaign>" / sk "<time>#<id>", kept AUDIT_RETENTION (longer than the letters, so
a reveal can be traced after the letters themselves are gone). It holds letter ids, never the data revealed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Callable, Sequence

from chalicelib.clock import iso

AUDIT_RETENTION = dt.timedelta(days=400)


class AccessAudit:
    def __init__(self, table: Any, clock: Callable[[], dt.datetime]) -> None:
        self._table, self._clock = table, clock

    def record(
        self,
        campaign: str,
        *,
        actor: str,
        action: str,
        filters: dict[str, str],
        letter_ids: Sequence[str] = (),
        reason: str = "",
    ) -> None:
        now = self._clock()
        self._table.put_item(
            Item={
                "pk": f"AUDIT#{campaign}",
                "sk": f"{iso(now)}#{uuid.uuid4()}",
                "campaign": campaign,
                "actor": actor,
                "action": action,
                "filters": filters,
                "letter_ids": list(letter_ids),
                "reason": reason,
                "at": iso(now),
                "expires_at": int((now + AUDIT_RETENTION).timestamp()),
            }
        )

    def recent(self, campaign: str, limit: int = 100) -> list[dict[str, Any]]:
        """The newest `limit` records of the campaign."""
        items = self._table.query(
            KeyConditionExpression="pk = :pk",
            ScanIndexForward=False,
            Limit=limit,
            ExpressionAttributeValues={":pk": f"AUDIT#{campaign}"},
        )["Items"]
        keep = ("at", "actor", "action", "reason", "filters", "letter_ids")
        return [{k: item.get(k) for k in keep} for item in items]
