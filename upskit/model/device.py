"""The device model: the single source of truth for one UPS."""

from __future__ import annotations

import enum
import logging
import math
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from upskit.model.flags import CmdResult, SetError, VarFlag
from upskit.model.limits import SetLimits
from upskit.model.status import compose_status
from upskit.model.variable import Variable, VariableSnapshot

log = logging.getLogger(__name__)

InstcmdHandler = Callable[[str, str | None], Awaitable[CmdResult]]
SetvarHandler = Callable[[str, str], Awaitable[CmdResult]]


class EventKind(enum.Enum):
    """What changed in a device model; the event's fields say to what.

    Every change of what :meth:`Device.snapshot` shows emits exactly the events
    needed to follow it, so a consumer can mirror a device from events alone.
    """

    VARIABLE = "variable"  # a variable was set to a new value (or removed: value None)
    STATUS = "status"  # ups.status changed; value is the new status
    STALE = "stale"  # data went stale
    OK = "ok"  # data came back after being stale (or arrived for the first time)
    CONNECTED = "connected"  # the driver attached (value "1") or went away ("0")
    FSD = "fsd"  # the forced-shutdown latch was set
    FSD_CLEARED = "fsd-cleared"  # the latch was released (the UPS restarted)
    FLAGS = "flags"  # a variable's flags changed; ``flags`` holds all of them
    AUX = "aux"  # a variable's maximum string length changed; ``aux`` holds it
    ENUMS = "enums"  # a variable's allowed values changed; ``enums`` holds them all
    RANGES = "ranges"  # a variable's allowed ranges changed; ``ranges`` holds them all
    COMMAND_ADDED = "command-added"  # ``name`` became an instant command
    COMMAND_REMOVED = "command-removed"  # ``name`` is no longer an instant command
    DESC = "desc"  # the description changed; value is the new one


@dataclass(frozen=True, slots=True)
class DeviceEvent:
    """A change notification delivered synchronously to subscribers.

    ``name`` is the variable or command concerned; only the field that belongs to
    the event's kind is set among ``flags``, ``aux``, ``enums`` and ``ranges``.
    """

    device: str
    kind: EventKind
    name: str = ""
    value: str | None = None
    flags: VarFlag | None = None
    aux: int | None = None
    enums: tuple[str, ...] | None = None
    ranges: tuple[tuple[int, int], ...] | None = None


Listener = Callable[[DeviceEvent], None]


@dataclass(frozen=True, slots=True)
class DeviceSnapshot(Mapping[str, str]):
    """Everything one device publishes, frozen: what a driver-socket ``DUMPALL`` sends.

    Plain data (``dataclasses.asdict`` turns it into JSON-ready values).  It also
    reads as the ``name -> value`` mapping of its variables, as ``upsc`` lists them.
    The freshness clock (``Device.last_ok``) is left out: it is time, not state.
    """

    name: str
    desc: str = ""
    variables: tuple[VariableSnapshot, ...] = ()  # sorted by name
    commands: tuple[str, ...] = ()  # sorted
    connected: bool = False
    stale: bool = True
    fsd: bool = False

    def variable(self, name: str) -> VariableSnapshot | None:
        for var in self.variables:
            if var.name == name:
                return var
        return None

    def __getitem__(self, name: str) -> str:
        var = self.variable(name)
        if var is None:
            raise KeyError(name)
        return var.value

    def __iter__(self) -> Iterator[str]:
        return (var.name for var in self.variables)

    def __len__(self) -> int:
        return len(self.variables)


class Device:
    """State of one UPS: variables, commands, status, alarms and freshness.

    All mutation happens on the event loop thread.  Subscribers are called
    synchronously on every change (see :class:`EventKind`); a failing subscriber is
    logged and never disturbs the model.  :meth:`snapshot` gives the whole state.
    """

    def __init__(self, name: str, desc: str = "") -> None:
        self._name = name
        self._desc = desc
        self._vars: dict[str, Variable] = {}
        self._commands: set[str] = set()
        self._listeners: list[Listener] = []
        self._instcmd: InstcmdHandler | None = None
        self._setvar: SetvarHandler | None = None
        self._connected = False
        self._stale = True
        self.last_ok: float = 0.0
        self._fsd = False
        #: ups.conf ``ignorelb``: the device's own LB is ignored; LB is raised when
        #: battery.charge or battery.runtime falls below its ``.low`` threshold.
        self.ignore_lb = False

    @property
    def name(self) -> str:
        return self._name

    @property
    def desc(self) -> str:
        return self._desc

    @desc.setter
    def desc(self, desc: str) -> None:
        if desc != self._desc:
            self._desc = desc
            self._emit(EventKind.DESC, value=desc)

    @property
    def connected(self) -> bool:
        """Whether the owning driver is attached (change it with :meth:`set_connected`)."""
        return self._connected

    @property
    def stale(self) -> bool:
        """Whether the driver said the data is stale (see :meth:`is_stale`)."""
        return self._stale

    @property
    def fsd(self) -> bool:
        """The forced-shutdown latch (:meth:`set_fsd`, :meth:`clear_fsd`)."""
        return self._fsd

    # ------------------------------------------------------------------ events
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Register ``listener``; returns a function that unregisters it."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def _emit(self, kind: EventKind, name: str = "", value: str | None = None, *,
              flags: VarFlag | None = None, aux: int | None = None,
              enums: tuple[str, ...] | None = None,
              ranges: tuple[tuple[int, int], ...] | None = None) -> None:
        if not self._listeners:
            return
        event = DeviceEvent(self._name, kind, name, value, flags, aux, enums, ranges)
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # a consumer bug must not corrupt the model
                log.exception("%s: event listener failed on %s", self._name, kind.value)

    def snapshot(self) -> DeviceSnapshot:
        """The whole published state, frozen (reads as ``name -> value`` too)."""
        return DeviceSnapshot(
            self._name, self._desc, tuple(v.snapshot() for v in self.variables()),
            tuple(self.commands()), self._connected, self._stale, self._fsd)

    # --------------------------------------------------------------- variables
    def get(self, name: str) -> str | None:
        var = self._vars.get(name)
        return None if var is None else var.value

    def variable(self, name: str) -> Variable | None:
        """The live variable, to read (change it through this device)."""
        return self._vars.get(name)

    def variables(self) -> list[Variable]:
        """All variables sorted by name, as upsd lists them."""
        return [self._vars[k] for k in sorted(self._vars)]

    def __contains__(self, name: object) -> bool:
        return name in self._vars

    def set(self, name: str, value: object, *, force: bool = False) -> bool:
        """Publish ``name = value``; ignored for an immutable (overridden) variable.

        Returns ``True`` when the stored value changed.  A new variable starts
        without flags, enums or ranges.
        """
        text = _to_text(value)
        if name == "ups.status" and self.ignore_lb and not force:
            text = self._with_derived_lb(text)
        var = self._vars.get(name)
        if var is None:
            self._vars[name] = Variable(name, text)
        elif var.value == text or (var.immutable and not force):
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
        self._change_flags(self._vars[name], self._vars[name].flags | VarFlag.IMMUTABLE)

    def delete(self, name: str) -> bool:
        var = self._vars.get(name)
        if var is None or var.immutable:
            return False
        del self._vars[name]
        self._emit(EventKind.VARIABLE, name, None)
        return True

    def set_flags(self, name: str, flags: VarFlag) -> None:
        """Replace the flags of ``name`` (an override's immutability is kept)."""
        var = self._vars.get(name)
        if var is not None and var.flags != flags:
            self._change_flags(var, flags | VarFlag.IMMUTABLE if var.immutable else flags)

    def add_flags(self, name: str, flags: VarFlag) -> None:
        var = self._vars.get(name)
        if var is not None:
            self._change_flags(var, var.flags | flags)

    def _change_flags(self, var: Variable, flags: VarFlag) -> None:
        if var.flags != flags:
            var.flags = flags
            self._emit(EventKind.FLAGS, var.name, flags=flags)

    def set_aux(self, name: str, aux: int) -> None:
        var = self._vars.get(name)
        if var is not None and var.aux != aux:
            var.aux = aux
            self._emit(EventKind.AUX, name, aux=aux)

    def add_enum(self, name: str, value: str) -> None:
        var = self._vars.get(name)
        if var is not None and value not in var.enums:
            var.enums.append(value)
            self._emit(EventKind.ENUMS, name, enums=tuple(var.enums))

    def clear_enums(self, name: str) -> None:
        var = self._vars.get(name)
        if var is not None and var.enums:
            var.enums.clear()
            self._emit(EventKind.ENUMS, name, enums=())

    def add_range(self, name: str, low: int, high: int) -> None:
        var = self._vars.get(name)
        if var is not None and (low, high) not in var.ranges:
            var.ranges.append((low, high))
            self._emit(EventKind.RANGES, name, ranges=tuple(var.ranges))

    def clear_ranges(self, name: str) -> None:
        var = self._vars.get(name)
        if var is not None and var.ranges:
            var.ranges.clear()
            self._emit(EventKind.RANGES, name, ranges=())

    def rw_variables(self) -> list[Variable]:
        return [v for v in self.variables() if v.writable]

    # ---------------------------------------------------------------- commands
    def add_command(self, name: str) -> None:
        if name not in self._commands:
            self._commands.add(name)
            self._emit(EventKind.COMMAND_ADDED, name)

    def delete_command(self, name: str) -> None:
        if name in self._commands:
            self._commands.discard(name)
            self._emit(EventKind.COMMAND_REMOVED, name)

    def has_command(self, name: str) -> bool:
        return name in self._commands

    def commands(self) -> list[str]:
        return sorted(self._commands)

    # ------------------------------------------------------------------ status
    def set_status(self, tokens: Iterable[str], alarms: Iterable[str] = ()) -> None:
        """Commit status tokens and alarm texts into ``ups.status`` / ``ups.alarm``."""
        self.publish_status(*compose_status(tokens, alarms))

    def publish_status(self, status: str, alarm: str | None) -> None:
        """Publish ``ups.status`` and ``ups.alarm`` (None: removed) as already composed
        by :func:`~upskit.model.status.compose_status` (what :meth:`set_status` does)."""
        if alarm is None:
            self.delete("ups.alarm")
        else:
            self.set("ups.alarm", alarm)
        self.set("ups.status", status)

    def _with_derived_lb(self, status: str) -> str:
        words = [word for word in status.split() if word != "LB"]
        if self._below_low_thresholds():
            words.append("LB")
        return " ".join(words)

    def _below_low_thresholds(self) -> bool:
        for value, low in (("battery.charge", "battery.charge.low"),
                           ("battery.runtime", "battery.runtime.low")):
            try:
                if float(self.get(value) or "nan") < float(self.get(low) or "nan"):
                    return True
            except ValueError:
                continue
        return False

    def status_tokens(self) -> list[str]:
        """The current status words, with ``FSD`` first when the latch is set."""
        words = (self.get("ups.status") or "").split()
        if self._fsd and "FSD" not in words:
            words.insert(0, "FSD")
        return words

    def set_fsd(self) -> None:
        """Set the forced-shutdown latch (held until the process restarts)."""
        if not self._fsd:
            self._fsd = True
            self._emit(EventKind.FSD, "ups.status", " ".join(self.status_tokens()))

    def clear_fsd(self) -> None:
        """Release the forced-shutdown latch, as a restart of upsd would."""
        if self._fsd:
            self._fsd = False
            self._emit(EventKind.FSD_CLEARED, "ups.status", " ".join(self.status_tokens()))

    # --------------------------------------------------------------- freshness
    def data_ok(self) -> None:
        self.last_ok = time.monotonic()
        if self._stale:
            self._stale = False
            self._emit(EventKind.OK)

    def data_stale(self) -> None:
        if not self._stale:
            self._stale = True
            self._emit(EventKind.STALE)

    def is_stale(self, maxage: float | None = None) -> bool:
        """Stale when the driver said so, or no fresh data arrived for ``maxage`` seconds."""
        return time.monotonic() > self.fresh_until(maxage)

    def fresh_until(self, maxage: float | None = None) -> float:
        """The monotonic time at which the data turns stale (``maxage`` seconds after the
        last fresh data); -inf when it is stale already by the driver's word."""
        if self._stale:
            return -math.inf
        return math.inf if maxage is None else self.last_ok + maxage

    def set_connected(self, connected: bool) -> None:
        if self._connected != connected:
            self._connected = connected
            self._emit(EventKind.CONNECTED, value="1" if connected else "0")

    # --------------------------------------------------------- driver binding
    def bind(self, instcmd: InstcmdHandler | None, setvar: SetvarHandler | None) -> None:
        """Attach the handlers of the driver that owns this device."""
        self._instcmd = instcmd
        self._setvar = setvar

    def check_set(self, name: str, value: str,
                  limits: SetLimits | None = None) -> SetError | None:
        """Validate a SET request the way upsd does, before it reaches the driver.

        A driver that knows the variable's limits from its own tables passes them as
        ``limits``: they replace the published ones, and the variable need not be
        published (nor marked writable) yet.
        """
        if limits is None:
            var = self._vars.get(name)
            if var is None:
                return SetError.NOT_SUPPORTED
            if not var.writable:
                return SetError.READONLY
            limits = SetLimits.of(var)
        refused = limits.refusal(value)
        return None if refused is None else refused[0]

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


def _to_text(value: object) -> str:
    return value if isinstance(value, str) else str(value)
