"""HidDriver: HID Power Devices (NUT's usbhid-ups).

Open the port, read and parse the report descriptor, pick a subdriver by VID:PID (or
``subdriver=``), bind its rows to the unit's fields (the first row whose path exists
wins), publish static variables once, then read feature reports: the status paths
every ``pollinterval`` (2 s), everything every ``pollfreq`` (30 s). Input reports
update the model at once. A report that does not fit (wrong id, garbage) fails the
poll, which marks the data stale until a good one comes; an input report that does
not fit is ignored.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar

from upskit.drivers.base import CommunicationError, Driver, DriverOptions
from upskit.drivers.context import DriverContext
from upskit.drivers.hid.descriptor import (
    DescriptorError,
    Field,
    ReportDescriptor,
    ReportType,
    parse_descriptor,
)
from upskit.drivers.hid.options import HidOptions
from upskit.drivers.hid.status import StatusPolicy, compose
from upskit.drivers.hid.subdriver import (
    Claim,
    HidCommand,
    HidVar,
    Poll,
    StatusRule,
    Subdriver,
)
from upskit.drivers.hid.subdrivers import by_name, pick
from upskit.drivers.hid.usages import GENERIC as GENERIC_USAGES
from upskit.drivers.hid.usages import field_path, nut_fields
from upskit.drivers.hid.values import read_value, write_value
from upskit.model import CmdResult, Device
from upskit.transport.base import TransportError
from upskit.transport.hid import HidPort
from upskit.transport.hidports import HidPortOptions

#: The USB strings of the unit, as the variables that name it.
_IDENTITY = {"driver.parameter.vendor": ("device.mfr", "ups.mfr"),
             "driver.parameter.product": ("device.model", "ups.model"),
             "driver.parameter.serial": ("device.serial", "ups.serial")}
#: Commands usbhid-ups composes from ``load.off.delay``/``load.on.delay``.
_COMPOSED = ("load.off", "load.on", "shutdown.return", "shutdown.stayoff")


@dataclass
class Binding:
    """A subdriver's rows bound to one unit's fields."""

    descriptor: ReportDescriptor
    feature: dict[str, Field] = field(default_factory=dict)
    inputs: dict[int, list[tuple[str, Field]]] = field(default_factory=dict)
    variables: list[HidVar] = field(default_factory=list)
    commands: dict[str, HidCommand] = field(default_factory=dict)
    status: list[StatusRule] = field(default_factory=list)
    #: string-index rows whose path the unit has, in table order
    strings: list[HidVar] = field(default_factory=list)

    def has(self, path: str | None) -> bool:
        """Whether the unit has ``path`` as a feature or in an input report."""
        return path is not None and (path in self.feature or any(
            p == path for fields in self.inputs.values() for p, _ in fields))


def _only_claimed_units(port: HidPort) -> None:
    """A libusb port pinned by no id takes only a unit a subdriver supports, as NUT's
    usbhid-ups does (it would detach the kernel driver of whatever comes first)."""
    from upskit.transport.usb.hid import UsbHidPort

    if isinstance(port, UsbHidPort):
        matcher = port.access.matcher
        if not (matcher.has("vendorid") or matcher.has("productid")):
            port.access.prefilter = lambda ident: pick(
                ident.vendorid, ident.productid)[1] is Claim.SUPPORTED


def bind(sub: Subdriver, descriptor: ReportDescriptor) -> Binding:
    """Bind ``sub`` to the fields of ``descriptor``."""
    tables = (sub.usages, GENERIC_USAGES)
    binding = Binding(descriptor)
    for f in nut_fields(descriptor):
        path = field_path(f, tables)
        if f.report_type is ReportType.FEATURE:
            binding.feature.setdefault(path, f)
        elif f.report_type is ReportType.INPUT:
            binding.inputs.setdefault(f.report_id, []).append((path, f))
    chosen: set[str] = set()
    for row in sub.variables:
        if row.string:
            if row.path in binding.feature:
                binding.strings.append(row)
            continue
        if row.name not in chosen and (row.path is None or binding.has(row.path)):
            chosen.add(row.name)
            binding.variables.append(row)
    for cmd in sub.commands:
        if cmd.name not in binding.commands and cmd.path in binding.feature:
            binding.commands[cmd.name] = cmd
    binding.status = [rule for rule in sub.status if binding.has(rule.path)]
    return binding


class HidDriver(Driver):
    """Driver for USB HID Power Devices, with vendor subdrivers as data."""

    name = "usbhid-ups"
    version = "0.1"
    option_set = HidOptions
    port_option_sets = (HidPortOptions,)
    options: HidOptions
    #: Failed polls before the data is stale (NUT: about 8 s at 2 s polls).
    stale_after: ClassVar[int] = 1

    def __init__(self, device: Device, options: DriverOptions, *, config_name: str = "",
                 context: DriverContext | None = None, port: HidPort | None = None) -> None:
        super().__init__(device, options, config_name=config_name, context=context)
        self.port = port
        self.subdriver: Subdriver | None = None
        self.binding: Binding | None = None
        self.conditions: dict[str, bool] = {}
        self.policy = StatusPolicy(self.options.onlinedischarge,
                                   self.options.onlinedischarge_calibration,
                                   self.options.lowbatt)
        self.pollfreq = max(1.0, self.options.pollfreq)
        self._last_full = 0.0
        device.set_default("driver.parameter.pollfreq", _fmt(self.pollfreq))
        device.set_default("device.type", "ups")

    # ------------------------------------------------------------- life cycle
    async def open(self) -> None:
        if self.port is None:
            if not self.options.port:
                raise CommunicationError("no port configured")
            try:
                self.port = self.open_port_as(HidPort)  # type: ignore[type-abstract]
            except (ValueError, ImportError) as exc:
                raise CommunicationError(f"cannot use port {self.options.port!r}: "
                                         f"{exc}") from exc
            _only_claimed_units(self.port)
        if not self.port.is_open:
            await self.port.open()

    async def close(self) -> None:
        if self.port is not None and self.port.is_open:
            await self.port.close()

    @classmethod
    def port_url(cls, url: str) -> str:
        """NUT's ``port = auto`` is a HID Power Device (``hid://``: hidraw on Linux, else
        libusb, as ``hid_access`` says); ``auto:VID:PID`` pins the ids."""
        if url == "auto" or url.startswith("auto:"):
            return "hid://" + url[5:]
        return url

    def _identity(self) -> tuple[int, int]:
        assert self.port is not None
        info: dict[str, str] = {}
        getter = getattr(self.port, "device_info", None)
        if callable(getter):
            with contextlib.suppress(Exception):
                info = {str(k): str(v) for k, v in dict(getter()).items()}
        for key, value in info.items():
            self.device.set(key, value)
        for key, names in _IDENTITY.items():
            if info.get(key, "").strip():
                for name in names:
                    self.device.set(name, info[key].strip())
        try:
            return int(info.get("ups.vendorid", "0"), 16), int(info.get("ups.productid", "0"),
                                                               16)
        except ValueError:
            return 0, 0

    async def initialise(self) -> None:
        assert self.port is not None
        vendor, product = self._identity()
        try:
            descriptor = parse_descriptor(await self.port.report_descriptor())
        except DescriptorError as exc:
            raise CommunicationError(f"unusable report descriptor: {exc}") from exc
        sub = self._choose(vendor, product)
        if sub.fix_descriptor is not None and not self.options.disable_fix_report_desc:
            descriptor = sub.fix_descriptor(descriptor)
        self.subdriver, self.binding = sub, bind(sub, descriptor)
        self.device.set("driver.version.data", sub.label or f"{sub.name} {sub.version}")
        named = (self.device.get("driver.parameter.product") or "").strip()
        if sub.format_model is not None and named:
            for name in _IDENTITY["driver.parameter.product"]:
                self.device.set(name, sub.format_model(named))
        await self._read(self._rows(full=True, static=True))
        settled = sub.settle(self.device.get) if sub.settle is not None else None
        if settled is not None:  # the first readings chose a variant of the table
            self.subdriver, self.binding = settled, bind(settled, descriptor)
            await self._read(self._rows(full=True, static=True))
        await self._publish_strings()
        self._describe()
        self._last_full = time.monotonic()

    async def _publish_strings(self) -> None:
        """Publish the string-index rows: read each index, look the string up on the
        port; the first row of a name with a non-empty text wins.  A port without
        strings, an index 0 or a string the unit lacks publishes nothing."""
        assert self.port is not None and self.binding is not None
        feature = self.binding.feature
        reports: dict[int, bytes | None] = {}
        looked_up: dict[int, str | None] = {}
        done: set[str] = set()
        for row in self.binding.strings:
            if row.name in done or row.path is None:
                continue
            f = feature[row.path]
            if f.report_id not in reports:
                try:
                    reports[f.report_id] = await self._feature(f.report_id)
                except (TransportError, CommunicationError) as exc:
                    self.log.debug("%s: %s: %s", self.device.name, row.path, exc)
                    reports[f.report_id] = None
            data = reports[f.report_id]
            if data is None or f.offset + f.size > 8 * len(data):
                continue
            index = int(read_value(f, data))
            if index not in looked_up:
                looked_up[index] = await self._string(index)
            text = row.from_string(looked_up[index])
            if text is not None:
                self.device.set(row.name, text)
                done.add(row.name)

    async def _string(self, index: int) -> str | None:
        assert self.port is not None
        if index <= 0:
            return None
        try:
            return await self.port.string(index)
        except TransportError as exc:
            self.log.debug("%s: string %d: %s", self.device.name, index, exc)
            return None

    def _choose(self, vendor: int, product: int) -> Subdriver:
        wanted = "generic" if self.options.explore else self.options.subdriver
        if wanted:
            try:
                return by_name(wanted)
            except KeyError as exc:
                raise CommunicationError(str(exc.args[0])) from None
        sub, claim = pick(vendor, product)
        if claim is None:
            self.log.info("%s: no subdriver claims %04x:%04x; using the generic one",
                          self.device.name, vendor, product)
        return sub

    def _describe(self) -> None:
        assert self.binding is not None
        dev = self.device
        for row in self.binding.variables:
            if row.setting:
                dev.set(row.name, self._setting_default(row))
            if row.writable:
                dev.set_flags(row.name, row.flags)
                if row.aux:
                    dev.set_aux(row.name, row.aux)
                for word in row.lookup.words() if row.lookup else ():
                    dev.add_enum(row.name, word)
        commands = self.binding.commands
        for name in commands:
            dev.add_command(name)
        if "load.off.delay" in commands:
            dev.add_command("load.off")
            dev.add_command("shutdown.return")
            if "load.on.delay" in commands:
                dev.add_command("load.on")
                dev.add_command("shutdown.stayoff")

    def _setting_default(self, row: HidVar) -> str:
        # the offdelay/ondelay options when given, else the subdriver's default
        # (CyberPower's are 60 and 120 s), else the options' own defaults
        option = {"ups.delay.shutdown": "offdelay", "ups.delay.start": "ondelay"}.get(row.name)
        if option is not None and (option in self.options or row.default is None):
            return str(self.options.value(option))
        return row.default or ""

    def _rows(self, *, full: bool, static: bool = False) -> list[HidVar]:
        assert self.binding is not None
        wanted = {Poll.QUICK} | ({Poll.FULL} if full else set()) | (
            {Poll.STATIC} if static else set())
        return [r for r in self.binding.variables
                if r.path is not None and not r.setting and r.poll in wanted]

    async def poll(self) -> None:
        if self.binding is None:
            raise CommunicationError("not initialised")
        full = time.monotonic() - self._last_full >= self.pollfreq
        if self.options.interruptonly and not full:
            return
        await self._read(self._rows(full=full))
        if full:
            self._last_full = time.monotonic()

    async def listen(self) -> None:
        if self.options.pollonly or self.port is None:
            return
        async for report in self.port.input_reports():
            self.handle_input(report)

    # ------------------------------------------------------------ reading
    async def _feature(self, report_id: int) -> bytes:
        """Feature report ``report_id`` without its id byte; CommunicationError when
        the answer is not that report."""
        assert self.port is not None and self.binding is not None
        desc = self.binding.descriptor
        length = desc.report_length(ReportType.FEATURE, report_id)
        data = await self.port.get_feature(report_id, length + (1 if desc.uses_report_ids
                                                                else 0))
        if desc.uses_report_ids:
            if not data or data[0] != report_id:
                got = f"0x{data[0]:02x}" if data else "nothing"
                raise CommunicationError(f"feature report 0x{report_id:02x} answered "
                                         f"with {got}")
            data = data[1:]
        return bytes(data)

    async def _read(self, rows: Iterable[HidVar]) -> None:
        assert self.binding is not None
        feature = self.binding.feature
        paths = {r.path for r in rows if r.path in feature}
        paths |= {rule.path for rule in self.binding.status if rule.path in feature}
        reports: dict[int, bytes] = {}
        for rid in sorted({feature[p].report_id for p in paths if p is not None}):
            reports[rid] = await self._feature(rid)
        values = {p: read_value(feature[p], reports[feature[p].report_id])
                  for p in paths if p is not None}
        self._apply(values, rows)

    def handle_input(self, report: bytes) -> None:
        """Apply an input report at once; a report the unit does not declare is ignored, and
        so are the fields a short report does not reach."""
        binding = self.binding
        if binding is None or not report:
            return
        rid, body = (report[0], report[1:]) if binding.descriptor.uses_report_ids else (
            0, report)
        fields = binding.inputs.get(rid)
        if not fields:
            self.log.debug("%s: input report 0x%02x is not declared; ignored",
                           self.device.name, rid)
            return
        # a short report says nothing of the fields it does not reach
        values = {path: read_value(f, body) for path, f in fields
                  if f.offset + f.size <= 8 * len(body)}
        if values:
            self._apply(values, binding.variables)

    def _apply(self, values: dict[str, float], rows: Iterable[HidVar]) -> None:
        assert self.binding is not None
        for row in rows:
            if row.path in values and not row.setting:
                text = row.to_nut(values[row.path])
                if text is not None:
                    self.device.set(row.name, text)
        touched = False
        for rule in self.binding.status:
            if rule.path in values:
                self.conditions[rule.bit] = rule.holds(values[rule.path])
                touched = True
        if touched:
            self._publish_status()

    def _publish_status(self) -> None:
        charge = None
        with contextlib.suppress(TypeError, ValueError):
            charge = float(self.device.get("battery.charge"))  # type: ignore[arg-type]
        words, alarms = compose(self.conditions, self.policy, charge)
        self.device.set_status(words, alarms)

    # ------------------------------------------------------------ writing
    async def _write(self, path: str, value: float) -> None:
        assert self.port is not None and self.binding is not None
        f = self.binding.feature[path]
        desc = self.binding.descriptor
        length = desc.report_length(ReportType.FEATURE, f.report_id)
        try:
            current = await self._feature(f.report_id)
        except CommunicationError:
            current = b""
        buffer = bytearray(current[:length].ljust(length, b"\0"))
        write_value(f, buffer, value)
        data = (bytes([f.report_id]) if desc.uses_report_ids else b"") + bytes(buffer)
        await self.port.set_feature(f.report_id, data)

    async def instcmd(self, name: str, param: str | None) -> CmdResult:
        binding = self.binding
        if binding is None:
            return CmdResult.FAILED
        if name in _COMPOSED and "load.off.delay" in binding.commands:
            return await self._composed(name)
        cmd = binding.commands.get(name)
        if cmd is None:
            return CmdResult.UNKNOWN
        text = param if param is not None else cmd.value
        if not _is_number(text):
            text = self.device.get(text) or ""
        if not _is_number(text):
            return CmdResult.INVALID
        await self._write(cmd.path, cmd.encoded(float(text)))
        return CmdResult.HANDLED

    async def _composed(self, name: str) -> CmdResult:
        if name == "load.off":
            return await self.instcmd("load.off.delay", "0")
        if name == "load.on":
            return await self.instcmd("load.on.delay", "0")
        if "load.on.delay" in (self.binding.commands if self.binding else {}):
            start = "-1" if name == "shutdown.stayoff" else None
            result = await self.instcmd("load.on.delay", start)
            if result is not CmdResult.HANDLED:
                return result
        return await self.instcmd("load.off.delay", None)

    async def setvar(self, name: str, value: str) -> CmdResult:
        if self.binding is None:
            return CmdResult.FAILED
        row = next((r for r in self.binding.variables if r.name == name), None)
        if row is None or not row.writable:
            return CmdResult.UNKNOWN
        if row.lookup is not None:
            try:
                number: float = row.lookup.value(value)
            except ValueError:
                return CmdResult.INVALID
        elif _is_number(value):
            number = float(value)
        else:
            return CmdResult.INVALID
        if row.setting:
            self.device.set(name, value)
            return CmdResult.HANDLED
        if row.path not in self.binding.feature:
            return CmdResult.FAILED
        await self._write(row.path, number)
        report = await self._feature(self.binding.feature[row.path].report_id)
        text = row.to_nut(read_value(self.binding.feature[row.path], report))
        if text is not None:
            self.device.set(name, text)
        return CmdResult.HANDLED

    async def shutdown(self) -> CmdResult:
        """Killpower: shutdown.return, falling back to shutdown.reboot."""
        try:
            async with self.port_turns.claim():
                if self.binding is None:
                    await self.open()
                    await self.initialise()
                for command in ("shutdown.return", "shutdown.reboot"):
                    if await self.instcmd(command, None) is CmdResult.HANDLED:
                        self.log.warning("%s: %s sent", self.device.name, command)
                        return CmdResult.HANDLED
                return CmdResult.FAILED
        except (TransportError, CommunicationError) as exc:
            self.log.error("%s: shutdown failed: %s", self.device.name, exc)
            return CmdResult.FAILED


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)

