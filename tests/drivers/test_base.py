from tests.support import eventually
from upskit.drivers.base import Driver
from upskit.drivers.supervisor import Supervisor
from upskit.model import CmdResult, Device
from upskit.transport import PortGone, PortSilent


class FlakyDriver(Driver):
    name = "flaky"
    default_poll_interval = 0.01

    def __init__(self, device: Device, script: list[str]) -> None:
        super().__init__(device, {"port": "sim://x", "override.ups.model": "Forced", "nolock": True})
        self.script = script
        self.opens = 0

    async def open(self) -> None:
        self.opens += 1

    async def initialise(self) -> None:
        self.device.set("ups.model", "Real")
        self.device.add_command("test.battery.start")

    async def poll(self) -> None:
        step = self.script.pop(0) if self.script else "ok"
        if step == "silent":
            raise PortSilent("no reply")
        if step == "gone":
            raise PortGone("unplugged")
        if step == "bug":
            raise RuntimeError("driver bug")
        self.device.set_status(["OL"])

    async def instcmd(self, name: str, param: str | None) -> CmdResult:
        return CmdResult.HANDLED


async def test_driver_info_and_override() -> None:
    dev = Device("ups")
    drv = FlakyDriver(dev, [])
    assert dev.get("driver.name") == "flaky"
    assert dev.get("driver.parameter.port") == "sim://x"
    assert dev.get("driver.flag.nolock") == "enabled"
    async with Supervisor([drv]):
        await eventually(lambda: not dev.stale)
        assert dev.get("ups.model") == "Forced"
        assert await dev.instcmd("test.battery.start") is CmdResult.HANDLED


async def test_stale_then_recover_and_reconnect() -> None:
    dev = Device("ups")
    drv = FlakyDriver(dev, ["ok", "silent", "gone", "ok"])
    states: list[bool] = []
    dev.subscribe(lambda e: states.append(dev.stale))
    drv.max_backoff = 0.01
    async with Supervisor([drv]):
        await eventually(lambda: drv.opens >= 2 and not dev.stale and not drv.script, 5)
    assert True in states and False in states


async def test_supervisor_restarts_crashed_driver() -> None:
    dev = Device("ups")
    drv = FlakyDriver(dev, ["bug"])
    sup = Supervisor([drv], max_backoff=0.01)
    await sup.start()
    try:
        await eventually(lambda: not dev.stale and not drv.script, 5)
    finally:
        await sup.stop()
