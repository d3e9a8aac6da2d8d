"""q6 (three-phase Megatec variant) against its canned table and simulator."""

from __future__ import annotations

import pytest

from tests.drivers.qx.protocols.harness import run_sim, run_table
from tests.support import eventually
from upskit.drivers.qx.protocols import q6
from upskit.model import CmdResult

Q1_STATUS = {"ups.status": "OL", "ups.type": "online", "ups.beeper.status": "disabled"}
WA_VALUES = {
    "output.L1.realpower": "1400.0", "output.L2.realpower": "0.0", "output.L1.power": "1400.0",
    "output.L1.current": "6.5", "output.L2.current": "0.0", "ups.realpower": "1400.0",
    "ups.power": "1400.0", "ups.load": "7",
}
Q6_VALUES = {
    "input.L1-N.voltage": "227.0", "input.L2-N.voltage": "225.6", "input.L3-N.voltage": "230.0",
    "input.frequency": "50.0", "output.L1-N.voltage": "229.9", "output.L2-N.voltage": "0.0",
    "output.L3-N.voltage": "0.0", "output.frequency": "49.9", "output.L1.load": "7",
    "output.L2.load": "0", "output.L3.load": "0", "ups.temperature": "23.0",
    "battery.voltage": "327.8", "battery.runtime": "6932", "battery.charge": "100",
    "experimental.battery.voltage.negative": "0.0", "experimental.input.topology": "star",
    "experimental.output.topology": "star", "input.phases": "3", "output.phases": "3",
}
COMMANDS = ["beeper.toggle", "load.off", "load.on", "shutdown.return", "shutdown.stayoff",
            "shutdown.stop", "test.battery.start", "test.battery.start.deep",
            "test.battery.start.quick", "test.battery.stop"]


async def check_canned(protocol: str, values: dict[str, str], label: str) -> None:
    """Values, commands and delays of a three-phase dialect on its canned table."""
    async with run_table(protocol) as run:
        assert run.drv.dialect is not None and run.drv.dialect.name == protocol
        assert run.dev.get("driver.version.data") == label
        assert run.values(values) == values
        assert run.values(WA_VALUES) == WA_VALUES
        assert run.values(Q1_STATUS) == Q1_STATUS
        assert run.dev.commands() == COMMANDS
        # canned commands answer nothing (accepted); others are echoed (refused)
        assert await run.cmd("beeper.toggle") == (CmdResult.HANDLED, [b"Q\r"])
        assert await run.cmd("test.battery.start", "240") == (CmdResult.HANDLED, [b"T04\r"])
        assert await run.cmd("shutdown.stayoff") == (CmdResult.HANDLED, [b"S.5R0000\r"])
        assert await run.cmd("load.off") == (CmdResult.FAILED, [b"S00R0000\r"])
        assert (await run.setvar("ups.delay.shutdown", "120"))[0] is CmdResult.HANDLED
        assert await run.setvar("ups.delay.start", "300") == (CmdResult.HANDLED, [])
        assert await run.cmd("shutdown.return") == (CmdResult.HANDLED, [b"S02R0005\r"])
        assert (await run.setvar("ups.delay.shutdown", "5"))[0] is CmdResult.INVALID


async def test_nooutstats_skips_wa() -> None:
    async with run_table("q6", protocol="q6", nooutstats=True) as run:
        assert run.dev.get("ups.power") is None and run.dev.get("ups.load") is None
        assert b"WA\r" not in run.sim.received
        assert run.dev.get("input.L1-N.voltage") == "227.0"


async def test_canned_table() -> None:
    await check_canned("q6", Q6_VALUES, "Q6 0.01")


async def check_simulator(protocol: str) -> None:
    """OL -> OB -> OB LB -> OL, then a quick test, on the physics simulator."""
    async with run_sim(protocol) as run:
        assert run.dev.get("ups.status") == "OL"
        assert run.dev.get("input.L1-N.voltage") == "230.0"
        await run.power_cycle()
        assert await run.cmd("test.battery.start.quick") == (CmdResult.HANDLED, [b"T\r"])
        await eventually(lambda: run.dev.get("ups.status") == "OL CAL")


async def test_simulator_mains_loss_and_test() -> None:
    await check_simulator("q6")


def test_bad_replies_raise_value_error_only() -> None:
    for value in ("2", "", "x"):
        with pytest.raises(ValueError):
            q6.topology(None, q6.Q6_ROWS[0], value)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        q6.battery_volts(None, q6.Q6_ROWS[0], "---.-")  # type: ignore[arg-type]
