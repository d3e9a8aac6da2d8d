"""Repeater logic against a scripted stand-in for the NUT client."""

import pytest

from upskit.client.errors import NutConnectionError, NutError
from upskit.drivers.base import CommunicationError
from upskit.drivers.dummy.driver import DummyDriver
from upskit.model import CmdResult, Device
from upskit.transport.base import PortGone


class FakeClient:
    connected = True

    def __init__(self) -> None:
        self.values = {"ups.status": "OL", "ups.delay.shutdown": "20", "ups.beeper.status": "enabled",
                       "driver.name": "usbhid-ups", "battery.charge": "90"}
        self.types = {"ups.delay.shutdown": ["RW", "RANGE", "NUMBER"], "ups.beeper.status": ["RW", "ENUM"]}
        self.calls: list[tuple[str, ...]] = []
        self.fail: NutError | None = None
        self.tracking = "SUCCESS"

    async def list_vars(self, ups: str) -> dict[str, str]:
        if self.fail:
            raise self.fail
        return dict(self.values)

    async def list_rw(self, ups: str) -> dict[str, str]:
        return {k: self.values[k] for k in self.types}

    async def list_commands(self, ups: str) -> list[str]:
        return ["load.off.delay", "test.battery.start"]

    async def get_type(self, ups: str, var: str) -> list[str]:
        return self.types[var]

    async def list_enum(self, ups: str, var: str) -> list[str]:
        return ["enabled", "disabled"]

    async def list_range(self, ups: str, var: str) -> list[tuple[str, str]]:
        return [("0", "60"), ("120", "x")]

    async def set_var(self, ups: str, var: str, value: str) -> str | None:
        self.calls.append(("SET", ups, var, value))
        if self.fail:
            raise self.fail
        return "id-1"

    async def instcmd(self, ups: str, cmd: str, param: str | None = None) -> str | None:
        self.calls.append(("INSTCMD", ups, cmd, str(param)))
        if self.fail:
            raise self.fail
        return None

    async def wait_for_tracking(self, ident: str, timeout: float, interval: float) -> str:
        return self.tracking

    async def close(self) -> None:
        self.connected = False


async def relay() -> tuple[DummyDriver, FakeClient]:
    drv = DummyDriver(Device("relay"), {"port": "myups@nut.example:3500"})
    fake = FakeClient()
    assert drv.repeater is not None
    assert str(drv.repeater.upstream) == "myups@nut.example:3500"
    drv.repeater._client = fake  # type: ignore[assignment]
    await drv.initialise()
    return drv, fake


async def test_mirror_values_types_and_commands() -> None:
    drv, fake = await relay()
    dev = drv.device
    assert dev.get("battery.charge") == "90"
    assert dev.get("driver.name") == "dummy-ups"  # ours, not the upstream's
    delay = dev.variable("ups.delay.shutdown")
    assert delay and delay.writable and delay.ranges == [(0, 60)]
    beeper = dev.variable("ups.beeper.status")
    assert beeper and beeper.enums == ["enabled", "disabled"]
    assert not dev.variable("battery.charge").writable  # type: ignore[union-attr]
    assert dev.commands() == ["load.off.delay", "test.battery.start"]
    # a variable that disappears upstream disappears here
    del fake.values["battery.charge"]
    await drv.poll()
    assert "battery.charge" not in dev


async def test_forwarding_and_verdicts() -> None:
    drv, fake = await relay()
    dev = drv.device
    assert await dev.instcmd("load.off.delay", "30") is CmdResult.HANDLED
    assert await dev.setvar("ups.delay.shutdown", "45") is CmdResult.HANDLED
    assert fake.calls == [("INSTCMD", "myups", "load.off.delay", "30"),
                          ("SET", "myups", "ups.delay.shutdown", "45")]
    fake.tracking = "ERR INVALID-ARGUMENT"
    assert await dev.setvar("ups.delay.shutdown", "45") is CmdResult.INVALID
    fake.fail = NutError("READONLY")
    assert await dev.setvar("ups.delay.shutdown", "45") is CmdResult.INVALID
    fake.fail = NutError("ACCESS-DENIED")
    assert await dev.instcmd("test.battery.start") is CmdResult.FAILED
    fake.fail = NutConnectionError("Connection reset")
    assert await dev.instcmd("test.battery.start") is CmdResult.FAILED


async def test_upstream_trouble_becomes_stale_or_reconnect() -> None:
    drv, fake = await relay()
    fake.fail = NutError("DATA-STALE")
    with pytest.raises(CommunicationError, match="data stale"):
        await drv.poll()
    fake.fail = NutError("DRIVER-NOT-CONNECTED")
    with pytest.raises(CommunicationError):
        await drv.poll()
    fake.fail = NutConnectionError("Connection reset by peer")
    with pytest.raises(PortGone):
        await drv.poll()
    await drv.close()
    with pytest.raises(PortGone):
        await drv.poll()


async def test_unreachable_upstream_is_a_communication_error() -> None:
    drv = DummyDriver(Device("relay"), {"port": "ups@127.0.0.1:1"})
    with pytest.raises(CommunicationError, match=r"ups@127\.0\.0\.1:1"):
        await drv.open()
