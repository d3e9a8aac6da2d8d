"""omron: vendor-id gated claim, OMRON extension queries, ``OK``-acknowledged commands."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.drivers.qx.protocols.harness import FakeContext, detect_on, run_sim, run_table
from tests.support import eventually
from upskit.drivers.qx.protocols import omron
from upskit.model import CmdResult

VALUES = {
    "input.voltage": "102.5", "input.voltage.fault": "0.0", "output.voltage": "102.4",
    "ups.load": "0", "input.frequency": "49.9", "battery.voltage": "54.50",
    "ups.temperature": "22.7", "ups.status": "OL", "ups.type": "offline / line interactive",
    "battery.charge": "100.0", "battery.runtime": "41940", "battery.temperature": "22.5",
    "output.frequency": "49.9", "ups.serial": "A0Z25110005109G", "ups.firmware": "0.17",
    "ups.firmware.aux": "2.00", "battery.date": "2026-07-30",
    "ups.realpower.nominal": "1125", "ups.power.nominal": "1125",
    "battery.voltage.nominal": "48",
}


async def test_canned_table_forced() -> None:
    async with run_table("omron", protocol="omron") as run:
        assert run.dev.get("driver.version.data") == "Omron 0.01"
        assert run.values(VALUES) == VALUES
        assert run.dev.get("ups.beeper.status") is None
        assert run.dev.commands() == ["shutdown.return", "shutdown.stayoff", "shutdown.stop"]
        assert await run.cmd("shutdown.return") == (CmdResult.HANDLED, [b"S.5\r"])
        assert await run.cmd("shutdown.stayoff") == (CmdResult.HANDLED, [b"Sf.5\r"])
        assert await run.cmd("shutdown.stop") == (CmdResult.HANDLED, [b"C\r"])
        assert (await run.setvar("ups.delay.shutdown", "120"))[0] is CmdResult.HANDLED
        # "OKn" is an acknowledgement too
        assert await run.cmd("shutdown.return") == (CmdResult.HANDLED, [b"S02\r"])
        assert (await run.setvar("ups.delay.shutdown", "180"))[0] is CmdResult.HANDLED
        assert await run.cmd("shutdown.return") == (CmdResult.FAILED, [b"S03\r"])


async def test_claim_needs_the_omron_vendor_id() -> None:
    assert await detect_on("sim://omron?id=o1") == "q1"
    assert await detect_on("sim://omron?id=o2", known={"ups.vendorid": "0590"}) == "omron"
    assert await detect_on("sim://megatec?id=o3", known={"ups.vendorid": "0665"},
                           options={}) == "megatec"


async def test_simulator_shutdown_and_mains() -> None:
    async with run_sim("omron") as run:
        assert run.dev.get("battery.charge") == "100.0"
        assert await run.cmd("shutdown.stayoff") == (CmdResult.HANDLED, [b"Sf.5\r"])
        await eventually(lambda: run.dev.get("ups.status") == "ALARM OL FSD")
        assert await run.cmd("shutdown.stop") == (CmdResult.HANDLED, [b"C\r"])
        run.sim.mains(False)
        await eventually(lambda: run.dev.get("ups.status") == "OB")


@pytest.mark.parametrize("hook,value", [
    (omron.charge, "101"), (omron.charge, "9x"), (omron.runtime, "-1"),
    (omron.signed, "nan"), (omron.battery_date, "20260230"), (omron.battery_date, "2026073"),
    (omron.firmware, "S:2.00(M:0.17)"), (omron.serial, "NAK  "),
])
def test_bad_extension_replies(hook: Callable[..., str], value: str) -> None:
    with pytest.raises(ValueError):
        hook(FakeContext(), omron.EXT_ROWS[0], value)


def test_un_must_match_its_template() -> None:
    item = omron.EXT_ROWS[-1]
    assert omron.ratings(FakeContext("1125W/1125VA/048V/160W/020W\r"), item, "") == "48"
    with pytest.raises(ValueError):
        omron.ratings(FakeContext("1125W/1125VA/048V/160W\r"), item, "")
