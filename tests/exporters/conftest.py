"""A small model served by the HTTP service: users with different rights, a UPS whose
commands and settings are recorded, a stale UPS, and a history in a temporary file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support import free_port, live_device
from upskit.config.settings import Settings, UserSettings
from upskit.exporters.history import HistoryRecorder
from upskit.exporters.http import HttpService
from upskit.model import CmdResult, Device, DeviceRegistry, VarFlag

USERS = {
    "admin": UserSettings("admin", password="adminpw", actions={"SET"}, instcmds={"ALL"}),
    "beeper": UserSettings("beeper", password="beeperpw", instcmds={"beeper.toggle"}),
    "viewer": UserSettings("viewer", password="viewerpw"),
}


@dataclass
class Served:
    """What the tests reach: the base URL, the devices and what their driver was asked."""

    url: str
    registry: DeviceRegistry
    service: HttpService
    history: HistoryRecorder
    calls: list[tuple[str, str, str | None]] = field(default_factory=list)

    @property
    def ups(self) -> Device:
        device = self.registry.get("ups")
        assert device is not None
        return device


def model(calls: list[tuple[str, str, str | None]]) -> DeviceRegistry:
    registry = DeviceRegistry()
    device = live_device("ups")
    device.desc = "Rack UPS"
    for name, value in {"battery.charge": "87", "battery.runtime": "1800", "ups.load": "31",
                        "input.voltage": "229.5", "output.voltage": "230.1",
                        "device.mfr": "ACME", "device.model": "Rack 1500",
                        "device.serial": "AB123", "device.type": "ups"}.items():
        device.set(name, value)
    device.set("ups.id", "rack-a")
    device.set_flags("ups.id", VarFlag.RW | VarFlag.STRING)
    device.set_aux("ups.id", 8)
    device.set("input.transfer.high", "264")
    device.set_flags("input.transfer.high", VarFlag.RW)
    for allowed in ("253", "264", "271"):
        device.add_enum("input.transfer.high", allowed)
    for command in ("beeper.toggle", "test.battery.start", "shutdown.return"):
        device.add_command(command)

    async def instcmd(name: str, param: str | None) -> CmdResult:
        calls.append(("instcmd", name, param))
        return CmdResult.FAILED if name == "shutdown.return" else CmdResult.HANDLED

    async def setvar(name: str, value: str) -> CmdResult:
        calls.append(("setvar", name, value))
        device.set(name, value)
        return CmdResult.HANDLED

    device.bind(instcmd, setvar)
    registry.add(device)
    stale = Device("old", "A UPS whose driver lost it")
    stale.set("battery.charge", "10")
    registry.add(stale)
    return registry


def settings_for(port: int, db: Path) -> Settings:
    settings = Settings(source="test")
    settings.users = dict(USERS)
    settings.web.http.enabled = True
    settings.web.http.port = port
    settings.web.history.path = str(db)
    settings.web.history.interval = 0.5
    return settings


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    calls: list[tuple[str, str, str | None]] = []
    registry = model(calls)
    settings = settings_for(free_port(), tmp_path / "history.sqlite")
    history = HistoryRecorder(registry, settings)
    service = HttpService(registry, settings, history=history)
    await history.start()
    await service.start()
    assert not service.problems(), service.problems()
    try:
        yield Served(service.url.rstrip("/"), registry, service, history, calls)
    finally:
        await service.stop()
        await history.stop()
