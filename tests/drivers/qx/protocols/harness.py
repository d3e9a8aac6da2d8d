"""Shared pieces of the per-dialect tests: canned-table and simulator runs."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Awaitable, Iterable, Mapping
from contextlib import asynccontextmanager

from tests.drivers.qx.util import running
from tests.support import eventually
from upskit.drivers.qx.detect import ProbeSession, detect
from upskit.drivers.qx.dialect import Dialect, get_dialect
from upskit.drivers.qx.driver import QxDriver
from upskit.drivers.qx.items import QxFlag
from upskit.model import CmdResult, Device
from upskit.sim.device import SimDevice
from upskit.sim.ports import forget, make_transport, parse_sim_url, sim_device

_ids = itertools.count()

__all__ = ["FakeContext", "Run", "claims", "detect_on", "run_sim", "run_table"]


def dialect(protocol: str) -> Dialect:
    spec = get_dialect(protocol)
    assert spec is not None, protocol
    return spec


class Run:
    """A running driver plus its simulated device, with command and setvar shortcuts."""

    def __init__(self, drv: QxDriver, sim: SimDevice, protocol: str) -> None:
        self.drv = drv
        self.dev: Device = drv.device
        self.sim = sim
        spec = dialect(protocol)
        self.polls = {i.query for i in spec.items
                      if i.query and not i.flags & (QxFlag.CMD | QxFlag.SETVAR)}

    async def cmd(self, name: str, param: str | None = None,
                  extra_polls: Iterable[str] = ()) -> tuple[CmdResult, list[bytes]]:
        result, span = await self._on_the_wire("instcmd", self.dev.instcmd(name, param))
        return result, self._sent(span, extra_polls)

    async def setvar(self, name: str, value: str,
                     extra_polls: Iterable[str] = ()) -> tuple[CmdResult, list[bytes]]:
        result, span = await self._on_the_wire("setvar", self.dev.setvar(name, value))
        return result, self._sent(span, extra_polls)

    async def _on_the_wire(self, hook: str, call: Awaitable[CmdResult]
                           ) -> tuple[CmdResult, tuple[int, int]]:
        """The result of ``call`` and the part of the wire log its driver hook wrote.

        The command runs in the driver's own task, so a poll may follow it on the wire
        before ``call`` returns: only what the hook itself sent is the command's.
        """
        real = getattr(self.drv, hook)
        span = [len(self.sim.received)] * 2

        async def recorded(*args: str | None) -> CmdResult:
            span[0] = len(self.sim.received)
            try:
                result: CmdResult = await real(*args)
                return result
            finally:
                span[1] = len(self.sim.received)

        setattr(self.drv, hook, recorded)
        try:
            return await call, (span[0], span[1])
        finally:
            delattr(self.drv, hook)

    def _sent(self, span: tuple[int, int], extra_polls: Iterable[str]) -> list[bytes]:
        polls = self.polls | set(extra_polls)
        return [c for c in self.sim.received[span[0]:span[1]]
                if c.removesuffix(b"\r").decode("latin-1") not in polls]

    async def power_cycle(self) -> None:
        """Mains lost, battery run low, mains back: OL -> OB -> OB LB -> OL."""
        self.sim.mains(False)
        await eventually(lambda: self.dev.get("ups.status") == "OB")
        self.sim.physics.charge = 0.1
        await eventually(lambda: self.dev.get("ups.status") == "OB LB")
        self.sim.physics.charge = 0.9
        self.sim.mains(True)
        await eventually(lambda: self.dev.get("ups.status") == "OL")

    def values(self, names: Iterable[str]) -> dict[str, str | None]:
        return {n: self.dev.get(n) for n in names}


@asynccontextmanager
async def run_table(name: str, /, **options: str | bool) -> AsyncIterator[Run]:
    """The driver on dialect ``name``'s canned NUT table (auto-detected unless forced)."""
    key = f"t{next(_ids)}"
    async with running(f"sim://{name}?mode=table&id={key}", **options) as drv:
        yield Run(drv, sim_device(key), name)


@asynccontextmanager
async def run_sim(name: str, /, query: str = "", **options: str | bool) -> AsyncIterator[Run]:
    """The driver (protocol forced to ``name``) on ``name``'s physics-driven simulator."""
    key = f"s{next(_ids)}"
    options.setdefault("protocol", name)
    async with running(f"sim://{name}?id={key}{query}", **options) as drv:
        yield Run(drv, sim_device(key), name)


async def detect_on(url: str, known: Mapping[str, str] | None = None,
                    options: Mapping[str, str | bool] | None = None) -> str | None:
    """The dialect auto-detection picks for the simulator at ``url``."""
    transport = make_transport(url, {})
    await transport.open()
    device = Device("ups")
    for name, value in (known or {}).items():
        device.set(name, value)
    try:
        found = await detect(transport, device, dict(options or {}), timeout=0.2)
    finally:
        await transport.close()
        forget(parse_sim_url(url)[1].get("id", url))  # every call probes a new simulator
    return found.name if found else None


async def claims(protocol: str, url: str, known: Mapping[str, str] | None = None) -> bool:
    """Whether ``protocol``'s claim (as in auto-detection) accepts the unit at ``url``."""
    transport = make_transport(url, {})
    await transport.open()
    device = Device("ups")
    for name, value in (known or {}).items():
        device.set(name, value)
    session = ProbeSession(transport, device, {}, timeout=0.2)
    session.dialect = dialect(protocol)
    try:
        return await session.dialect.claim(session)
    finally:
        await transport.close()
        forget(parse_sim_url(url)[1].get("id", url))  # every call probes a new simulator


async def settle(seconds: float = 0.05) -> None:
    await asyncio.sleep(seconds)


class FakeContext:
    """A hook context for unit tests of single hooks."""

    def __init__(self, reply: str = "", values: Mapping[str, str] | None = None,
                 options: Mapping[str, str | bool] | None = None) -> None:
        self.reply = reply
        self.values = dict(values or {})
        self.options = dict(options or {})

    def get(self, name: str) -> str | None:
        return self.values.get(name)

    def set(self, name: str, value: str) -> None:
        self.values[name] = value

    def option(self, key: str) -> str | None:
        value = self.options.get(key)
        return value if isinstance(value, str) else None

    def flag(self, key: str) -> bool:
        return self.options.get(key) is True
