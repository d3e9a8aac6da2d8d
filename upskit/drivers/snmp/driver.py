"""SnmpDriver: UPSes, PDUs and ATSes behind SNMP cards (NUT's snmp-ups).

Open: the agent's address (``port = host[:port]``, or a ``sim://snmp/<mib>`` URL) and
credentials become an :class:`~upskit.transport.snmp.client.SnmpPort` on the process's
one SNMP engine.  Initialise: pick the mapping table (``mibs=``, or detection: see
:mod:`upskit.drivers.snmp.detect`), read every OID of the table once in a few GET-many
requests, keep the rows the agent answers (the first of several rows for one variable),
expand the ``%i`` templates (phases, outlets, groups, daisy-chained devices) from the
counts read, publish the static values.  Poll: the status rows (and the alarm
columns) every poll, the other rows every ``pollfreq`` seconds, each set in as few
GETs as the agent accepts.  A value that does not convert is skipped with a debug
line; an agent that stops answering makes the data stale until it answers again.
"""

from __future__ import annotations

import asyncio
import math
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar

from upskit.drivers.base import CommunicationError, Driver, DriverOptions
from upskit.drivers.context import DriverContext
from upskit.drivers.snmp import mibs
from upskit.drivers.snmp.detect import choose_mib
from upskit.drivers.snmp.options import SnmpOptions
from upskit.drivers.snmp.table import Command, Index, Mib, Poll, Var, expand, render, unrender
from upskit.model import CmdResult, Device
from upskit.model.flags import VarFlag
from upskit.model.limits import SetLimits
from upskit.model.mapping import StatusBuilder
from upskit.transport.base import TransportError
from upskit.transport.snmp.client import (
    SnmpEngineService,
    SnmpPort,
    SnmpRefused,
    Value,
    resolve_url,
)
from upskit.transport.snmp.target import (
    BadTarget,
    SecLevel,
    SnmpTarget,
    Version,
    split_host,
)

#: ups.* identity copied to device.* when the table gives no device.* of its own.
_DEVICE_IDENTITY = (("ups.mfr", "device.mfr"), ("ups.model", "device.model"),
                    ("ups.serial", "device.serial"))


@dataclass(frozen=True, slots=True)
class Bound:
    """A table row bound to one agent: the concrete NUT name and OID."""

    row: Var
    name: str
    oid: str


def _expansions(each: Sequence[Index], counts: dict[str, int]) -> Iterator[tuple[list[int],
                                                                                 list[int]]]:
    """Every (name indexes, OID indexes) combination of ``each``."""
    if not each:
        yield [], []
        return
    first, rest = each[0], each[1:]
    total = first.count if isinstance(first.count, int) else counts.get(first.count, 0)
    if total < first.at_least:
        return
    for n in range(total):
        for names, oids in _expansions(rest, counts):
            yield [first.name_base + n, *names], [first.base + n, *oids]


class SnmpDriver(Driver):
    """Driver for SNMP agents, with one mapping table per MIB as data."""

    name = "snmp-ups"
    version = "0.1"
    option_set = SnmpOptions
    options: SnmpOptions
    #: ``port`` is a host, not a port URL: no port scheme's keys.
    uses_port_url = False
    stale_after: ClassVar[int] = 1

    def __init__(self, device: Device, options: DriverOptions, *, config_name: str = "",
                 context: DriverContext | None = None, port: SnmpPort | None = None) -> None:
        super().__init__(device, options, config_name=config_name, context=context)
        self.engine = self.context.service(SnmpEngineService)
        #: the first SNMP device of a process starts at once, the others spread out
        self._spread = self.engine.devices > 0
        self.engine.devices += 1
        self.port = port
        self._given_port = port is not None
        self.mib: Mib | None = None
        self.status_rows: list[Bound] = []
        self.slow_rows: list[Bound] = []
        self.writable: dict[str, Bound] = {}
        self.local: dict[str, Var] = {}
        self.commands: dict[str, tuple[Command, str]] = {}
        self.pollfreq = max(1.0, self.options.pollfreq)
        self._last_full = -math.inf
        self._status = StatusBuilder(power=None)
        device.set_default("driver.parameter.pollfreq", _fmt(self.pollfreq))

    # ------------------------------------------------------------- life cycle
    def _target(self, host: str, port: int, community: str) -> SnmpTarget:
        o = self.options
        return SnmpTarget(
            host=host, port=port, version=Version(o.snmp_version), community=community,
            sec_level=SecLevel(o.sec_level), sec_name=o.sec_name or "",
            auth_password=o.auth_password or "", priv_password=o.priv_password or "",
            auth_protocol=o.auth_protocol, priv_protocol=o.priv_protocol,
            timeout=o.snmp_timeout, retries=o.snmp_retries)

    async def open(self) -> None:
        if self._spread:
            self._spread = False
            # a thousand agents configured together must not all be asked at once
            await asyncio.sleep(random.uniform(0, self.start_window()))
        if not self._given_port:
            url = (self.options.port or "").strip()
            try:
                if "://" in url:
                    host, number, community = await resolve_url(url)
                else:
                    host, number = split_host(url)
                    community = self.options.community
                target = self._target(host, number, community)
            except (BadTarget, ValueError, LookupError) as exc:
                raise CommunicationError(f"port {url!r}: {exc}") from None
            self.port = SnmpPort(url, target, self.engine)
        assert self.port is not None
        await self.port.open()

    def start_window(self) -> float:
        """Seconds over which the first requests of the process's SNMP devices spread:
        the poll interval (at most 5 s), longer for many devices (20 ms each, at most
        60 s) so that initialising them never floods the loop or the network."""
        return min(60.0, max(min(self.poll_interval, 5.0), 0.02 * self.engine.devices))

    async def close(self) -> None:
        if self.port is not None:
            await self.port.close()

    def _port(self) -> SnmpPort:
        if self.port is None or not self.port.is_open:
            raise CommunicationError("the SNMP port is not open")
        return self.port

    async def initialise(self) -> None:
        port = self._port()
        mib = await choose_mib(port, self.options.mibs)
        self.mib = mib
        dev = self.device
        dev.set("driver.version.data", f"{mib.name} MIB {mib.version}")
        dev.set_default("device.type", mib.device_type)
        self.log.info("%s: %s answers the %s table", dev.name, port.describe(), mib.name)
        await self._bind(port, mib)
        self._last_full = -math.inf
        await self.poll()

    # ------------------------------------------------------------- binding
    def _rows(self, mib: Mib) -> list[Var]:
        rows = list(mibs.SYSTEM_VARS) + list(mib.variables)
        if self.options.notransferoids:
            rows = [r for r in rows if not r.name.startswith("input.transfer.")]
        return rows

    async def _bind(self, port: SnmpPort, mib: Mib) -> None:
        """Keep the rows and commands whose OIDs the agent answers; publish the static ones."""
        self.status_rows, self.slow_rows = [], []
        self.writable, self.local, self.commands = {}, {}, {}
        rows = self._rows(mib)
        local = {row.name: row for row in rows if not row.oid}
        for const in local.values():  # constants: no OID, a default, not writable
            if const.writable is None and const.default is not None:
                self.device.set_default(const.name, const.default)
        plain = [Bound(r, r.name, r.oid) for r in rows if r.oid and not r.templated]
        cmds = [(c, c.name, c.oid) for c in mib.commands if not c.each]
        values = await port.get([b.oid for b in plain] + [oid for _, _, oid in cmds])
        chosen = self._keep(plain, values)
        counts = self._counts(rows, mib)
        self._drop_single_line_rows(chosen, counts)
        templated = [Bound(r, expand(r.name, names), expand(r.oid, oids))
                     for r in rows if r.oid and r.templated
                     for names, oids in _expansions(r.each, counts)]
        more = [(c, expand(c.name, names), expand(c.oid, oids)) for c in mib.commands if c.each
                for names, oids in _expansions(c.each, counts)]
        if templated or more:
            values.update(await port.get([b.oid for b in templated] + [o for _, _, o in more]))
            self._keep(templated, values, taken={b.name for b in chosen})
        for cmd, name, oid in cmds + more:
            if values.get(oid) is not None and name not in self.commands:
                self.commands[name] = (cmd, oid)
                self.device.add_command(name)
        # the driver's own settings, when a command the agent has reads them
        for cmd, _ in self.commands.values():
            row = local.get(cmd.value_from or "")
            if row is not None and row.name not in self.local:
                self.local[row.name] = row
                self.device.set_default(row.name, row.default or "")
                self._describe(row, row.name)

    def _keep(self, bound: list[Bound], values: dict[str, Value | None],
              taken: set[str] | None = None) -> list[Bound]:
        """The rows of ``bound`` that answered (first per name; every status row)."""
        taken = set() if taken is None else taken
        kept: list[Bound] = []
        defaults: dict[str, str] = {}
        for b in bound:
            value = values.get(b.oid)
            if value is None:
                if b.row.default is not None:
                    defaults.setdefault(b.name, b.row.default)
                continue
            if b.row.status is None and b.name in taken:
                continue
            if b.row.status is None:
                taken.add(b.name)
            kept.append(b)
            if b.row.poll is Poll.STATIC:
                self._publish(b, value)
            elif b.row.status is not None or b.row.poll is Poll.STATUS:
                self.status_rows.append(b)
            else:
                self.slow_rows.append(b)
            if b.row.writable is not None and b.row.status is None:
                self.writable[b.name] = b
        for name, default in defaults.items():
            if name not in taken:
                self.device.set_default(name, default)
        for ups_name, device_name in _DEVICE_IDENTITY:
            value_text = self.device.get(ups_name)
            if value_text:
                self.device.set_default(device_name, value_text)
        return kept

    def _drop_single_line_rows(self, chosen: list[Bound], counts: dict[str, int]) -> None:
        """Unpublish the plain rows of a unit with several lines (``single_only``)."""
        drop = {b.name for b in chosen
                if b.row.single_only is not None and counts.get(b.row.single_only, 1) >= 2}
        if not drop:
            return
        self.status_rows = [b for b in self.status_rows if b.name not in drop]
        self.slow_rows = [b for b in self.slow_rows if b.name not in drop]
        for name in drop:
            self.writable.pop(name, None)
            self.device.delete(name)

    def _counts(self, rows: Iterable[Var], mib: Mib) -> dict[str, int]:
        """How many of each templated thing there are, from the values read so far."""
        indexes = [i for r in rows for i in r.each] + [i for c in mib.commands for i in c.each]
        names = {i.count for i in indexes if isinstance(i.count, str)}
        counts: dict[str, int] = {}
        for name in names:
            try:
                counts[name] = max(0, min(1024, int(float(self.device.get(name) or ""))))
            except ValueError:
                if name == "outlet.count" and self.options.outlet_count is not None:
                    counts[name] = self.options.outlet_count
        return counts

    def _describe(self, row: Var, name: str) -> None:
        spec = row.writable
        if spec is None:
            return
        dev = self.device
        dev.set_flags(name, VarFlag.RW | (VarFlag.STRING if row.string else VarFlag.NUMBER))
        if row.string and spec.length:
            dev.set_aux(name, spec.length)
        if row.enum is not None:
            for word in row.enum.words():
                dev.add_enum(name, word)
        if spec.low is not None and spec.high is not None:
            dev.add_range(name, spec.low, spec.high)

    # --------------------------------------------------------------- polling
    async def poll(self) -> None:
        port = self._port()
        now = self.context.clock()
        full = now - self._last_full >= self.pollfreq
        rows = self.status_rows + (self.slow_rows if full else [])
        counters = [c.count_oid for c in self.mib.alarms if c.count_oid] if self.mib else []
        oids = [b.oid for b in rows] + counters
        values = await port.get(oids) if oids else {}
        if rows and all(values.get(b.oid) is None for b in rows):
            raise CommunicationError(f"the agent answered none of the {len(rows)} OIDs")
        for b in rows:
            if b.row.status is None:
                self._publish(b, values.get(b.oid))
        alarms_found = await self._alarms(port, values)
        self._compose_status(values, alarms_found)
        if full:
            self._last_full = now

    def _publish(self, b: Bound, value: Value | None) -> None:
        if value is None:
            if b.row.default is not None:
                self.device.set(b.name, b.row.default)
            else:
                self.device.delete(b.name)
            return
        try:
            text = render(b.row, value)
        except (ValueError, TypeError, ArithmeticError) as exc:
            self.log.debug("%s: %s (%s) = %r: %s", self.device.name, b.name, b.oid, value, exc)
            return
        if text is None:
            return
        if self.options.symmetrathreephase and b.name in _LINE_TO_LINE:
            # three-phase Symmetras give line-to-line voltages; NUT shows line-to-neutral
            text = f"{float(text) * 0.707:.2f}"
        is_new = b.name not in self.device
        self.device.set(b.name, text)
        if is_new:
            self._describe(b.row, b.name)

    async def _alarms(self, port: SnmpPort,
                      values: dict[str, Value | None]) -> list[tuple[str, str]]:
        """(text, status tokens) of every alarm the alarm columns list."""
        found: list[tuple[str, str]] = []
        if self.mib is None:
            return found
        for column in self.mib.alarms:
            count = values.get(column.count_oid) if column.count_oid else None
            if isinstance(count, int) and count <= 0:
                continue  # the agent says there is none: no walk
            for _, value in await port.walk(column.oid, limit=256):
                alarm = column.find(value if isinstance(value, int) else str(value))
                if alarm is not None:
                    found.append((alarm.text, alarm.status))
        return found

    def _compose_status(self, values: dict[str, Value | None],
                        alarms: Iterable[tuple[str, str]]) -> None:
        groups: list[str] = []
        seen_status = False
        for b in self.status_rows:
            if b.row.status is None:
                continue
            value = values.get(b.oid)
            if value is None:
                continue
            try:
                word = render(b.row, value)
            except (ValueError, TypeError) as exc:
                self.log.debug("%s: status %s = %r: %s", self.device.name, b.oid, value, exc)
                continue
            seen_status = True
            if word:
                groups.append(word)
        texts: list[str] = []
        for text, tokens in alarms:
            if tokens:
                groups.append(tokens)
            if text and text not in texts:
                texts.append(text)
        if not seen_status and not groups:
            return
        mib = self.mib
        builder = StatusBuilder(order=("OL", "OB", *(mib.status_order if mib else ())),
                                power=None)
        self.device.set_status(builder.build(groups), texts)

    # ------------------------------------------------------------- commands
    async def instcmd(self, name: str, param: str | None) -> CmdResult:
        found = self.commands.get(name)
        if found is None:
            return CmdResult.UNKNOWN
        cmd, oid = found
        value: Value = cmd.value
        if cmd.value_from is not None:
            given = param if param is not None else self.device.get(cmd.value_from)
            if given is not None:
                try:
                    value = int(float(given)) if isinstance(cmd.value, int) else given
                except ValueError:
                    return CmdResult.INVALID
        try:
            await self._port().set(oid, value, cmd.kind.value)
        except SnmpRefused as exc:
            self.log.warning("%s: %s refused: %s", self.device.name, name, exc)
            return CmdResult.FAILED
        return CmdResult.HANDLED

    async def setvar(self, name: str, value: str) -> CmdResult:
        local = self.local.get(name)
        if local is not None:
            if self._refused(local, value):
                return CmdResult.INVALID
            self.device.set(name, value)
            return CmdResult.HANDLED
        b = self.writable.get(name)
        if b is None or b.row.writable is None:
            return CmdResult.UNKNOWN
        if self._refused(b.row, value):
            return CmdResult.INVALID
        try:
            raw = unrender(b.row, value)
        except ValueError:
            return CmdResult.INVALID
        try:
            await self._port().set(b.oid, raw, b.row.writable.kind.value)
        except SnmpRefused as exc:
            self.log.warning("%s: setting %s refused: %s", self.device.name, name, exc)
            return CmdResult.FAILED
        self.device.set(name, value)
        return CmdResult.HANDLED

    @staticmethod
    def _refused(row: Var, value: str) -> bool:
        spec = row.writable
        if spec is None:
            return True
        limits = SetLimits(
            max_length=spec.length if row.string else 0,
            enums=row.enum.words() if row.enum is not None else (),
            ranges=((spec.low, spec.high),) if spec.low is not None and spec.high is not None
            else (),
            numeric=not row.string and row.enum is None, fractions=True)
        return limits.refusal(value) is not None

    async def shutdown(self) -> CmdResult:
        """Killpower as NUT's snmp-ups does it: ``shutdown.return``, else
        ``shutdown.reboot``, else ``load.off.delay``, else ``shutdown.stayoff``, the
        first the table offers and the agent accepts."""
        result = CmdResult.UNKNOWN
        for name in SHUTDOWN_ORDER:
            if name not in self.commands:
                continue
            try:
                result = await self.instcmd(name, None)
            except TransportError as exc:
                self.log.error("%s: %s failed: %s", self.device.name, name, exc)
                result = CmdResult.FAILED
                continue
            if result is CmdResult.HANDLED:
                return result
        return result


#: Killpower's commands in NUT's order.
SHUTDOWN_ORDER = ("shutdown.return", "shutdown.reboot", "load.off.delay", "shutdown.stayoff")
#: Variables ``symmetrathreephase`` turns from line-to-line into line-to-neutral volts.
_LINE_TO_LINE = frozenset({"input.transfer.low", "input.transfer.high"})


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
