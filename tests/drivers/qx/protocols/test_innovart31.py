"""innovart31 (INNOVA RT 3/1) on its canned table and simulator; the 3/1 vs 3/3 claim."""

from __future__ import annotations

from tests.drivers.qx.protocols.harness import detect_on, run_sim, run_table
from tests.support import eventually
from upskit.model import CmdResult

VALUES = {
    "input.voltage": "227.0", "input.L1-N.voltage": "227.0", "input.L2-N.voltage": "225.6",
    "input.L3-N.voltage": "230.0", "input.frequency": "50.0", "output.voltage": "229.9",
    "output.frequency": "49.9", "ups.load": "7", "ups.temperature": "23.0",
    "battery.voltage": "327.8", "battery.runtime": "6932", "battery.charge": "100",
    "output.current": "6.5", "ups.realpower": "1400.00", "ups.power": "1400.00",
    "input.bypass.voltage": "230.4", "input.bypass.frequency": "49.9",
    "input.voltage.nominal": "230", "input.current.nominal": "87.0",
    "battery.voltage.nominal": "288.0", "input.frequency.nominal": "50",
    "ups.firmware": "05516-1100", "ups.serial": "N05K10KB100004", "ups.status": "OL",
    "ups.type": "online", "ups.beeper.status": "disabled", "input.phases": "3",
    "input.bypass.phases": "1", "output.phases": "1",
}
COMMANDS = ["load.off", "load.on", "shutdown.return", "shutdown.stayoff", "shutdown.stop",
            "test.battery.start", "test.battery.start.deep", "test.battery.start.quick",
            "test.battery.stop"]


async def test_canned_table_values_and_commands() -> None:
    async with run_table("innovart31") as run:
        assert run.drv.dialect is not None and run.drv.dialect.name == "innovart31"
        assert run.dev.get("driver.version.data") == "INNOVART31 0.02"
        assert run.values(VALUES) == VALUES
        assert run.dev.commands() == COMMANDS
        # tests answer a bare ACK, shutdowns nothing; unknown commands get NAK
        assert await run.cmd("test.battery.start.deep") == (CmdResult.HANDLED, [b"TL\r"])
        assert await run.cmd("test.battery.start", "240") == (CmdResult.HANDLED, [b"T04\r"])
        assert await run.cmd("test.battery.stop") == (CmdResult.HANDLED, [b"CT\r"])
        assert await run.cmd("shutdown.stop") == (CmdResult.HANDLED, [b"C\r"])
        assert await run.cmd("shutdown.stayoff") == (CmdResult.HANDLED, [b"S.5R0000\r"])
        assert await run.cmd("load.off") == (CmdResult.FAILED, [b"S00R0000\r"])
        assert (await run.cmd("beeper.toggle"))[0] is CmdResult.UNKNOWN


async def test_three_phase_output_unit_is_left_to_innovart33() -> None:
    assert await detect_on("sim://innovart33?id=i33") == "innovart33"
    assert await detect_on("sim://innovart31?id=i31") == "innovart31"
    assert await detect_on("sim://innovart33?id=i33b",
                           options={"protocol": "innovart31"}) is None


async def test_simulator_transitions() -> None:
    async with run_sim("innovart31") as run:
        assert run.dev.get("output.voltage") == "230.0"
        run.sim.mains(False)
        await eventually(lambda: run.dev.get("ups.status") == "OB")
        run.sim.mains(True)
        await eventually(lambda: run.dev.get("ups.status") == "OL")
        assert await run.cmd("shutdown.return") == (CmdResult.HANDLED, [b"S.5R0003\r"])
        await eventually(lambda: run.dev.get("ups.status") == "ALARM OL FSD")
        assert await run.cmd("shutdown.stop") == (CmdResult.HANDLED, [b"C\r"])
        await eventually(lambda: run.dev.get("ups.status") == "OL")
