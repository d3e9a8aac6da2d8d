"""One field of a NUT ``Path:`` line: what the log parser reads and the descriptor
rebuilder places."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CapturedField:
    """One ``Path:`` line: where a field sits and the value NUT decoded."""

    path: str
    type: str
    report_id: int
    offset: int
    size: int
    value: str
