"""The account's SES sending rate: all workers together never exceed MaxSendRate.

The rate comes from SES v2 GetAccount at run time (cached for a while), or from the stage's settings
(`DEMARCHE_MAX_SEND_RATE`, used locally, where no real account exists). Each send takes a token from a
per-second counter item in DynamoDB: one conditional increment, shared by every worker.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from typing import Any, Callable

from chalicelib.storage.conditional import conditionally

log = logging.getLogger(__name__)

CACHE_FOR = dt.timedelta(minutes=10)
WAIT_AT_MOST = 3  # seconds a worker waits for a token before the letter is scheduled for later
RATE_PK = "SES#RATE"  # one item per second: sk is the epoch second
FALLBACK_RATE = 1  # SES's sandbox rate: used if GetAccount cannot be read, so we err on the slow side


class SendRate:
    def __init__(
        self,
        table: Any,
        sesv2: Any,
        clock: Callable[[], dt.datetime],
        sleep: Callable[[float], None],
        configured: float | None = None,
    ) -> None:
        self._table, self._ses, self._clock, self._sleep = table, sesv2, clock, sleep
        self._configured = configured
        self._cached: tuple[int, dt.datetime] | None = None

    def max_per_second(self) -> int:
        """Sends allowed per second for the whole account."""
        if self._configured:
            return max(1, math.floor(self._configured))
        now = self._clock()
        if self._cached and now < self._cached[1]:
            return self._cached[0]
        try:
            quota = self._ses.get_account()["SendQuota"]
            rate = max(1, math.floor(float(quota["MaxSendRate"])))
        except Exception:  # noqa: BLE001 - no rate known: send slowly rather than not at all
            log.exception("could not read SES MaxSendRate; sending at %s/s until it can be read", FALLBACK_RATE)
            return FALLBACK_RATE
        self._cached = (rate, now + CACHE_FOR)
        return rate

    def acquire(self) -> bool:
        """Take one send token, waiting up to WAIT_AT_MOST seconds for the next second's; False if none came."""
        limit = self.max_per_second()
        for _ in range(WAIT_AT_MOST + 1):
            now = self._clock()
            second = int(now.timestamp())
            # TTL alone removes it (no `by-due` entry to write and scrub): nothing personal, never read after its second
            if conditionally(
                self._table.update_item,
                Key={"pk": RATE_PK, "sk": str(second)},
                UpdateExpression="ADD sends :one SET expires_at = :expires",
                ConditionExpression="attribute_not_exists(sends) OR sends < :limit",
                ExpressionAttributeValues={":one": 1, ":limit": limit, ":expires": second + 3600},
            ):
                return True
            self._sleep(second + 1 - now.timestamp())
        return False
