"""ablerex (``Q1``/``F``/``I`` plus binary ``Q5``, ``At``, ``TR``)."""

from __future__ import annotations

import pytest

from tests.drivers.qx.protocols.harness import detect_on, run_sim, run_table
from tests.support import eventually
from upskit.drivers.qx.protocols import ablerex
from upskit.model import CmdResult

VALUES = {
    "input.voltage": "215.0", "output.voltage": "230.0", "battery.voltage": "22.70",
    "battery.charge": "36", "output.voltage.nominal": "230.0", "output.current.nominal": "0.0",
    "battery.voltage.nominal": "24.0", "output.frequency.nominal": "50.0",
    "battery.voltage.low": "19.20", "battery.voltage.high": "27.30", "ups.status": "OL",
    "device.mfr": "NOT_A_LIVE_UPS",
}


async def test_canned_table_forced() -> None:
    async with run_table("ablerex", protocol="ablerex") as run:
        assert run.dev.get("driver.version.data") == "Ablerex 0.02"
        assert run.values(VALUES) == VALUES
        assert run.dev.get("output.frequency") is None  # no Q5 in NUT's table
        assert await run.cmd("load.off") == (CmdResult.FAILED, [b"S.2\r"])
        assert await run.cmd("shutdown.stop") == (CmdResult.HANDLED, [b"C\r"])


async def test_auto_detection_follows_nut_precedence() -> None:
    assert await detect_on("sim://ablerex?id=ab") == "megatec"


async def test_simulator_binary_queries_and_load_off() -> None:
    async with run_sim("ablerex") as run:
        assert run.dev.get("output.frequency") == "50.0"
        assert run.dev.get("output.current") == "0.4"
        assert run.dev.get("ups.test.result") == "PASS"
        assert int(run.dev.get("battery.runtime") or "0") > 1000
        assert await run.cmd("load.off") == (CmdResult.HANDLED, [b"S.2\r"])
        await eventually(lambda: "FSD" in (run.dev.get("ups.status") or ""))


def test_charge_curve_and_bad_input() -> None:
    assert ablerex.charge_from_volts(2.30) == 100
    assert ablerex.charge_from_volts(2.05) == 62
    assert ablerex.charge_from_volts(1.60) == 0
    assert ablerex.charge_from_volts(12.0) == 55
    with pytest.raises(ValueError):
        ablerex.battery_volts(None, ablerex.STATUS_ROWS[0], "--.-")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        ablerex.avr_or_bypass(None, ablerex.STATUS_ROWS[0], "1x1")  # type: ignore[arg-type]
