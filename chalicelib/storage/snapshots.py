"""A small table of rarely changing facts, read once per `seconds` per warm Lambda rather than once per request.

Page views and letters read it from memory; a write made in this process drops it at once (`invalidate`), and a
write made in another container shows here within `seconds`. If DynamoDB cannot be read, the last snapshot (or
the empty value) is kept and the failure logged: a page view must not fail on it.
"""

from __future__ import annotations

import logging
import time
from typing import Callable, Generic, TypeVar

T = TypeVar("T")

log = logging.getLogger(__name__)


class Snapshot(Generic[T]):
    def __init__(
        self,
        load: Callable[[], T],
        *,
        empty: T,
        seconds: float = 60.0,
        monotonic: Callable[[], float] = time.monotonic,
        what: str = "the snapshot",
    ) -> None:
        self._load, self._empty, self._seconds, self._monotonic, self._what = load, empty, seconds, monotonic, what
        self._value: T | None = None
        self._read_at = 0.0

    def get(self) -> T:
        now = self._monotonic()
        if self._value is None or now - self._read_at >= self._seconds:
            try:
                self._value = self._load()
            except Exception:  # noqa: BLE001 - see the module docstring
                log.warning("could not read %s; using the previous snapshot", self._what, exc_info=True)
                self._value = self._empty if self._value is None else self._value
            self._read_at = now
        return self._value

    def invalidate(self) -> None:
        self._value = None
