"""Variable flags and command result codes with NUT's numeric values."""

from __future__ import annotations

import enum


class VarFlag(enum.IntFlag):
    """Flags of a device variable (NUT's ``ST_FLAG_*``)."""

    NONE = 0x0
    RW = 0x1
    STRING = 0x2
    NUMBER = 0x4
    IMMUTABLE = 0x8


class CmdResult(enum.IntEnum):
    """Outcome of an instant command or a set-variable request (NUT's ``STAT_*`` codes)."""

    HANDLED = 0
    UNKNOWN = 1
    INVALID = 2
    FAILED = 3
    CONVERSION_FAILED = 4

    @property
    def ok(self) -> bool:
        return self is CmdResult.HANDLED


class SetError(enum.Enum):
    """Why a SET VAR request is refused before it reaches the driver, in NUT's order."""

    NOT_SUPPORTED = "VAR-NOT-SUPPORTED"
    READONLY = "READONLY"
    TOO_LONG = "TOO-LONG"
    INVALID_VALUE = "INVALID-VALUE"
