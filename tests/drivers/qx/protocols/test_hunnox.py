"""hunnox (``Q1``, ``FW?`` vendor line, ``BL`` charge) on its canned table and simulator."""

from __future__ import annotations

import pytest

from tests.drivers.qx.protocols.harness import detect_on, run_sim, run_table
from tests.support import eventually
from upskit.drivers.qx.protocols import hunnox
from upskit.model import CmdResult

VALUES = {
    "input.voltage": "215.0", "output.voltage": "230.0", "ups.load": "14",
    "battery.voltage": "22.70", "ups.status": "OL", "ups.type": "online",
    "battery.charge": "100", "device.mfr": "NOT_A_LIVE_UPS", "device.model": "TESTING",
    "ups.firmware": "TESTING", "input.voltage.nominal": "230",
    "ups.delay.start": "0", "ups.delay.shutdown": "60",
}


async def test_canned_table_forced() -> None:
    async with run_table("hunnox", protocol="hunnox") as run:
        assert run.dev.get("driver.version.data") == "Hunnox 0.03"
        assert run.values(VALUES) == VALUES
        assert await run.cmd("beeper.toggle") == (CmdResult.HANDLED, [b"Q\r"])
        # ondelay 0: plain S<n>; offdelay 60: one minute
        assert await run.cmd("shutdown.return") == (CmdResult.FAILED, [b"S01\r"])
        assert await run.cmd("shutdown.stayoff") == (CmdResult.FAILED, [b"S01R0000\r"])


async def test_auto_detection_follows_nut_precedence() -> None:
    # same Q1 + FW? signature as zinto, which NUT probes first
    assert await detect_on("sim://hunnox?id=hx") == "zinto"


async def test_measurements_are_quick_polled() -> None:
    async with run_sim("hunnox") as run:
        run.sim.physics.input_voltage = 221.0
        await eventually(lambda: run.dev.get("input.voltage") == "221.0")
        run.sim.mains(False)
        await eventually(lambda: run.dev.get("ups.status") == "OB")
        assert run.dev.get("battery.charge") == "100"


@pytest.mark.parametrize("bad", ["BL", "BLx", "BL101", "XL50"])
def test_bad_bl_replies(bad: str) -> None:
    with pytest.raises(ValueError):
        hunnox.battery_level(None, hunnox.BL_ROWS[0], bad)  # type: ignore[arg-type]
