"""Mapping items: one row of a Q* dialect table (query, positions, format, flags, hooks).

A dialect is data.  Each :class:`Item` says which command to send, which part of the
reply holds the value, how to format it and which NUT variable or instant command it
feeds.  The walk engine (:mod:`upskit.drivers.qx.engine`) does the rest.

Hooks are plain functions; they receive a :class:`QxContext` that exposes the reply
being processed, the device's current values and the driver options.  A hook signals
"this value is unusable" by raising :class:`ValueError`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Protocol

from upskit.model import VarFlag
from upskit.model.mapping import VarMapping


class QxFlag(enum.IntFlag):
    """Per-item behaviour flags (the values of NUT's ``QX_FLAG_*``)."""

    NONE = 0
    STATIC = 2  #: read once, at init
    SEMI_STATIC = 4  #: re-read only after a successful command or setvar
    ABSENT = 8  #: not read from the device; ``default`` is the (server-side) value
    QUICK_POLL = 16  #: read on every quick update; its failure fails the whole walk
    CMD = 32  #: an instant command
    SETVAR = 64  #: how to write a writable variable
    TRIM = 128  #: strip spaces and ``#`` from both ends of the value
    ENUM = 256  #: ``enums`` lists the allowed values
    RANGE = 512  #: ``ranges`` lists the allowed (min, max) pairs
    NONUT = 1024  #: processed (hooks run) but never published
    SKIP = 2048  #: ignored by every walk


STATIC = QxFlag.STATIC
SEMI_STATIC = QxFlag.SEMI_STATIC
ABSENT = QxFlag.ABSENT
QUICK_POLL = QxFlag.QUICK_POLL
CMD = QxFlag.CMD
SETVAR = QxFlag.SETVAR
TRIM = QxFlag.TRIM
ENUM = QxFlag.ENUM
RANGE = QxFlag.RANGE
NONUT = QxFlag.NONUT
SKIP = QxFlag.SKIP


class QxContext(Protocol):
    """What a hook may look at and touch while an item is processed."""

    #: The whole decoded reply of the item's query (with its CR), "" for commands.
    reply: str

    def get(self, name: str) -> str | None:
        """Current value of a device variable (or one set earlier in this walk)."""

    def set(self, name: str, value: str) -> None:
        """Publish another variable (e.g. a reply field that feeds two variables)."""

    def option(self, key: str) -> str | None:
        """A ups.conf ``key = value`` option, or None."""

    def flag(self, key: str) -> bool:
        """Whether a ups.conf flag (``ignoresab``, ``novendor``...) is set."""


#: value -> NUT value (or status tokens / alarm text).  Raise ValueError to reject.
Convert = Callable[[QxContext, "Item", str], str]
#: CMD/SETVAR: (parameter or value) -> command text without terminator.  Raise ValueError.
Build = Callable[[QxContext, "Item", str | None], str]
#: raw reply bytes -> reply bytes (binary decoding, CRC check).  Raise ValueError.
Decode = Callable[[QxContext, "Item", bytes], bytes]
#: command bytes (without terminator) -> bytes to send (e.g. with a CRC appended).
Encode = Callable[[QxContext, "Item", bytes], bytes]


@dataclass(frozen=True, slots=True)
class Item:
    """One row of a dialect table; fields mirror NUT's ``item_t``.

    ``start``/``end`` are inclusive 0-based offsets into the reply (offset 0 is the
    leading ``(`` or ``#``); ``end = 0`` means "up to the CR".  ``length`` is the
    minimum reply length including the CR.  ``fmt`` is a printf format for numeric
    values (``"%.1f"``) or ``"%s"`` to keep the text.  ``default`` is the value of an
    ABSENT item, or the default parameter of a CMD item.  ``option`` names the
    ups.conf option that replaces ``default`` (``ondelay`` for ``ups.delay.start``).
    """

    name: str
    query: str = ""
    start: int = 0
    end: int = 0
    fmt: str = "%s"
    flags: QxFlag = QxFlag.NONE
    length: int = 0
    leading: str = ""
    st: VarFlag = VarFlag.NONE
    aux: int = 0
    enums: tuple[str, ...] = ()
    ranges: tuple[tuple[int, int], ...] = ()
    default: str = ""
    option: str = ""
    convert: Convert | None = field(default=None, compare=False)
    build: Build | None = field(default=None, compare=False)
    decode: Decode | None = field(default=None, compare=False)
    encode: Encode | None = field(default=None, compare=False)
    #: ``flags`` as a plain int: ``IntFlag`` arithmetic builds a new member per test,
    #: which was most of the CPU of a quick update.
    bits: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "bits", int(self.flags))

    def has(self, flag: QxFlag) -> bool:
        return self.bits & flag._value_ != 0

    @property
    def is_status(self) -> bool:
        """Items named ``ups.status...`` feed status tokens, not a variable."""
        return self.name.startswith("ups.status")

    @property
    def is_alarm(self) -> bool:
        """Items named ``ups.alarm...`` feed alarm texts, not a variable."""
        return self.name.startswith("ups.alarm")

    @property
    def mapping(self) -> VarMapping[str]:
        """The NUT variable this row feeds: name, flags, string length, enums, ranges."""
        return VarMapping(self.name, self.st, self.aux, self.default or None,
                          enums=self.enums, ranges=self.ranges)

    def with_(self, **changes: object) -> Item:
        """A copy with some fields changed (for dialects derived from another)."""
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Query:
    """A reply shape shared by several items: ``Q1 = Query("Q1", 47, "(")``.

    ``Q1.item("input.voltage", 1, 5, "%.1f")`` then builds one table row.
    """

    command: str
    length: int = 0
    leading: str = ""

    def item(
        self,
        name: str,
        start: int,
        end: int = 0,
        fmt: str = "%s",
        flags: QxFlag = QxFlag.NONE,
        **extra: object,
    ) -> Item:
        return Item(name, self.command, start, end, fmt, flags, self.length, self.leading,
                    **extra)  # type: ignore[arg-type]


def cmd(name: str, command: str, build: Build | None = None, *, default: str = "",
        **extra: object) -> Item:
    """An instant command row: ``cmd("beeper.toggle", "Q")``.

    ``command`` may hold ``{}`` for the parameter when no ``build`` hook is given.
    """
    return Item(name, command, flags=QxFlag.CMD, build=build, default=default,
                **extra)  # type: ignore[arg-type]


def server_var(
    name: str,
    default: str,
    *,
    ranges: tuple[tuple[int, int], ...] = (),
    enums: tuple[str, ...] = (),
    option: str = "",
    convert: Convert | None = None,
) -> Item:
    """A writable variable kept by the driver (NUT's ABSENT|SETVAR rows).

    ``convert`` adjusts a written value (e.g. truncation to whole minutes).
    """
    flags = QxFlag.ABSENT | QxFlag.SETVAR
    if ranges:
        flags |= QxFlag.RANGE
    if enums:
        flags |= QxFlag.ENUM
    return Item(name, flags=flags, st=VarFlag.RW, ranges=ranges, enums=enums,
                default=default, option=option, convert=convert)
