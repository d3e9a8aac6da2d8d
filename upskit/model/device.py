"""The device model: the single source of truth for one UPS."""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass

from upskit.model.flags import CmdResult, SetError, VarFlag
from upskit.model.status import compose_status
from upskit.model.variable import Variable

log = logging.getLogger(__name__)

InstcmdHandler = Callable[[str, str | None], Awaitable[CmdResult]]
SetvarHandler = Callable[[str, str], Awaitable[CmdResult]]


class EventKind(enum.Enum):
    """What changed in a device model."""

    VARIABLE = "variable"  # a variable was set to a new value (or removed: value None)
    STATUS = "status"  # ups.status changed; value is the new status
    STALE = "stale"  # data went stale
    OK = "ok"  # data came back after being stale (or arrived for the first time)
    CONNECTED = "connected"  # the driver attached (value "1") or went away ("0")
    FSD = "fsd"  # the forced-shutdown latch was set


@dataclass(frozen=True, slots=True)
class DeviceEvent:
    """A change notification delivered synchronously to subscribers."""

    device: str
    kind: EventKind
    name: str = ""
    value: str | None = None


Listener = Callable[[DeviceEvent], None]


class Device:
    """State of one UPS: variables, commands, status, alarms and freshness.

    All mutation happens on the event loop thread.  Subscribers are called
    synchronously on every change; a failing subscriber is logged and never
    disturbs the model.
    """

    def __init__(self, name: str, desc: str = "") -> None:
        self.name = name
        self.desc = desc
        self._vars: dict[str, Variable] = {}
        self._commands: set[str] = set()
        self._listeners: list[Listener] = []
        self._instcmd: InstcmdHandler | None = None
        self._setvar: SetvarHandler | None = None
        self.connected = False
        self.stale = True
        self.last_ok: float = 0.0
        self.fsd = False

    # ------------------------------------------------------------------ events
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Register ``listener``; returns a function that unregisters it."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def _emit(self, kind: EventKind, name: str = "", value: str | None = None) -> None:
        if not self._listeners:
            return
        event = DeviceEvent(self.name, kind, name, value)
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # a consumer bug must not corrupt the model
                log.exception("%s: event listener failed on %s", self.name, kind.value)

    # --------------------------------------------------------------- variables
    def get(self, name: str) -> str | None:
        var = self._vars.get(name)
        return None if var is None else var.value

    def variable(self, name: str) -> Variable | None:
        return self._vars.get(name)

    def variables(self) -> list[Variable]:
        """All variables sorted by name, as upsd lists them."""
        return [self._vars[k] for k in sorted(self._vars)]

    def __contains__(self, name: object) -> bool:
        return name in self._vars

    def set(self, name: str, value: object, *, force: bool = False) -> bool:
        """Publish ``name = value``; ignored for an immutable (overridden) variable.

        Returns ``True`` when the stored value changed.
        """
        text = _to_text(value)
        var = self._vars.get(name)
        if var is None:
            self._vars[name] = Variable(name, text)
        elif (var.immutable and not force) or var.value == text:
            return False
        else:
            var.value = text
        self._emit(EventKind.VARIABLE, name, text)
        if name == "ups.status":
            self._emit(EventKind.STATUS, name, text)
        return True

    def set_default(self, name: str, value: object) -> None:
        """Publish a value only if the variable is not there yet."""
        if name not in self._vars:
            self.set(name, value)

    def override(self, name: str, value: object) -> None:
        """Publish ``value`` and freeze it: later driver writes are ignored."""
        self.set(name, value, force=True)
        self._vars[name].flags |= VarFlag.IMMUTABLE

    def delete(self, name: str) -> bool:
        var = self._vars.get(name)
        if var is None or var.immutable:
            return False
        del self._vars[name]
        self._emit(EventKind.VARIABLE, name, None)
        return True

    def set_flags(self, name: str, flags: VarFlag) -> None:
        var = self._vars.get(name)
        if var is not None:
            var.flags = flags | (var.flags & VarFlag.IMMUTABLE)

    def add_flags(self, name: str, flags: VarFlag) -> None:
        var = self._vars.get(name)
        if var is not None:
            var.flags |= flags

    def set_aux(self, name: str, aux: int) -> None:
        var = self._vars.get(name)
        if var is not None:
            var.aux = aux

    def add_enum(self, name: str, value: str) -> None:
        var = self._vars.get(name)
        if var is not None and value not in var.enums:
            var.enums.append(value)

    def clear_enums(self, name: str) -> None:
        var = self._vars.get(name)
        if var is not None:
            var.enums.clear()

    def add_range(self, name: str, low: int, high: int) -> None:
        var = self._vars.get(name)
        if var is not None and (low, high) not in var.ranges:
            var.ranges.append((low, high))

    def clear_ranges(self, name: str) -> None:
        var = self._vars.get(name)
        if var is not None:
            var.ranges.clear()

    def rw_variables(self) -> list[Variable]:
        return [v for v in self.variables() if v.writable]

    # ---------------------------------------------------------------- commands
    def add_command(self, name: str) -> None:
        self._commands.add(name)

    def delete_command(self, name: str) -> None:
        self._commands.discard(name)

    def has_command(self, name: str) -> bool:
        return name in self._commands

    def commands(self) -> list[str]:
        return sorted(self._commands)

    # ------------------------------------------------------------------ status
    def set_status(self, tokens: Iterable[str], alarms: Iterable[str] = ()) -> None:
        """Commit status tokens and alarm texts into ``ups.status`` / ``ups.alarm``."""
        status, alarm = compose_status(tokens, alarms)
        if alarm is None:
            self.delete("ups.alarm")
        else:
            self.set("ups.alarm", alarm)
        self.set("ups.status", status)

    def status_tokens(self) -> list[str]:
        """The current status words, with ``FSD`` first when the latch is set."""
        words = (self.get("ups.status") or "").split()
        if self.fsd and "FSD" not in words:
            words.insert(0, "FSD")
        return words

    def set_fsd(self) -> None:
        """Set the forced-shutdown latch (held until the process restarts)."""
        if not self.fsd:
            self.fsd = True
            self._emit(EventKind.FSD, "ups.status", " ".join(self.status_tokens()))

    # --------------------------------------------------------------- freshness
    def data_ok(self) -> None:
        self.last_ok = time.monotonic()
        if self.stale:
            self.stale = False
            self._emit(EventKind.OK)

    def data_stale(self) -> None:
        if not self.stale:
            self.stale = True
            self._emit(EventKind.STALE)

    def is_stale(self, maxage: float | None = None) -> bool:
        """Stale when the driver said so, or no fresh data arrived for ``maxage`` seconds."""
        if self.stale:
            return True
        return maxage is not None and time.monotonic() - self.last_ok > maxage

    def set_connected(self, connected: bool) -> None:
        if self.connected != connected:
            self.connected = connected
            self._emit(EventKind.CONNECTED, value="1" if connected else "0")

    # --------------------------------------------------------- driver binding
    def bind(self, instcmd: InstcmdHandler | None, setvar: SetvarHandler | None) -> None:
        """Attach the handlers of the driver that owns this device."""
        self._instcmd = instcmd
        self._setvar = setvar

    def check_set(self, name: str, value: str) -> SetError | None:
        """Validate a SET request the way upsd does, before it reaches the driver."""
        var = self._vars.get(name)
        if var is None:
            return SetError.NOT_SUPPORTED
        if not var.writable:
            return SetError.READONLY
        if var.is_string and var.aux and len(value) > var.aux:
            return SetError.TOO_LONG
        if var.enums and value not in var.enums:
            return SetError.INVALID_VALUE
        if var.ranges:
            try:
                number = int(value)
            except ValueError:
                return SetError.INVALID_VALUE
            if not any(lo <= number <= hi for lo, hi in var.ranges):
                return SetError.INVALID_VALUE
        return None

    async def instcmd(self, name: str, param: str | None = None) -> CmdResult:
        """Run an instant command through the owning driver."""
        if name not in self._commands or self._instcmd is None:
            return CmdResult.UNKNOWN
        try:
            return await self._instcmd(name, param)
        except Exception:
            log.exception("%s: instant command %s failed", self.name, name)
            return CmdResult.FAILED

    async def setvar(self, name: str, value: str) -> CmdResult:
        """Set a writable variable through the owning driver."""
        if self._setvar is None:
            return CmdResult.UNKNOWN
        try:
            return await self._setvar(name, value)
        except Exception:
            log.exception("%s: setting %s failed", self.name, name)
            return CmdResult.FAILED

    def snapshot(self) -> Mapping[str, str]:
        """Name -> value of every variable, sorted by name."""
        return {v.name: v.value for v in self.variables()}


def _to_text(value: object) -> str:
    return value if isinstance(value, str) else str(value)
