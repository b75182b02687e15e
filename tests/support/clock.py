"""A clock tests can move by hand (the `clock` fixture's)."""

from __future__ import annotations

import datetime as dt


class Clock:
    """A clock tests can move by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)
