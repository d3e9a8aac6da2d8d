"""Fault injection for simulated devices: bad replies on demand.

Modes: ``garbage`` (random printable bytes), ``truncate`` (first half of the reply),
``nul`` (NUL bytes inside the reply), ``leading`` (wrong first character),
``silence`` (no reply), ``slow`` (reply after ``delay`` seconds).  A fault lasts for
``count`` replies, or until cleared when ``count`` is None.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

MODES = ("garbage", "truncate", "nul", "leading", "silence", "slow")


@dataclass
class Faults:
    """The active fault of one simulated device (thread-safe)."""

    mode: str | None = None
    count: int | None = None
    delay: float = 2.0
    seed: int = 1
    _rng: random.Random = field(default_factory=random.Random, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def set(self, mode: str | None, count: int | None = None,
            delay: float | None = None) -> None:
        """Start fault ``mode`` (None or ``off`` clears it)."""
        if mode in (None, "", "off", "none"):
            mode = None
        elif mode not in MODES:
            raise ValueError(f"unknown fault {mode!r} (known: {', '.join(MODES)})")
        with self._lock:
            self.mode = mode
            self.count = count
            if delay is not None:
                self.delay = delay
            self._rng.seed(self.seed)

    def clear(self) -> None:
        self.set(None)

    def apply(self, reply: bytes | None) -> tuple[bytes | None, float]:
        """The reply to send instead of ``reply``, and a delay before sending it."""
        with self._lock:
            mode = self.mode
            if mode is None:
                return reply, 0.0
            if self.count is not None:
                self.count -= 1
                if self.count <= 0:
                    self.mode, self.count = None, None
            rng = self._rng
        body = reply or b"(000.0\r"
        if mode == "silence":
            return None, 0.0
        if mode == "slow":
            return reply, self.delay
        if mode == "garbage":
            size = max(4, len(body))
            return bytes(rng.randrange(33, 127) for _ in range(size - 1)) + b"\r", 0.0
        if mode == "truncate":
            return body[: max(1, len(body) // 2)], 0.0
        if mode == "nul":
            return body[:-4] + b"\x00\x00\x00" + body[-1:], 0.0  # NULs before the CR
        return b"X" + body[1:], 0.0  # leading
