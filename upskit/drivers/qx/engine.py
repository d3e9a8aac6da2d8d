"""The walk engine: runs a dialect's item table against a transport and a device model.

Reply handling follows NUT's nutdrv_qx rules: a reply equal to the dialect's
``rejected`` text is a refusal, shorter than the item's ``length`` or with the wrong
leading character is a failure, the value is the ``start``..``end`` slice, numeric
values must consist of digits, dots and spaces and are re-formatted with ``fmt``.
Consecutive items that share a command send it once per walk.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from upskit.config.values import is_yes
from upskit.drivers.base import CommunicationError
from upskit.drivers.qx.dialect import Dialect
from upskit.drivers.qx.items import Item, QxFlag
from upskit.model import CmdResult, Device, VarFlag
from upskit.model.limits import SetLimits
from upskit.model.mapping import StatusBuilder
from upskit.model.status import compose_status
from upskit.transport.base import PortGone, PortSilent, Transport, TransportError

log = logging.getLogger(__name__)

#: The order in which status words are committed, as NUT's nutdrv_qx does.
STATUS_ORDER: tuple[str, ...] = (
    "DISCHRG", "CHRG", "LB", "OVER", "RB", "TRIM", "BOOST", "BYPASS", "OFF", "CAL", "FSD",
)  # fmt: skip
#: How status words are committed: OL or OB first, then NUT's order, with the alarm
#: texts nutdrv_qx adds for a battery to replace and a shutdown under way.
STATUS_BUILDER = StatusBuilder(order=STATUS_ORDER, alarms=(
    ("RB", "Replace battery!"), ("FSD", "Shutdown imminent!")))

_NUMERIC = frozenset("0123456789. ")
_SEMI_STATIC = int(QxFlag.SEMI_STATIC)
_QUICK_POLL = int(QxFlag.QUICK_POLL)
_TRIM = int(QxFlag.TRIM)
#: Where a walked value goes (a row's kind).
_VARIABLE, _STATUS, _ALARM, _NONUT = range(4)
#: One row of a walk: index, item, fixed frame (None: built per walk), kind, and whether
#: it waits for a SEMI_STATIC refresh.
_Row = tuple[int, Item, bytes | None, int, bool]
#: (status values, alarm values by row) -> (ups.status, ups.alarm), for every engine:
#: a unit goes through a handful, a thousand units of one model share them.
_COMPOSED: dict[tuple[tuple[tuple[int, str], ...], tuple[tuple[int, str], ...]],
                tuple[str, str | None]] = {}
_COMPOSED_KEPT = 256
#: Walk plans by dialect (its id, the dialect kept beside them) and skipped queries.
_PLANS: dict[tuple[int, frozenset[str]],
             tuple[Dialect, tuple[tuple[_Row, ...], tuple[_Row, ...], tuple[_Row, ...]]]] = {}
_PLANS_KEPT = 64


class ItemFailed(Exception):
    """An item's reply or value could not be used."""


class WalkMode(enum.Enum):
    """Which items a walk processes."""

    INIT = "init"  #: everything once; failing items are skipped from then on
    QUICK = "quick"  #: QUICK_POLL items only (status)
    FULL = "full"  #: all but STATIC (SEMI_STATIC only after a change)


# ------------------------------------------------------------ pure processing
def extract(dialect: Dialect, item: Item, reply: str) -> str:
    """The raw value of ``item`` in ``reply`` (decoded text, CR included)."""
    if dialect.rejected and reply == dialect.rejected:
        raise ItemFailed(f"{item.query!r} refused by the device")
    if not reply:
        raise ItemFailed(f"no reply to {item.query!r}")
    if item.length and len(reply) < item.length:
        raise ItemFailed(f"reply to {item.query!r} too short ({len(reply)} < {item.length}):"
                         f" {reply!r}")
    if item.leading and not reply.startswith(item.leading):
        raise ItemFailed(f"reply to {item.query!r} does not start with {item.leading!r}:"
                         f" {reply!r}")
    line = reply.split("\r", 1)[0]
    if item.end:
        if len(line) <= item.end:
            raise ItemFailed(f"reply to {item.query!r} ends before offset {item.end}")
        return line[item.start:item.end + 1]
    return line[item.start:]


def format_value(item: Item, value: str) -> str:
    """Apply TRIM and the numeric format of an item without a convert hook."""
    if item.bits & _TRIM:
        value = value.strip(" #")
    if item.fmt and item.fmt != "%s":
        if not value.strip() or not set(value) <= _NUMERIC:
            raise ItemFailed(f"{item.name}: {value!r} is not a number")
        try:
            number = float(value)
        except ValueError as exc:
            raise ItemFailed(f"{item.name}: {value!r} is not a number") from exc
        if item.fmt.endswith(("d", "i", "x", "X")):
            return item.fmt % int(number)
        return item.fmt % number
    if not value:
        raise ItemFailed(f"{item.name}: empty value")
    return value


def to_text(raw: bytes) -> str:
    return raw.decode("latin-1")


@dataclass
class Context:
    """The :class:`~upskit.drivers.qx.items.QxContext` handed to hooks."""

    device: Device | None
    options: Mapping[str, str | bool]
    reply: str = ""
    scratch: dict[str, str] | None = None

    def get(self, name: str) -> str | None:
        if self.scratch is not None and name in self.scratch:
            return self.scratch[name]
        return None if self.device is None else self.device.get(name)

    def set(self, name: str, value: str) -> None:
        if self.scratch is not None:
            self.scratch[name] = value
        elif self.device is not None:
            self.device.set(name, value)

    def option(self, key: str) -> str | None:
        value = self.options.get(key)
        return value if isinstance(value, str) else None

    def flag(self, key: str) -> bool:
        return is_yes(self.options.get(key))

    def delete_command(self, name: str) -> None:
        if self.device is not None:
            self.device.delete_command(name)


def convert(item: Item, value: str, ctx: Context) -> str:
    """Value -> NUT value: the item's convert hook, or TRIM + format."""
    if item.convert is None:
        return format_value(item, value)
    if item.bits & _TRIM:
        value = value.strip(" #")
    try:
        return item.convert(ctx, item, value)
    except Exception as exc:  # hooks see device input: any error means unusable
        raise ItemFailed(f"{item.name}: {exc}") from exc


def build_command(item: Item, param: str | None, ctx: Context) -> str:
    """The command text of a CMD/SETVAR item (without terminator)."""
    if item.build is not None:
        try:
            return item.build(ctx, item, param)
        except Exception as exc:  # hooks see device input: any error means unusable
            raise ItemFailed(f"{item.name}: {exc}") from exc
    if "{}" in item.query:
        return item.query.replace("{}", param if param is not None else item.default)
    return item.query


class Exchanger:
    """Sends item commands through a transport with the dialect's framing."""

    def __init__(self, dialect: Dialect, transport: Transport) -> None:
        self.dialect = dialect
        self.transport = transport

    def frame(self, item: Item, command: str, ctx: Context) -> bytes:
        try:
            body = command.encode("latin-1")
            if item.encode is not None:
                body = item.encode(ctx, item, body)
        except (UnicodeEncodeError, ValueError) as exc:
            raise ItemFailed(f"{item.name}: cannot build a frame for {command!r}: {exc}") from exc
        return body + self.dialect.terminator.encode("latin-1")

    async def send(self, item: Item, frame: bytes, ctx: Context,
                   timeout: float | None = None) -> str:
        raw = await self.transport.exchange(frame, timeout)
        if item.decode is not None and raw:
            try:
                raw = item.decode(ctx, item, raw)
            except Exception as exc:  # hooks see device input: any error means unusable
                raise ItemFailed(f"{item.name}: cannot decode {raw!r}: {exc}") from exc
        return to_text(raw)


# --------------------------------------------------------------------- engine
class QxEngine:
    """Runs walks, commands and setvars of one dialect for one device."""

    def __init__(self, dialect: Dialect, transport: Transport, device: Device,
                 options: Mapping[str, str | bool]) -> None:
        self.dialect = dialect
        self.device = device
        self.options = options
        self.io = Exchanger(dialect, transport)
        self.ctx = Context(device, options)
        self.skipped: set[int] = set()
        self.semi_static_due = True
        self._status: dict[int, str] = {}
        self._alarms: dict[int, str] = {}
        self._skipped_queries = self._queries_skipped_by_options()
        self._quick_rows, self._full_rows, self._init_rows = self._plans()
        self.log = logging.LoggerAdapter(log, {"ups": device.name})

    def _queries_skipped_by_options(self) -> set[str]:
        skipped: set[str] = set()
        for flag, queries in self.dialect.skip_with.items():
            if self.ctx.flag(flag):
                skipped.update(queries)
        return skipped

    # ------------------------------------------------------------- walking
    def _candidates(self, mode: WalkMode) -> tuple[tuple[int, Item], ...]:
        """The items a walk of ``mode`` may process, before the per-walk conditions
        (skipped after INIT, SEMI_STATIC only when due)."""
        never = QxFlag.SKIP | QxFlag.CMD | QxFlag.ABSENT | QxFlag.SETVAR
        return tuple(
            (index, item) for index, item in enumerate(self.dialect.items)
            if not item.has(never) and item.query not in self._skipped_queries
            and (mode is not WalkMode.QUICK or item.has(QxFlag.QUICK_POLL))
            and (mode is not WalkMode.FULL or not item.has(QxFlag.STATIC)))

    def _plans(self) -> tuple[tuple[_Row, ...], tuple[_Row, ...], tuple[_Row, ...]]:
        """The rows of the QUICK, FULL and INIT walks, shared by the engines of one
        dialect with the same queries skipped (a thousand units of one model hold one)."""
        key = (id(self.dialect), frozenset(self._skipped_queries))
        found = _PLANS.get(key)
        if found is not None and found[0] is self.dialect:
            return found[1]
        plans = (self._plan(WalkMode.QUICK), self._plan(WalkMode.FULL),
                 self._plan(WalkMode.INIT))
        if len(_PLANS) >= _PLANS_KEPT:
            _PLANS.clear()
        _PLANS[key] = (self.dialect, plans)
        return plans

    def _plan(self, mode: WalkMode) -> tuple[_Row, ...]:
        """The rows of a walk of ``mode``, with what can be worked out once: the frame
        of a query without hooks, where the value goes, and whether it waits for a
        SEMI_STATIC refresh."""
        rows = []
        for index, item in self._candidates(mode):
            fixed: bytes | None = None
            if item.build is None and item.encode is None and "{}" not in item.query:
                try:
                    fixed = self.io.frame(item, item.query, self.ctx)
                except ItemFailed:
                    fixed = None  # the walk reports it, item by item
            if item.is_status:
                kind = _STATUS
            elif item.is_alarm:
                kind = _ALARM
            elif item.has(QxFlag.NONUT):
                kind = _NONUT
            else:
                kind = _VARIABLE
            semi = mode is WalkMode.FULL and bool(item.bits & _SEMI_STATIC)
            rows.append((index, item, fixed, kind, semi))
        return tuple(rows)

    async def walk(self, mode: WalkMode) -> None:
        """Process the items of ``mode``; raise CommunicationError if a QUICK_POLL item fails."""
        if mode is WalkMode.INIT:
            self._init_static_rows()
        last_frame: bytes | None = None
        last_reply: str | ItemFailed = ItemFailed("nothing sent")
        ctx, io, dialect, skipped = self.ctx, self.io, self.dialect, self.skipped
        semi_due = self.semi_static_due
        if mode is WalkMode.QUICK:
            rows = self._quick_rows
        else:
            rows = self._full_rows if mode is WalkMode.FULL else self._init_rows
        for index, item, fixed, kind, semi in rows:
            if index in skipped or (semi and not semi_due):
                continue
            ctx.reply = ""
            try:
                frame = fixed if fixed is not None else \
                    io.frame(item, build_command(item, None, ctx), ctx)
                if frame != last_frame:
                    last_frame = frame
                    try:
                        last_reply = await io.send(item, frame, ctx)
                    except PortGone:
                        raise
                    except TransportError as exc:
                        last_reply = ItemFailed(f"{item.query!r}: {exc}")
                    except ItemFailed as exc:
                        last_reply = exc
                if isinstance(last_reply, ItemFailed):
                    raise last_reply
                ctx.reply = last_reply
                value = convert(item, extract(dialect, item, last_reply), ctx)
            except ItemFailed as exc:
                if item.bits & _QUICK_POLL:
                    raise CommunicationError(f"{item.name}: {exc}") from None
                if mode is WalkMode.INIT:
                    self.log.debug("%s: %s unavailable, skipping it: %s",
                                   self.device.name, item.name, exc)
                    skipped.add(index)
                else:
                    self.log.debug("%s: %s: %s", self.device.name, item.name, exc)
                continue
            if kind == _STATUS:
                self._status[index] = value
            elif kind == _ALARM:
                self._alarms[index] = value
            elif kind == _NONUT:
                self.log.debug("%s: %s = %s", self.device.name, item.name, value)
            elif value:
                self.device.set(item.name, value)
                if mode is WalkMode.INIT:
                    self._describe(item)
        if mode is not WalkMode.QUICK:
            self.semi_static_due = False
        self.commit_status()

    def _init_static_rows(self) -> None:
        for item in self.dialect.items:
            if item.has(QxFlag.CMD):
                self.device.add_command(item.name)
            elif item.has(QxFlag.ABSENT):
                value = self.ctx.option(item.option) if item.option else None
                default = item.default
                if value is not None:
                    try:
                        default = convert(item, value, self.ctx) if item.convert else value
                    except ItemFailed as exc:
                        self.log.warning("%s: option %s=%r rejected: %s",
                                         self.device.name, item.option, value, exc)
                if not item.has(QxFlag.NONUT):
                    self.device.set(item.name, default)
                    self._describe(item)
        for alias, targets in _ALIASES.items():
            if self.dialect.find(alias, QxFlag.CMD) is None and all(
                    self.dialect.find(t, QxFlag.CMD) for t in targets):
                self.device.add_command(alias)

    def _describe(self, item: Item) -> None:
        """Flags, string length, enums and ranges of a writable variable."""
        item.mapping.describe(self.device)

    # -------------------------------------------------------------- status
    def status_words(self) -> list[str]:
        """Status words in NUT's order: OL or OB first, then the rest."""
        return STATUS_BUILDER.build(self._status[index] for index in sorted(self._status))

    def alarms(self, words: Iterable[str]) -> list[str]:
        texts = [self._alarms[i] for i in sorted(self._alarms) if self._alarms[i]]
        return texts + STATUS_BUILDER.alarm_texts(words)

    def commit_status(self) -> None:
        key = (tuple(sorted(self._status.items())), tuple(sorted(self._alarms.items())))
        composed = _COMPOSED.get(key)
        if composed is None:
            if len(_COMPOSED) >= _COMPOSED_KEPT:
                _COMPOSED.clear()
            words = self.status_words()
            composed = _COMPOSED[key] = compose_status(words, self.alarms(words))
        self.device.publish_status(*composed)

    # ------------------------------------------------------------ commands
    async def run_command(self, name: str, param: str | None) -> CmdResult:
        """Send an instant command; NUT's result rules (silence or ``accepted`` = OK)."""
        item = self.dialect.find(name, QxFlag.CMD)
        if item is None or self.item_skipped(item):
            targets = _ALIASES.get(name)
            if targets is None or not all(self.dialect.find(t, QxFlag.CMD) for t in targets):
                return CmdResult.UNKNOWN
            return await self._run_alias(name, targets)
        try:
            command = build_command(item, param, self.ctx)
        except ItemFailed as exc:
            self.log.warning("%s: %s: %s", self.device.name, name, exc)
            return CmdResult.INVALID
        return await self._send_command(item, command)

    def item_skipped(self, item: Item) -> bool:
        return item.has(QxFlag.SKIP)

    async def _run_alias(self, name: str, targets: tuple[str, ...]) -> CmdResult:
        params = {
            "load.on": ("0",),
            "load.off": ("0",),
            "shutdown.return": (self.device.get("ups.delay.start") or "0",
                                self.device.get("ups.delay.shutdown") or "0"),
            "shutdown.stayoff": ("-1", self.device.get("ups.delay.shutdown") or "0"),
        }[name]
        for target, param in zip(targets, params, strict=True):
            result = await self.run_command(target, param)
            if result is not CmdResult.HANDLED:
                return result
        return CmdResult.HANDLED

    async def _send_command(self, item: Item, command: str) -> CmdResult:
        try:
            frame = self.io.frame(item, command, self.ctx)
        except ItemFailed as exc:
            self.log.warning("%s: %s", self.device.name, exc)
            return CmdResult.INVALID
        try:
            reply = await self.io.send(item, frame, self.ctx)
        except PortSilent:
            reply = ""
        except PortGone:
            raise
        except (TransportError, ItemFailed) as exc:
            self.log.warning("%s: %s failed: %s", self.device.name, item.name, exc)
            return CmdResult.FAILED
        if self.command_accepted(item, reply):
            self.semi_static_due = True
            return CmdResult.HANDLED
        self.log.warning("%s: %s: unexpected reply %r", self.device.name, item.name, reply)
        return CmdResult.FAILED

    def command_accepted(self, item: Item, reply: str) -> bool:
        if reply == "":
            return True
        if self.dialect.rejected and reply == self.dialect.rejected:
            return False
        if not self.dialect.accepted:
            return False
        if item.length and len(reply) < item.length:
            return False
        line = reply.split("\r", 1)[0]
        value = line[item.start:item.end + 1] if item.end else line[item.start:]
        return value == self.dialect.accepted

    # -------------------------------------------------------------- setvar
    async def set_variable(self, name: str, value: str) -> CmdResult:
        """Write a variable: server-side rows are stored, others sent to the device."""
        item = self.dialect.find(name, QxFlag.SETVAR)
        if item is None:
            return CmdResult.UNKNOWN
        limits = self.set_limits(item)
        if self.device.check_set(name, value, limits) is not None:
            refused = limits.refusal(value)
            self.log.warning("%s: %s=%r refused: %s", self.device.name, name, value,
                             refused[1] if refused else "invalid")
            return CmdResult.INVALID
        if item.has(QxFlag.ABSENT):
            try:
                stored = convert(item, value, self.ctx) if item.convert else value
            except ItemFailed as exc:
                self.log.warning("%s: %s", self.device.name, exc)
                return CmdResult.INVALID
            self.device.set(name, stored)
            self.semi_static_due = True
            return CmdResult.HANDLED
        if self.device.get(name) == value:
            self.log.info("%s: %s is already %s; nothing to do", self.device.name, name, value)
            return CmdResult.HANDLED
        try:
            command = build_command(item, value, self.ctx)
        except ItemFailed as exc:
            self.log.warning("%s: %s", self.device.name, exc)
            return CmdResult.INVALID
        return await self._send_command(item, command)

    def set_limits(self, item: Item) -> SetLimits:
        """nutdrv_qx's limits for a SETVAR row: its own enums, ranges and length, else
        the published variable's; enums compared ignoring case, numbers with fractions."""
        var = self.device.variable(item.name)
        aux = item.aux or (var.aux if var else 0)
        return SetLimits(
            max_length=aux if item.st & VarFlag.STRING else 0,
            enums=item.enums or (tuple(var.enums) if var else ()),
            ranges=item.ranges or (tuple(var.ranges) if var else ()),
            numeric=item.has(QxFlag.RANGE), ignore_case=True, fractions=True)


#: Commands NUT derives from delayed ones when a table lacks them.
_ALIASES: dict[str, tuple[str, ...]] = {
    "load.on": ("load.on.delay",),
    "load.off": ("load.off.delay",),
    "shutdown.return": ("load.on.delay", "load.off.delay"),
    "shutdown.stayoff": ("load.on.delay", "load.off.delay"),
}
