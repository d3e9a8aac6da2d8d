"""gtec (``Q4`` with status letters) on its canned table and simulator."""

from __future__ import annotations

import pytest

from tests.drivers.qx.protocols.harness import run_sim, run_table
from tests.support import eventually
from upskit.drivers.qx.protocols import gtec
from upskit.model import CmdResult

VALUES = {
    "input.voltage": "236.7", "input.voltage.fault": "220.1", "output.voltage": "230.4",
    "ups.load": "1", "input.frequency": "50.0", "battery.voltage": "41.3",
    "ups.temperature": "22.9", "ups.status": "OL", "ups.test.result": "Test passed - Result: OK",
    "input.voltage.nominal": "230", "battery.voltage.nominal": "24.0",
    "device.mfr": "NOT_A_LIVE_UPS", "device.model": "TESTING", "ups.firmware": "TESTING",
}


async def test_canned_table() -> None:
    async with run_table("gtec") as run:
        assert run.drv.dialect is not None and run.drv.dialect.name == "gtec"
        assert run.dev.get("driver.version.data") == "Gtec 0.01"
        assert run.values(VALUES) == VALUES
        assert await run.cmd("test.battery.start.deep") == (CmdResult.HANDLED, [b"TL\r"])
        assert await run.cmd("shutdown.stayoff") == (CmdResult.HANDLED, [b"S.5R0000\r"])


@pytest.mark.parametrize("letters,words,alarm", [
    ("IM", "OL !CAL", ""), ("AB", "!OL LB !CAL", ""), ("MCE", "OL BYPASS CAL", ""),
    ("K", "OFF !CAL", ""), ("MDN", "OL OVER !CAL", "UPS failed"), ("AGH", "!OL !CAL",
                                                                   "Site fault EPROM fail"),
])
def test_status_letters(letters: str, words: str, alarm: str) -> None:
    item = gtec.Q4_ROWS[0]
    assert gtec.status_letters(None, item, letters) == words  # type: ignore[arg-type]
    assert gtec.alarm_letters(None, item, letters) == alarm  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["", "1M", "m", "I M"])
def test_bad_letters_are_value_errors(bad: str) -> None:
    with pytest.raises(ValueError):
        gtec.status_letters(None, gtec.Q4_ROWS[0], bad)  # type: ignore[arg-type]


async def test_simulator_transitions() -> None:
    async with run_sim("gtec") as run:
        assert run.dev.get("ups.status") == "OL"
        await run.power_cycle()
        assert await run.cmd("test.battery.start.quick") == (CmdResult.HANDLED, [b"T\r"])
        await eventually(lambda: "CAL" in (run.dev.get("ups.status") or ""))
