"""Giving memory back to the system once a crowd of connections has gone.

Thousands of connections leave their buffers and objects freed but scattered over the
heap: CPython's allocator and the C library keep such pages for reuse, so the
process stays at its peak size (35.8 MB after 5,000 connections, against 20.6 MB
before them).  When the number of connections falls well below its peak,
:class:`MemoryReturner` runs a full garbage collection (a closed connection's objects
refer to each other) and asks glibc's ``malloc_trim`` to hand the free pages back.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

#: Connections that must have closed since the peak before memory is given back.
TRIM_AFTER_CLOSED = 256
#: Seconds to wait after the drop, so that a wave of closes is handled in one go.
TRIM_DELAY = 2.0


def malloc_trim() -> bool:
    """Ask the C library to return free heap pages; False where there is no glibc."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        trim = libc.malloc_trim
    except (ImportError, OSError, AttributeError):
        return False
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return bool(trim(0))


class MemoryReturner:
    """Watches the connection count and gives memory back after a large drop.

    ``changed(count)`` is told the number of open connections whenever it changes.
    Once ``threshold`` connections have closed since the highest count seen and at
    most half that peak remain open, a trim is scheduled ``delay`` seconds later
    (one at a time); the peak then restarts from the current count.
    """

    def __init__(self, threshold: int = TRIM_AFTER_CLOSED, delay: float = TRIM_DELAY,
                 trim: Callable[[], bool] = malloc_trim) -> None:
        self.threshold = threshold
        self.delay = delay
        self._trim = trim
        self._peak = 0
        self._pending: asyncio.TimerHandle | None = None
        #: Trims run so far (for tests and the curious).
        self.trims = 0

    def changed(self, count: int) -> None:
        if count > self._peak:
            self._peak = count
            return
        if self._pending is None and self._peak - count >= self.threshold \
                and count * 2 <= self._peak:
            self._peak = count
            self._pending = asyncio.get_running_loop().call_later(self.delay, self.run)

    def run(self) -> None:
        """Collect garbage and return free memory now."""
        self._pending = None
        gc.collect()
        self._trim()
        self.trims += 1
        log.debug("returned free memory to the system after connections closed")

    def cancel(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
