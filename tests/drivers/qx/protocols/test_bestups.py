"""bestups (Best Power / Sola: ``Q1``, ``ID``, ``RT``, ``BP?``, ``SS?``, ``M``)."""

from __future__ import annotations

import pytest

from tests.drivers.qx.protocols.harness import FakeContext, run_sim, run_table
from tests.support import eventually
from upskit.drivers.qx.protocols import bestups
from upskit.model import CmdResult

VALUES = {
    "input.voltage": "215.0", "output.voltage": "230.0", "battery.voltage": "22.70",
    "ups.status": "OL BOOST", "ups.type": "online", "device.mfr": "Best Power",
    "device.model": "Fortress", "ups.power.nominal": "750", "input.voltage.nominal": "120",
    "output.voltage.nominal": "120", "battery.voltage.low": "20.0",
    "battery.voltage.high": "27.6", "battery.runtime": "900", "input.transfer.low": "96",
    "input.transfer.boost.low": "96", "input.transfer.boost.high": "109",
    "input.transfer.trim.low": "130", "input.transfer.trim.high": "146",
    "input.transfer.high": "146", "ups.delay.start": "180", "ups.delay.shutdown": "30",
}


async def test_canned_table() -> None:
    async with run_table("bestups") as run:
        assert run.drv.dialect is not None and run.drv.dialect.name == "bestups"
        assert run.dev.get("driver.version.data") == "BestUPS 0.08"
        assert run.values(VALUES) == VALUES
        assert run.dev.get("ups.beeper.status") is None
        assert run.dev.get("battery.packs") is None  # Fortress units have no pack setting
        assert run.dev.variable("ups.delay.start").ranges == [(60, 599940)]
        assert run.dev.variable("ups.delay.shutdown").ranges == [(12, 5940)]
        assert b"SS?\r" in run.sim.received
        assert not any(c.startswith(b"SS") and c != b"SS?\r" for c in run.sim.received)
        assert await run.cmd("test.battery.start", "240") == (CmdResult.HANDLED, [b"T04\r"])
        assert (await run.setvar("ups.delay.shutdown", "30"))[0] is CmdResult.HANDLED
        assert (await run.setvar("ups.delay.start", "60"))[0] is CmdResult.HANDLED
        assert await run.cmd("shutdown.return") == (CmdResult.HANDLED, [b"S.5R0001\r"])
        assert (await run.setvar("ups.delay.start", "30"))[0] is CmdResult.INVALID
        assert "beeper.toggle" not in run.dev.commands()
        assert (await run.setvar("ups.delay.shutdown", "180"))[0] is CmdResult.HANDLED
        assert await run.cmd("shutdown.stayoff") == (CmdResult.HANDLED, [b"S03\r"])
        assert (await run.setvar("battery.packs", "1"))[0] is CmdResult.INVALID


async def test_pins_shutdown_mode_option_is_written() -> None:
    async with run_table("bestups", pins_shutdown_mode="2") as run:
        assert b"SS2\r" in run.sim.received
    async with run_table("bestups", pins_shutdown_mode="9") as run:
        assert b"SS9\r" not in run.sim.received


async def test_simulator_axxium_packs_and_transitions() -> None:
    async with run_sim("bestups", "&model=AX1") as run:
        assert run.dev.get("device.model") == "Axxium Rackmount"
        assert run.dev.get("battery.packs") == "2"
        assert run.dev.get("input.voltage.nominal") == "230"
        assert await run.setvar("battery.packs", "3") == (CmdResult.HANDLED, [b"BP3\r"])
        await eventually(lambda: run.dev.get("battery.packs") == "3")
        run.sim.mains(False)
        await eventually(lambda: run.dev.get("ups.status") == "OB")
        run.sim.physics.charge = 0.1
        await eventually(lambda: run.dev.get("ups.status") == "OB LB")


def test_avr_bit_is_ignored_off_line_and_inverted_on_patriots() -> None:
    line = "(215.0 195.0 230.0 014 49.0 22.7 30.0 {}\r"
    item = bestups.STATUS_ROWS[-1]
    assert bestups.avr_bit(FakeContext(line.format("00100000")), item, "1") == "BOOST"
    assert bestups.avr_bit(FakeContext(line.format("10100000")), item, "1") == \
        "!TRIM !BOOST !BYPASS"
    patriot = FakeContext(line.format("00000000"), {"device.model": "Patriot Pro"})
    assert bestups.avr_bit(patriot, item, "0") == "BOOST"


@pytest.mark.parametrize("reply", ["FOR,750,120\r", "FOR,750,120,120,20.0,27.6,9\r", "ID\r"])
def test_bad_id_replies(reply: str) -> None:
    with pytest.raises(ValueError):
        bestups.model(FakeContext(reply), bestups.ID_ROWS[1], reply)
