"""Results of SET VAR and INSTCMD requests made with TRACKING on, kept for a while."""

from __future__ import annotations

import os
import time
from collections import OrderedDict

from upskit.model import CmdResult

_RESULT_WORDS: dict[CmdResult, str] = {
    CmdResult.HANDLED: "SUCCESS",
    CmdResult.UNKNOWN: "ERR UNKNOWN",
    CmdResult.INVALID: "ERR INVALID-ARGUMENT",
    CmdResult.FAILED: "ERR FAILED",
    CmdResult.CONVERSION_FAILED: "ERR FAILED",
}


class TrackingTable:
    """Tracking id -> outcome (``None`` while pending); ids are forgotten after ``delay`` s.

    The table is shared by every connection, as in upsd: any client that turned
    tracking on may ask about any id.
    """

    def __init__(self, delay: float, limit: int = 10000) -> None:
        self.delay = delay
        self.limit = limit
        self._entries: OrderedDict[str, tuple[float, CmdResult | None]] = OrderedDict()

    def new(self) -> str:
        """Register a pending request and return its id."""
        self._expire()
        while len(self._entries) >= self.limit:
            self._entries.popitem(last=False)
        tracking_id = _random_id()
        self._entries[tracking_id] = (time.monotonic(), None)
        return tracking_id

    def finish(self, tracking_id: str, result: CmdResult) -> None:
        entry = self._entries.get(tracking_id)
        if entry is not None:
            self._entries[tracking_id] = (entry[0], result)

    def status(self, tracking_id: str) -> str:
        """``PENDING``, ``SUCCESS`` or an ``ERR ...`` line body for ``tracking_id``."""
        self._expire()
        entry = self._entries.get(tracking_id)
        if entry is None:
            return "ERR UNKNOWN"
        result = entry[1]
        return "PENDING" if result is None else _RESULT_WORDS.get(result, "ERR FAILED")

    def __len__(self) -> int:
        return len(self._entries)

    def _expire(self) -> None:
        deadline = time.monotonic() - self.delay
        while self._entries:
            first_id, (created, _) = next(iter(self._entries.items()))
            if created >= deadline:
                break
            del self._entries[first_id]


def _random_id() -> str:
    """A random (version 4) UUID in upper case, as upsd hands out."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40
    raw[8] = (raw[8] & 0x3F) | 0x80
    text = raw.hex().upper()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
