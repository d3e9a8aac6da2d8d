"""voltronic-qs (``M`` -> ``V``, ``QS`` status) on its canned table and simulator."""

from __future__ import annotations

from tests.drivers.qx.protocols.harness import detect_on, run_sim, run_table
from tests.support import eventually
from upskit.model import CmdResult

VALUES = {
    "ups.firmware.aux": "PM-V", "input.voltage": "215.0", "input.voltage.fault": "195.0",
    "output.voltage": "230.0", "ups.load": "14", "output.frequency": "49.0",
    "battery.voltage": "22.70", "ups.temperature": "30.0", "ups.status": "OL",
    "ups.type": "online", "ups.beeper.status": "disabled", "output.voltage.nominal": "220",
    "output.current.nominal": "3.0", "battery.voltage.nominal": "12.0",
    "output.frequency.nominal": "50",
}
COMMANDS = ["beeper.toggle", "load.off", "load.on", "shutdown.return", "shutdown.stayoff",
            "shutdown.stop", "test.battery.start.quick"]


async def test_canned_table() -> None:
    async with run_table("voltronic-qs") as run:
        assert run.drv.dialect is not None and run.drv.dialect.name == "voltronic-qs"
        assert run.dev.get("driver.version.data") == "Voltronic-QS 0.11"
        assert run.values(VALUES) == VALUES
        assert run.dev.commands() == COMMANDS
        assert run.dev.variable("ups.delay.shutdown").ranges == [(12, 540)]
        assert await run.cmd("test.battery.start.quick") == (CmdResult.HANDLED, [b"T\r"])
        assert await run.cmd("shutdown.stayoff") == (CmdResult.HANDLED, [b"S.5R0000\r"])
        assert await run.cmd("load.off") == (CmdResult.FAILED, [b"S00R0000\r"])
        assert (await run.setvar("ups.delay.shutdown", "600"))[0] is CmdResult.INVALID


async def test_other_protocol_letters_are_refused() -> None:
    assert await detect_on("sim://voltronic-qs-hex?id=vq", options={"protocol": "voltronic-qs"}) \
        is None
    assert await detect_on("sim://mustek?id=vq2") == "mustek"


async def test_simulator_transitions() -> None:
    async with run_sim("voltronic-qs") as run:
        run.sim.mains(False)
        await eventually(lambda: run.dev.get("ups.status") == "OB")
        run.sim.mains(True)
        await eventually(lambda: run.dev.get("ups.status") == "OL")
        assert await run.cmd("beeper.toggle") == (CmdResult.HANDLED, [b"Q\r"])
        await eventually(lambda: run.dev.get("ups.beeper.status") == "disabled")
