"""voltronic (QGS family) on NUT's canned table and on the physics simulator."""

from __future__ import annotations

import pytest

from tests.drivers.qx.protocols.harness import FakeContext, detect_on, run_sim, run_table
from tests.support import eventually
from upskit.drivers.qx.protocols import voltronic as v
from upskit.model import CmdResult

VALUES = {
    "ups.firmware.aux": "P01", "output.voltage.nominal": "230.0",
    "output.current.nominal": "4", "battery.voltage.nominal": "24.0",
    "output.frequency.nominal": "50.0", "device.model": "OLHVT1K0",
    "ups.power.nominal": "1000", "output.powerfactor": "0.8", "input.phases": "2",
    "output.phases": "2", "input.voltage.nominal": "230.0", "input.current.nominal": "0.0",
    "input.frequency.nominal": "50.0", "device.mfr": "VOLTRONIC", "ups.firmware": "00322.02",
    "device.serial": "685653211455", "input.voltage": "234.9", "input.frequency": "50.0",
    "output.voltage": "229.8", "output.frequency": "50.0", "output.current": "0.0",
    "battery.voltage": "26.50", "ups.temperature": "18.8", "ups.type": "online",
    "ups.beeper.status": "enabled", "battery.packs": "1", "battery.charge": "68",
    "battery.runtime": "15300", "output.power.minimum.percent": "5",
    "output.power.maximum.percent": "80",
    # RE0 gives the low voltage, but without a high one both are guessed from the nominal
    # the unit reports charge and runtime, so no limits are guessed (as NUT)
    "battery.voltage.low": "20.0", "battery.voltage.high": None,
    "ups.start.auto": "no", "battery.protection": "yes", "battery.energysave": "no",
    "ups.start.battery": "yes", "outlet.0.switchable": "yes",
    "ups.status": "ALARM OL OFF", "ups.delay.start": "180", "ups.delay.shutdown": "30",
    "outlet.1.switchable": "yes", "outlet.1.status": "on", "outlet.1.delay.shutdown": "480",
    "outlet.2.switchable": "yes", "outlet.2.status": "off", "outlet.2.delay.shutdown": "720",
    "outlet.3.switchable": "yes", "outlet.3.status": "on", "outlet.3.delay.shutdown": None,
    "outlet.4.switchable": None, "outlet.4.status": None, "outlet.4.delay.shutdown": None,
    "input.transfer.high": "242", "input.transfer.low": "218",
    # P01 at 230 V: low 206..223 V, high 237..254 V
    "input.transfer.low.min": "206", "input.transfer.low.max": "223",
    "input.transfer.high.min": "237", "input.transfer.high.max": "254",
    "input.frequency.high": "50.0", "input.frequency.low": "0.0",
}
# QGS reports no fault, so the fault record QFS returns is not shown
ALARM = ("UPS warnings: Warning!! Cover of maintain switch is open. Unknown warnings "
         "[bit: #64]")
COMMANDS = ["beeper.disable", "beeper.enable", "beeper.toggle", "bypass.start", "bypass.stop",
            "load.off", "load.on", "outlet.1.load.off", "outlet.1.load.on", "outlet.2.load.off",
            "outlet.2.load.on", "outlet.3.load.off", "outlet.3.load.on", "shutdown.return",
            "shutdown.stayoff", "shutdown.stop", "test.battery.start", "test.battery.start.deep",
            "test.battery.start.quick", "test.battery.stop"]


async def test_canned_table_values() -> None:
    async with run_table("voltronic") as run:
        assert run.drv.dialect is not None and run.drv.dialect.name == "voltronic"
        assert run.dev.get("driver.version.data") == "Voltronic 0.14"
        assert run.values(VALUES) == VALUES
        assert run.dev.get("ups.alarm") == ALARM
        assert run.dev.get("ups.load") is None  # "00A" is not a number
        assert run.dev.commands() == COMMANDS
        assert run.dev.variable("ups.delay.shutdown").ranges == [(12, 5940)]
        assert run.dev.variable("ups.start.auto").enums == ["no", "yes"]
        assert run.dev.variable("battery.voltage.low").writable


async def test_canned_table_commands() -> None:
    async with run_table("voltronic") as run:
        expected = [
            ("load.off", None, CmdResult.FAILED, b"SOFF\r"),
            ("load.on", None, CmdResult.HANDLED, b"SON\r"),
            ("test.battery.start.quick", None, CmdResult.FAILED, b"T\r"),
            ("test.battery.start.deep", None, CmdResult.HANDLED, b"TL\r"),
            ("test.battery.start", "18", CmdResult.HANDLED, b"T.3\r"),
            ("test.battery.start", "120", CmdResult.FAILED, b"T02\r"),
            ("test.battery.stop", None, CmdResult.FAILED, b"CT\r"),
            ("shutdown.stop", None, CmdResult.HANDLED, b"CS\r"),
            ("beeper.toggle", None, CmdResult.HANDLED, b"BZOFF\r"),
            ("beeper.enable", None, CmdResult.HANDLED, b"PEA\r"),
            ("beeper.disable", None, CmdResult.HANDLED, b"PDA\r"),
            ("bypass.start", None, CmdResult.HANDLED, b"PEE\r"),
            ("bypass.stop", None, CmdResult.HANDLED, b"PDE\r"),
            ("outlet.1.load.on", None, CmdResult.HANDLED, b"SKON1\r"),
            ("outlet.1.load.off", None, CmdResult.FAILED, b"SKOFF1\r"),
            ("outlet.3.load.off", None, CmdResult.HANDLED, b"SKOFF3\r"),
            ("shutdown.stayoff", None, CmdResult.FAILED, b"S.5R0000\r"),
        ]
        for name, param, result, frame in expected:
            assert await run.cmd(name, param) == (result, [frame]), name
        assert (await run.cmd("test.battery.start", "6"))[0] is CmdResult.INVALID
        assert (await run.setvar("ups.delay.shutdown", "18"))[0] is CmdResult.HANDLED
        assert (await run.setvar("ups.delay.start", "120"))[0] is CmdResult.HANDLED
        assert await run.cmd("shutdown.return") == (CmdResult.HANDLED, [b"S.3R0002\r"])
        assert (await run.setvar("ups.delay.start", "0"))[0] is CmdResult.HANDLED
        assert (await run.setvar("ups.delay.shutdown", "30"))[0] is CmdResult.HANDLED
        assert await run.cmd("shutdown.return") == (CmdResult.HANDLED, [b"S.5\r"])


async def test_canned_table_setvars() -> None:
    async with run_table("voltronic") as run:
        assert await run.setvar("ups.start.auto", "yes") == (CmdResult.FAILED, [b"PER\r"])
        assert await run.setvar("battery.protection", "no") == (CmdResult.HANDLED, [b"PDS\r"])
        assert await run.setvar("outlet.0.switchable", "no") == (CmdResult.HANDLED, [b"PDJ\r"])
        assert (await run.setvar("battery.energysave", "maybe"))[0] is CmdResult.INVALID
        assert await run.setvar("battery.voltage.low", "24") == (CmdResult.HANDLED, [b"W0E24\r"])
        # a 1 kVA-class unit (230 V x 4 A) may not go above 24 V
        assert (await run.setvar("battery.voltage.low", "26"))[0] is CmdResult.INVALID
        assert await run.setvar("battery.packs", "4") == (CmdResult.HANDLED, [b"BATGN04\r"])
        assert (await run.setvar("battery.packs", "100"))[0] is CmdResult.INVALID
        assert await run.setvar("outlet.2.delay.shutdown", "540") == (
            CmdResult.HANDLED, [b"PSK2009\r"])
        assert (await run.setvar("outlet.2.delay.shutdown", "60000"))[0] is CmdResult.INVALID
        assert (await run.cmd("outlet.4.load.on"))[0] is CmdResult.UNKNOWN
        assert await run.setvar("input.transfer.high", "250") == (
            CmdResult.HANDLED, [b"HEH250\r"])
        assert await run.setvar("input.transfer.low", "210") == (CmdResult.HANDLED, [b"HEL210\r"])
        assert (await run.setvar("input.transfer.high", "260"))[0] is CmdResult.INVALID
        assert await run.setvar("input.frequency.high", "54") == (
            CmdResult.HANDLED, [b"FREH54.0\r"])
        assert await run.setvar("input.frequency.low", "47") == (
            CmdResult.HANDLED, [b"FREL47.0\r"])
        assert (await run.setvar("input.frequency.low", "49"))[0] is CmdResult.INVALID


async def test_capability_options_are_written_at_start_up() -> None:
    async with run_table("voltronic", bypass_alarm="enabled", battery_alarm="disabled",
                         eco_mode="sometimes", battery_number="2") as run:
        for frame in (b"PEP\r", b"PDB\r", b"BATN2\r"):
            assert frame in run.sim.received
        assert not any(c in run.sim.received for c in (b"PEE\r", b"PDE\r"))


async def test_other_protocols_are_refused() -> None:
    assert await detect_on("sim://voltronic?id=v1&pi=3") == "voltronic"
    assert await detect_on("sim://voltronic?id=v2&pi=98", options={"protocol": "voltronic"}) \
        is None


async def test_simulator_status_mode_and_warnings() -> None:
    async with run_sim("voltronic", pollfreq="1") as run:
        assert run.dev.get("ups.status") == "OL"
        assert run.dev.get("ups.type") == "line-interactive"
        await run.power_cycle()
        assert await run.cmd("test.battery.start", "30") == (CmdResult.HANDLED, [b"T.5\r"])
        await eventually(lambda: run.dev.get("ups.status") == "OL CAL")
        assert await run.cmd("test.battery.stop") == (CmdResult.HANDLED, [b"CT\r"])
        await eventually(lambda: run.dev.get("ups.status") == "OL")
        assert await run.cmd("beeper.toggle") == (CmdResult.HANDLED, [b"BZOFF\r"])
        await eventually(lambda: run.dev.get("ups.beeper.status") == "disabled")
        assert await run.cmd("beeper.toggle") == (CmdResult.HANDLED, [b"BZON\r"])
        await eventually(lambda: run.dev.get("ups.beeper.status") == "enabled")
        assert await run.setvar("ups.start.auto", "yes") == (CmdResult.HANDLED, [b"PER\r"])
        await eventually(lambda: run.dev.get("ups.start.auto") == "yes")
        assert await run.cmd("load.off") == (CmdResult.HANDLED, [b"SOFF\r"])
        await eventually(lambda: run.dev.get("ups.status") == "OL OFF", 4)
        assert await run.cmd("load.on") == (CmdResult.HANDLED, [b"SON\r"])
        assert run.dev.get("outlet.2.status") == "off"
        assert "outlet.3.load.on" not in run.dev.commands()
        assert await run.cmd("outlet.2.load.on") == (CmdResult.HANDLED, [b"SKON2\r"])
        await eventually(lambda: run.dev.get("outlet.2.status") == "on")
        run.sim.physics.failed = True
        await eventually(lambda: "UPS Fault!" in (run.dev.get("ups.alarm") or ""), 4)
        await eventually(lambda: "Inverter short-circuited" in (run.dev.get("ups.alarm") or ""), 4)


@pytest.mark.parametrize("hook,value", [
    (v.protocol, "PI98"), (v.protocol, "XX01"), (v.ups_type, "11"), (v.beeper, "2"),
    (v.mode_status, "Z"), (v.mode_alarm, "LL"), (v.warnings, "0102"), (v.fault, "?? 1"),
    (v.capability, "EpaDbx".replace("E", "X")), (v.serial_number, "0000"),
])
def test_bad_values(hook: object, value: str) -> None:
    item = v.STATE_ROWS[-1] if hook is v.capability else v.QGS_ROWS[0]
    with pytest.raises(ValueError):
        hook(FakeContext("(000.0\r"), item, value)  # type: ignore[operator]


def test_warning_and_fault_texts() -> None:
    item = v.QGS_ROWS[0]
    bits = "0" * 7 + "11" + "0" * 46 + "1" + "0" * 8
    assert v.warnings(FakeContext(), item, bits) == (
        "UPS warnings: Low battery. Overload alarm. Warning for Battery replace.")
    assert v.warning_words(FakeContext(), item, bits) == "LB OVER RB"
    faulty = FakeContext(values={"ups.alarm": "UPS Fault!"})
    assert v.fault(faulty, item, "OK") == ""
    assert v.fault(FakeContext(), item, "14 212.1") == ""
    assert v.fault(faulty, item, "1B 212.1") == (
        "Fault reported by UPS: L2 inverter negative power out of acceptable range.")
    assert v.fault(faulty, item, "99 1") == "Fault reported by UPS: Unknown fault [99]"
