"""QxDriver: the Megatec / Q* family driver (NUT's nutdrv_qx, blazer_ser, blazer_usb).

Polling cadence: status (QUICK_POLL items) is read back to back, ``pollinterval``
(default 0.1 s) apart, so a change at the device reaches clients within about one
exchange time (~0.25 s at 2400 baud).  A full update runs every ``pollfreq`` seconds
(default 30) and right after a successful command or setvar.

Staleness: NUT only logs the first four failed updates and goes stale on the fifth,
about 8 s at its 2 s polling.  Polling faster, this driver goes stale once at least
five consecutive updates failed *and* ``stale_seconds`` (8 s) passed since the first
of them, which gives the same time to stale.
"""

from __future__ import annotations

import contextlib
import time
from typing import ClassVar

from upskit.drivers.base import CommunicationError, Driver, DriverOptions
from upskit.drivers.context import DriverContext
from upskit.drivers.qx.battery import BatteryEstimator
from upskit.drivers.qx.detect import detect
from upskit.drivers.qx.dialect import Dialect
from upskit.drivers.qx.engine import QxEngine, WalkMode
from upskit.drivers.qx.items import QxFlag
from upskit.drivers.qx.options import QxOptions
from upskit.model import CmdResult, Device
from upskit.transport import Transport, TransportError
from upskit.transport.options import SerialOptions
from upskit.transport.usb.options import UsbOptions

#: Tries of each step of the killpower sequence.
SHUTDOWN_TRIES = 3


class QxDriver(Driver):
    """Driver for UPSes speaking a Megatec-derived Q* protocol over any transport."""

    name = "nutdrv_qx"
    version = "0.32"
    default_poll_interval = 0.1
    option_set = QxOptions
    #: nutdrv_qx accepts the serial and the USB keys whatever the port.
    port_option_sets = (SerialOptions, UsbOptions)
    options: QxOptions
    #: Failed updates and seconds since the first of them before the data is stale.
    stale_failures: ClassVar[int] = 5
    stale_seconds: float = 8.0

    def __init__(self, device: Device, options: DriverOptions, *, config_name: str = "",
                 context: DriverContext | None = None) -> None:
        super().__init__(device, options, config_name=config_name, context=context)
        self.transport: Transport | None = None
        self.dialect: Dialect | None = None
        self.engine: QxEngine | None = None
        self.battery = BatteryEstimator(device, self.options)
        self.pollfreq = max(1.0, self.options.pollfreq)
        self._last_full = 0.0
        self._first_failure: float | None = None
        device.set_default("driver.parameter.pollfreq", _fmt(self.pollfreq))
        device.set_default("device.type", "ups")

    # ------------------------------------------------------------- life cycle
    async def open(self) -> None:
        port = self.options.port
        if not port:
            raise CommunicationError("no port configured")
        if self.transport is None or self.transport.url != port:
            try:
                self.transport = self.open_port()
            except (ValueError, ImportError) as exc:
                raise CommunicationError(f"cannot use port {port!r}: {exc}") from exc
        if not self.transport.is_open:
            await self.transport.open()
        info = getattr(self.transport, "device_info", None)
        if callable(info):
            with contextlib.suppress(Exception):
                for key, value in dict(info()).items():
                    self.device.set(str(key), str(value))

    async def close(self) -> None:
        if self.transport is not None and self.transport.is_open:
            await self.transport.close()

    async def initialise(self) -> None:
        assert self.transport is not None
        if self.dialect is None:
            self.dialect = await detect(self.transport, self.device, self.options)
            if self.dialect is None:
                raise CommunicationError(
                    f"no supported Q* protocol answers on {self.transport.describe()}")
        dialect = self.dialect
        self.device.set("driver.version.data", dialect.label)
        self.engine = QxEngine(dialect, self.transport, self.device, self.options)
        await self.engine.walk(WalkMode.INIT)
        if dialect.initinfo is not None:
            dialect.initinfo(dialect, self.engine.ctx)
        gives_charge = any(i.name == "battery.charge" and not i.has(QxFlag.ABSENT)
                           for i in dialect.items)
        self.battery.setup(gives_charge)
        self.battery.update()
        self._last_full = time.monotonic()

    async def poll(self) -> None:
        assert self.engine is not None
        full = (self.engine.semi_static_due
                or time.monotonic() - self._last_full >= self.pollfreq)
        await self.engine.walk(WalkMode.FULL if full else WalkMode.QUICK)
        if full:
            self._last_full = time.monotonic()
            self.battery.update()
        self._first_failure = None

    def should_go_stale(self, failures: int) -> bool:
        now = time.monotonic()
        if self._first_failure is None or failures <= 1:
            self._first_failure = now
        return (failures >= self.stale_failures
                and now - self._first_failure >= self.stale_seconds)

    # --------------------------------------------------------------- commands
    async def instcmd(self, name: str, param: str | None) -> CmdResult:
        if self.engine is None:
            return CmdResult.FAILED
        if name in ("beeper.on", "beeper.off"):
            name = "beeper.enable" if name == "beeper.on" else "beeper.disable"
        return await self.engine.run_command(name, param)

    async def setvar(self, name: str, value: str) -> CmdResult:
        if self.engine is None:
            return CmdResult.FAILED
        return await self.engine.set_variable(name, value)

    async def shutdown(self) -> CmdResult:
        """Killpower: cancel pending shutdowns, then shutdown.return (or .stayoff)."""
        try:
            async with self.port_turns.claim():
                if self.engine is None:
                    await self.open()
                    await self.initialise()
                assert self.engine is not None
                for _ in range(SHUTDOWN_TRIES):
                    if await self.engine.run_command("shutdown.stop", None) is CmdResult.HANDLED:
                        break
                command = "shutdown.stayoff" if self.options.stayoff else "shutdown.return"
                delay = self.device.get("ups.delay.shutdown") or "?"
                result = CmdResult.FAILED
                for _ in range(SHUTDOWN_TRIES):
                    result = await self.engine.run_command(command, None)
                    if result is CmdResult.HANDLED:
                        self.log.warning("%s: shutting down in %s seconds", self.device.name,
                                         delay)
                        break
                return result
        except (TransportError, CommunicationError) as exc:
            self.log.error("%s: shutdown failed: %s", self.device.name, exc)
            return CmdResult.FAILED


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
