"""Log rate limits: recurring events logged at most once per interval, bursts then counts.

Used wherever a peer or a device can make the same line happen thousands of times a
second (the server's accept loop, one client's commands, a full command queue)."""

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

    def hit(self, times: int = 1) -> int:
        self._count += times
        now = time.monotonic()
        if now - self._last < self.interval:
            return 0
        count, self._count, self._last = self._count, 0, now
        return count


class LogBudget:
    """A burst of log lines per interval; beyond it, lines are only counted.

    ``allow()`` returns ``(log_this_line, held_back)``: ``held_back`` is how many lines
    the previous interval kept quiet, to be said in one summary line now.  ``flush()``
    returns what is still held back (when the source of the lines goes away).
    """

    def __init__(self, burst: int = 20, interval: float = 10.0) -> None:
        self.burst = burst
        self.interval = interval
        self._start = -interval
        self._used = 0
        self._held = 0

    def allow(self) -> tuple[bool, int]:
        now = time.monotonic()
        held = 0
        if now - self._start >= self.interval:
            held, self._held = self._held, 0
            self._start, self._used = now, 0
        if self._used < self.burst:
            self._used += 1
            return True, held
        self._held += 1
        return False, held

    def flush(self) -> int:
        held, self._held = self._held, 0
        return held
