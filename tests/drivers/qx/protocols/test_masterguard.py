"""masterguard (A/E series: ``WH``, ``Q3``, addressed ``,XX`` queries)."""

from __future__ import annotations

import pytest

from tests.drivers.qx.protocols.harness import FakeContext, detect_on, run_sim, run_table
from tests.support import eventually
from upskit.drivers.qx.protocols import masterguard as mg
from upskit.model import CmdResult

VALUES = {
    "device.mfr": "Masterguard", "load.high": "140", "battery.type": "PbAc", "ups.id": "00",
    "ups.firmware": "10.06", "ups.firmware.aux": "03.09", "device.model": "A700-19",
    "ups.power.nominal": "700", "input.voltage.nominal": "230",
    "input.frequency.nominal": "50.00", "battery.voltage.nominal": "27.60",
    "ambient.0.temperature.low": "10", "ambient.0.temperature.high": "40",
    "input.voltage.low.critical": "160", "input.voltage.high.critical": "276",
    "input.frequency.low": "47.00", "input.frequency.high": "53.00",
    "input.voltage": "225.9", "output.voltage": "229.3", "ups.load": "43", "ups.power": "302",
    "output.current": "1.32", "input.frequency": "50.0", "battery.voltage": "27.24",
    "ups.temperature": "23.4", "ambient.0.temperature": "23.4", "battery.runtime": "1023",
    "battery.charge": "100", "ups.status": "OL", "ups.type": "online",
    "ups.test.result": "no test in progress", "battery.packs": "0",
    "ups.beeper.status": "enabled", "device.part": "6A1212", "device.serial": "2782",
    "device.uptime": "161550397", "output.voltage.nominal": "230",
    "output.current.nominal": "3.06",
}
EXTRA_POLLS = ("GS,00", "GBS,00", "GSN,00", "DRC,00")


async def test_canned_table() -> None:
    async with run_table("masterguard") as run:
        assert run.drv.dialect is not None and run.drv.dialect.name == "masterguard"
        assert run.dev.get("driver.version.data") == "Masterguard 0.05"
        assert run.values(VALUES) == VALUES
        assert run.dev.variable("ups.delay.shutdown").ranges == [(0, 5940)]
        assert await run.cmd("beeper.disable", extra_polls=EXTRA_POLLS) == (
            CmdResult.HANDLED, [b"SS---0,00\r"])
        assert await run.cmd("test.battery.start", "10") == (CmdResult.HANDLED, [b"T\r"])
        assert await run.cmd("test.battery.start", "120") == (CmdResult.HANDLED, [b"T02\r"])
        assert (await run.cmd("test.battery.start", "30"))[0] is CmdResult.INVALID
        assert await run.cmd("shutdown.return") == (CmdResult.HANDLED, [b"S.5R0003\r"])
        assert await run.cmd("shutdown.stayoff") == (CmdResult.HANDLED, [b"S.5\r"])
        assert await run.setvar("battery.packs", "2", EXTRA_POLLS) == (
            CmdResult.HANDLED, [b"SS--2-,00\r"])
        assert await run.setvar("output.voltage.nominal", "240", EXTRA_POLLS) == (
            CmdResult.HANDLED, [b"PNV=240\r"])
        assert (await run.setvar("output.voltage.nominal", "250"))[0] is CmdResult.INVALID


async def test_slave_address_option() -> None:
    assert await detect_on("sim://masterguard?id=mg1&address=7") == "masterguard"
    assert await detect_on("sim://masterguard?id=mg2&address=7",
                           options={"slave_addr": "7"}) == "masterguard"
    assert await detect_on("sim://masterguard?id=mg3&address=7",
                           options={"protocol": "masterguard", "slave_addr": "8"}) is None


async def test_simulator_address_change_and_transitions() -> None:
    async with run_sim("masterguard", "&address=3") as run:
        assert run.dev.get("ups.id") == "03"
        assert (await run.setvar("ups.id", "5", ("GS,03", "GBS,03", "GSN,03", "DRC,03")))[1] \
            == [b"SS05--,03\r"]
        await eventually(lambda: run.dev.get("ups.id") == "05")
        assert await run.cmd("beeper.disable", extra_polls=("GS,05", "GBS,05", "DRC,05")) == (
            CmdResult.HANDLED, [b"SS---0,05\r"])
        await eventually(lambda: run.dev.get("ups.beeper.status") == "disabled")
        run.sim.mains(False)
        await eventually(lambda: run.dev.get("ups.status") == "OB")
        assert run.dev.get("battery.voltage") is not None


@pytest.mark.parametrize("hook,value", [
    (mg.series, "B"), (mg.model, "X 9000"), (mg.mmm_ss, "17:03"), (mg.running_time, "1:2:3"),
    (mg.test_result, "2"), (mg.slave_address, "7"), (mg.output_voltages, "(220 x"),
])
def test_bad_values(hook: object, value: str) -> None:
    with pytest.raises(ValueError):
        hook(FakeContext(), mg.WH_ROWS[0], value)  # type: ignore[operator]
