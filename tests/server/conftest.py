"""Shared fixtures: a small device registry, a running server and a line client."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from upskit.config.settings import Listen, UpsdSettings, UserSettings
from upskit.model import CmdResult, Device, DeviceRegistry, VarFlag
from upskit.server import NutServer

USERS = {
    "admin": UserSettings("admin", password="secret", actions={"SET", "FSD"}, instcmds={"ALL"}),
    "monpri": UserSettings("monpri", password="pw", upsmon="primary"),
    "monsec": UserSettings("monsec", password="pw", upsmon="secondary"),
    "reader": UserSettings("reader", password="pw"),
    "tester": UserSettings("tester", password="pw", instcmds={"test.battery.start"}),
}


@dataclass
class Recorder:
    """Driver stand-in that records what reached it and answers a configurable result."""

    calls: list[tuple[str, str, str | None]] = field(default_factory=list)
    result: CmdResult = CmdResult.HANDLED
    delay: float = 0.0
    raise_error: bool = False

    async def instcmd(self, name: str, param: str | None) -> CmdResult:
        self.calls.append(("instcmd", name, param))
        return await self._answer()

    async def setvar(self, name: str, value: str) -> CmdResult:
        self.calls.append(("setvar", name, value))
        return await self._answer()

    async def _answer(self) -> CmdResult:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.raise_error:
            raise RuntimeError("driver exploded")
        return self.result


def make_device(name: str = "ups1", recorder: Recorder | None = None) -> Device:
    """A device with read-only, writable, enum, range and string variables and commands."""
    dev = Device(name, desc="Rack UPS")
    for var, value in {
        "battery.charge": "100",
        "battery.runtime": "1800",
        "input.voltage": "230.4",
        "ups.mfr": "Acme",
        "ups.model": 'Smart "Quoted" \\ UPS',
        "device.type": "ups",
        "ups.id": "rack-1",
        "input.transfer.low": "180",
        "ups.beeper.status": "enabled",
    }.items():
        dev.set(var, value)
    dev.set_status(["OL", "CHRG"])
    dev.set_flags("ups.id", VarFlag.RW | VarFlag.STRING)
    dev.set_aux("ups.id", 8)
    dev.set_flags("input.transfer.low", VarFlag.RW | VarFlag.NUMBER)
    dev.add_range("input.transfer.low", 160, 190)
    dev.add_range("input.transfer.low", 200, 210)
    dev.set_flags("ups.beeper.status", VarFlag.RW)
    dev.add_enum("ups.beeper.status", "enabled")
    dev.add_enum("ups.beeper.status", "disabled")
    for cmd in ("test.battery.start", "load.off", "beeper.toggle"):
        dev.add_command(cmd)
    rec = recorder or Recorder()
    dev.bind(rec.instcmd, rec.setvar)
    dev.set_connected(True)
    dev.data_ok()
    return dev


@dataclass
class Served:
    server: NutServer
    registry: DeviceRegistry
    device: Device
    recorder: Recorder

    @property
    def port(self) -> int:
        return self.server.ports[0][1]


async def start_server(
    registry: DeviceRegistry, **settings: object
) -> NutServer:
    upsd = UpsdSettings(listen=[Listen("127.0.0.1", 0)])
    for key, value in settings.items():
        setattr(upsd, key, value)
    server = NutServer(registry, upsd, USERS)
    await server.start()
    return server


def _native_built() -> bool:
    try:
        import upskit.server._fastpath  # noqa: F401
    except ImportError:
        return False
    return True


NATIVE_BUILT = _native_built()
#: Both ways a plain-TCP connection is served: the native fast path and a Python session.
SERVING = [pytest.param("native", marks=pytest.mark.skipif(
    not NATIVE_BUILT, reason="the native fast path is not built")), "python"]


@pytest.fixture(params=SERVING)
def serving(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test once on the native fast path and once on Python sessions."""
    mode = str(request.param)
    monkeypatch.setenv("UPSKIT_FASTPATH", "1" if mode == "native" else "0")
    return mode


@pytest.fixture
async def served(serving: str) -> AsyncIterator[Served]:
    recorder = Recorder()
    registry = DeviceRegistry()
    device = make_device("ups1", recorder)
    registry.add(device, aliases=["ups"])
    server = await start_server(registry)
    assert server.native == (serving == "native")
    try:
        yield Served(server, registry, device, recorder)
    finally:
        await server.stop()


class LineClient:
    """Minimal NUT client over a real socket: send a line, read one reply (or a whole list)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def connect(cls, port: int, host: str = "127.0.0.1") -> LineClient:
        reader, writer = await asyncio.open_connection(host, port)
        return cls(reader, writer)

    async def send(self, line: str | bytes) -> None:
        data = line if isinstance(line, bytes) else line.encode()
        self.writer.write(data + b"\n")
        await self.writer.drain()

    async def line(self, timeout: float = 5.0) -> str:
        raw = await asyncio.wait_for(self.reader.readline(), timeout)
        return raw.decode("utf-8", "replace").rstrip("\n")

    async def ask(self, line: str | bytes) -> str:
        """Send one request; return its reply, all lines of a BEGIN..END list joined by \\n."""
        await self.send(line)
        first = await self.line()
        if not first.startswith("BEGIN "):
            return first
        lines = [first]
        end = "END " + first[len("BEGIN "):]
        while lines[-1] != end:
            lines.append(await self.line())
        return "\n".join(lines)

    async def login(self, user: str, password: str) -> None:
        assert await self.ask(f"USERNAME {user}") == "OK"
        assert await self.ask(f"PASSWORD {password}") == "OK"

    async def closed(self, timeout: float = 5.0) -> bool:
        data = await asyncio.wait_for(self.reader.read(), timeout)
        return data == b""

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(OSError):
            await self.writer.wait_closed()


@pytest.fixture
async def client(served: Served) -> AsyncIterator[LineClient]:
    c = await LineClient.connect(served.port)
    try:
        yield c
    finally:
        await c.close()


def apply_type_words(device: Device, var: str, words: list[str]) -> None:
    """Give ``var`` the flags a ``TYPE`` reply's words describe (RW, STRING:n, NUMBER)."""
    flags = VarFlag.NONE
    for word in words:
        if word == "RW":
            flags |= VarFlag.RW
        elif word.startswith("STRING:"):
            flags |= VarFlag.STRING
            device.set_aux(var, int(word.split(":")[1]))
        elif word == "NUMBER":
            flags |= VarFlag.NUMBER
    device.set_flags(var, flags)
