"""innovart33 (INNOVA RT 3/3) on its canned table and simulator."""

from __future__ import annotations

from tests.drivers.qx.protocols.harness import run_sim, run_table
from tests.support import eventually
from upskit.model import CmdResult

VALUES = {
    "input.L1-N.voltage": "227.0", "output.L1-N.voltage": "229.9", "output.L1.load": "7",
    "output.L1.current": "6.5", "output.L1.realpower": "1400.0", "ups.load": "7",
    "input.bypass.L1-N.voltage": "230.4", "input.bypass.L2-N.voltage": "0.0",
    "input.bypass.frequency": "49.9", "input.voltage.nominal": "230",
    "battery.voltage": "327.8", "ups.firmware": "05516-1100", "ups.serial": "N05K10KB100004",
    "ups.status": "OL", "input.phases": "3", "input.bypass.phases": "3", "output.phases": "3",
}


async def test_canned_table_forced() -> None:
    # NUT's canned 3/3 table has a single-phase output, so it is not auto-detected as 3/3
    async with run_table("innovart33", protocol="innovart33") as run:
        assert run.dev.get("driver.version.data") == "INNOVART33 0.01"
        assert run.values(VALUES) == VALUES
        assert await run.cmd("test.battery.start.quick") == (CmdResult.HANDLED, [b"T\r"])
        assert await run.cmd("shutdown.stop") == (CmdResult.HANDLED, [b"C\r"])
        assert (await run.cmd("beeper.toggle"))[0] is CmdResult.UNKNOWN


async def test_simulator_three_phase_output() -> None:
    async with run_sim("innovart33") as run:
        assert run.dev.get("output.L2-N.voltage") == "230.0"
        assert run.dev.get("input.bypass.L3-N.voltage") == "230.0"
        run.sim.mains(False)
        await eventually(lambda: run.dev.get("ups.status") == "OB")
