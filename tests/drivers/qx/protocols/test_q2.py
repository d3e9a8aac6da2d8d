"""q2 (three-phase Megatec variant, ``Q2`` measurements) on its canned table and simulator."""

from __future__ import annotations

from tests.drivers.qx.protocols.harness import detect_on
from tests.drivers.qx.protocols.test_q6 import check_canned, check_simulator

Q2_VALUES = {
    "input.L1-N.voltage": "226.6", "input.L2-N.voltage": "224.3", "input.L3-N.voltage": "228.0",
    "input.voltage.fault": "226.6", "input.frequency": "49.9", "output.L1-N.voltage": "229.9",
    "output.L1.load": "0", "ups.temperature": "18.0", "battery.voltage": "327.6",
    "battery.runtime": "999", "battery.charge": "100", "experimental.input.topology": "star",
    "input.phases": "3", "output.phases": "3",
}


async def test_canned_table() -> None:
    await check_canned("q2", Q2_VALUES, "Q2 0.01")


async def test_simulator_mains_loss_and_test() -> None:
    await check_simulator("q2")


async def test_q6_unit_is_not_taken_for_q2() -> None:
    assert await detect_on("sim://q6?id=q2probe", options={"protocol": "q2"}) is None
