"""Replay a device dump into a :class:`Device`: once (``.dev``) or in a loop (``.seq``)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from upskit.drivers.base import CommunicationError
from upskit.drivers.dummy.dumpfile import (
    Alarm,
    Command,
    Dump,
    Entry,
    SetValue,
    Timer,
    Writable,
    read_dump,
)
from upskit.drivers.dummy.vartypes import string_length
from upskit.model import CmdResult, Device, VarFlag

#: What NUT's dummy-ups publishes before (or without) any file data.
BASE_VALUES: dict[str, str] = {
    "device.mfr": "Dummy Manufacturer",
    "device.model": "Dummy UPS",
    "device.type": "ups",
    "ups.mfr": "Dummy Manufacturer",
    "ups.model": "Dummy UPS",
    "ups.status": "OL",
}
#: Base values clients may SET, as in NUT's dummy-ups (the ``device.*`` ones are not).
WRITABLE_BASE = ("ups.mfr", "ups.model", "ups.status")
#: File variables mirrored into ``device.*`` as they are read.
MIRRORED = {"ups.mfr": "device.mfr", "ups.model": "device.model", "ups.serial": "device.serial"}
#: Collections the driver owns; file lines and SET requests never touch them.
RESERVED_PREFIXES = ("driver.", "server.")

#: A TIMER wake-up may fire this much early (event loop clock resolution).
_TIMER_SLACK = 0.002

Logger = logging.Logger | logging.LoggerAdapter[logging.Logger]


#: The flags of a writable variable without markup (computed once: enum arithmetic is slow).
_RW_NUMBER = VarFlag.RW | VarFlag.NUMBER
_RW_STRING = VarFlag.RW | VarFlag.STRING


class FileReplay:
    """Plays one dump file into a device.

    ``loop=False`` (``dummy-once``): the file is played to its end, then played again
    only when its modification time or size changes; SET values live until then.
    ``loop=True`` (``dummy-loop``): the file is played again and again; a pass that
    paused on ``TIMER`` lines goes straight back to the top at its end, a pass without
    timers is repeated on the next poll.

    ``wake`` is called (from a timer) when a ``TIMER`` pause is over, so pauses are
    exact whatever the poll interval.
    """

    def __init__(self, device: Device, path: Path, *, loop: bool, wake: Callable[[], None],
                 log: Logger) -> None:
        self.device = device
        self.path = path
        self.loop = loop
        self._wake = wake
        self._log = log
        self._entries: tuple[tuple[int, Entry], ...] = ()
        self._pos = 0
        self._finished = True
        self._resume_at = 0.0
        self._signature: tuple[int, int, int] | None = None
        self._reported: tuple[int, int, int] | None = None
        self._missing_logged = False
        self._status_words: list[str] = ["OL"]
        self._status_pending = False
        self._alarms: list[str] = []
        self._alarms_used = False
        self._writable: dict[str, list[Writable]] = {}
        self._timer: asyncio.TimerHandle | None = None

    # ------------------------------------------------------------ life cycle
    def publish_base(self) -> None:
        """Publish what the driver shows for an empty file (keeps values already there)."""
        for name, value in BASE_VALUES.items():
            self.device.set_default(name, value)
        for name in WRITABLE_BASE:
            self._mark_writable(name)

    def poll(self) -> None:
        """Advance the replay; raise :class:`CommunicationError` when the file is unusable."""
        self._advance()
        if self._missing_logged:
            self._log.info("%s: data file %s is readable again", self.device.name, self.path)
            self._missing_logged = False

    def _advance(self) -> None:
        signature = self._stat()
        if _now() + _TIMER_SLACK < self._resume_at:
            return
        self._resume_at = 0.0
        if self._finished:
            if not self.loop and signature == self._signature:
                return
            self._load(signature)
        wrapped = False
        paused = False
        while not paused:
            paused = self._play_until_pause()
            if paused or not self.loop or wrapped or not self._had_timer():
                break
            wrapped = True  # a timed sequence starts over at once, at most once per poll
            self._load(self._stat())
        self._commit_status()

    def close(self) -> None:
        """Forget a pending TIMER wake-up."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    # ---------------------------------------------------------------- reading
    def _stat(self) -> tuple[int, int, int]:
        try:
            info = self.path.stat()
        except OSError as exc:
            self._missing(exc)
        return (info.st_mtime_ns, info.st_size, info.st_ino)

    def _missing(self, exc: OSError) -> NoReturn:
        reason = exc.strerror or str(exc)
        if not self._missing_logged:
            self._log.error("%s: cannot read data file %s: %s; retrying",
                            self.device.name, self.path, reason)
            self._missing_logged = True
        raise CommunicationError(f"data file {self.path}: {reason}") from exc

    def _load(self, signature: tuple[int, int, int]) -> None:
        try:
            dump = read_dump(self.path)
        except OSError as exc:
            self._missing(exc)
        self._report(dump, signature)
        self._signature = signature
        self._entries = dump.entries
        self._pos = 0
        self._finished = False
        self._alarms = []

    def _report(self, dump: Dump, signature: tuple[int, int, int]) -> None:
        if signature == self._reported:
            return  # the same content again: its problems were already reported
        self._reported = signature
        for problem in dump.problems:
            self._log.warning("%s: %s (line skipped)", self.device.name, problem)

    def _had_timer(self) -> bool:
        return any(isinstance(entry, Timer) for _, entry in self._entries)

    # ---------------------------------------------------------------- playing
    def _play_until_pause(self) -> bool:
        """Apply entries up to the next TIMER (``True``) or the end of the file (``False``)."""
        while self._pos < len(self._entries):
            _, entry = self._entries[self._pos]
            self._pos += 1
            if isinstance(entry, Timer):
                self._pause(entry.seconds)
                return True
            self._apply(entry)
        self._finished = True
        return False

    def _pause(self, seconds: float) -> None:
        self._resume_at = _now() + seconds
        self.close()
        self._timer = asyncio.get_running_loop().call_later(seconds, self._wake)

    def _apply(self, entry: Entry) -> None:
        if isinstance(entry, SetValue):
            self._apply_value(entry.name, entry.value)
        elif isinstance(entry, Alarm):
            self._alarms_used = True
            if entry.text is None:
                self._alarms.clear()
            else:
                self._alarms.append(entry.text)
        elif isinstance(entry, Writable):
            self._writable.setdefault(entry.name, [])
            if entry not in self._writable[entry.name]:
                self._writable[entry.name].append(entry)
            self._mark_writable(entry.name)
        elif isinstance(entry, Command):
            self.device.add_command(entry.name)

    def _apply_value(self, name: str, value: str) -> None:
        if name.startswith(RESERVED_PREFIXES):
            return  # the dumped driver's own data; this driver publishes its own
        mirror = MIRRORED.get(name)
        if name == "ups.status":
            self._status_words = value.split()
            self._status_pending = bool(value)
        if not value:
            self.device.delete(name)
            if mirror:
                self.device.delete(mirror)
            return
        if name == "ups.status":
            return  # committed with the alarms at the next pause or the end of the file
        self.device.set(name, value)
        if mirror:
            self.device.set(mirror, value)
        self._mark_writable(name)

    def _mark_writable(self, name: str) -> None:
        """Make ``name`` writable, typed by its ``#RW`` markup or else as dummy-ups types it."""
        var = self.device.variable(name)
        if var is None or var.immutable:
            return
        marks = self._writable.get(name)
        if not marks:
            length = string_length(name)
            if length is None:
                self.device.set_flags(name, _RW_NUMBER)
            else:
                self.device.set_flags(name, _RW_STRING)
                self.device.set_aux(name, length)
            return
        flags = VarFlag.RW
        for mark in marks:
            if mark.kind == "STRING":
                flags |= VarFlag.STRING
                self.device.set_aux(name, mark.length)
            elif mark.kind == "RANGE":
                flags |= VarFlag.NUMBER
                self.device.add_range(name, mark.low, mark.high)
            else:
                self.device.add_enum(name, mark.choice)
        self.device.set_flags(name, flags)

    def _commit_status(self) -> None:
        """Publish ``ups.status`` (and ``ups.alarm`` once ALARM lines are in use)."""
        if self._alarms_used and self._status_words:
            self.device.set_status(self._status_words, self._alarms)
        elif self._status_pending:
            self.device.set("ups.status", " ".join(self._status_words))
        else:
            return
        self._status_pending = False
        self._mark_writable("ups.status")

    # ------------------------------------------------------------- handlers
    def setvar(self, name: str, value: str) -> CmdResult:
        """Store a client's value in the model, as NUT's dummy mode does."""
        var = self.device.variable(name)
        if name.startswith(RESERVED_PREFIXES) or var is None:
            return CmdResult.UNKNOWN  # new variables only come from the file
        if var.immutable:
            return CmdResult.INVALID
        if not value:
            self.device.delete(name)
            if name == "ups.status":
                self._status_words = []
            return CmdResult.HANDLED
        if self.device.check_set(name, value) is not None:
            return CmdResult.INVALID
        if name == "ups.status":
            self._status_words = value.split()
            if self._alarms_used:
                self._commit_status()
                return CmdResult.HANDLED
        self.device.set(name, value)
        return CmdResult.HANDLED


def _now() -> float:
    return asyncio.get_running_loop().time()
