"""innovatae (INNOVA TAE) on its canned table and simulator."""

from __future__ import annotations

from tests.drivers.qx.protocols.harness import detect_on, run_sim, run_table
from tests.support import eventually
from upskit.model import CmdResult

VALUES = {
    "device.mfr": "Ippon", "input.voltage": "215.0", "input.voltage.fault": "195.0",
    "output.voltage": "230.0", "ups.load": "14", "input.frequency": "49.0",
    "battery.voltage": "22.70", "ups.temperature": "30.0", "ups.status": "OL",
    "ups.type": "online", "ups.beeper.status": "disabled", "input.voltage.nominal": "230",
    "input.current.nominal": "4.0", "battery.voltage.nominal": "24.0",
    "input.frequency.nominal": "50", "ups.firmware": "R1.00.48",
}


async def test_canned_table() -> None:
    async with run_table("innovatae") as run:
        assert run.drv.dialect is not None and run.drv.dialect.name == "innovatae"
        assert run.dev.get("driver.version.data") == "INNOVATAE 0.01"
        assert run.values(VALUES) == VALUES
        assert await run.cmd("test.battery.start", "240") == (CmdResult.HANDLED, [b"T04\r"])
        assert await run.cmd("beeper.toggle") == (CmdResult.HANDLED, [b"Q\r"])
        assert await run.cmd("load.off") == (CmdResult.FAILED, [b"S00R0000\r"])


async def test_plain_q1_units_are_not_taken_for_innovatae() -> None:
    assert await detect_on("sim://q1?id=iq1", options={"protocol": "innovatae"}) is None
    assert await detect_on("sim://q1?id=iq1b",
                           options={"protocol": "innovatae", "novendor": True}) == "innovatae"


async def test_simulator_low_battery() -> None:
    async with run_sim("innovatae") as run:
        run.sim.mains(False)
        run.sim.physics.charge = 0.1
        await eventually(lambda: run.dev.get("ups.status") == "OB LB")
