"""What time it is: the one place that reads the wall clock; everything else is handed a clock.

A clock is any `() -> datetime` (timezone-aware, UTC). Tests pass a fixed or hand-moved one; command lines
take `--now` to run as if at another moment (a rehearsal, or a test that must not depend on today's date).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Callable

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def iso(moment: dt.datetime) -> str:
    """How every moment is stored: UTC, milliseconds, `Z` (sorts as text in DynamoDB keys)."""
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_moment(text: str) -> dt.datetime:
    """An ISO 8601 moment for `--now`; without a zone it is UTC. ValueError names what is wrong."""
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO 8601 moment such as 2026-11-26T10:00:00Z") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def running_from(start: dt.datetime, monotonic: Callable[[], float] = time.monotonic) -> Clock:
    """A clock that reads `start` now and runs on at the real pace from there."""
    origin = monotonic()
    return lambda: start + dt.timedelta(seconds=monotonic() - origin)
