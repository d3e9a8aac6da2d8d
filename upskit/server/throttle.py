"""Recurring events logged at most once per interval, with a count of what happened meanwhile."""

from __future__ import annotations

import time


class Throttle:
    """Counts occurrences of one event; says when the next report is due.

    ``hit()`` returns how many occurrences the report should mention (this one and
    those held back since the last report), or 0 while a report is not due yet.
    """

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._count = 0
        self._last = -interval

    def hit(self) -> int:
        self._count += 1
        now = time.monotonic()
        if now - self._last < self.interval:
            return 0
        count, self._count, self._last = self._count, 0, now
        return count
