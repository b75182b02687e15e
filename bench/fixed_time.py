"""The moment every benchmark runs at: a Thursday in office hours, while the example campaigns are open.

Benchmarks never read today's date, so `make bench` measures the same work on any day (and under faketime).
"""

from __future__ import annotations

import datetime as dt

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.timezone.utc)
NOW_ISO = "2026-11-26T10:00:00Z"
