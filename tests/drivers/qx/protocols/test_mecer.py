"""mecer (``(ACK``/``(NAK`` units, Voltronic P98) on its canned table and simulator."""

from __future__ import annotations

from tests.drivers.qx.protocols.harness import detect_on, run_sim, run_table
from tests.support import eventually
from upskit.model import CmdResult

VALUES = {
    "ups.firmware.aux": "Voltronic Power P98", "input.voltage": "215.0",
    "output.voltage": "230.0", "battery.voltage": "22.70", "ups.status": "OL",
    "ups.type": "online", "input.voltage.nominal": "230", "device.mfr": "NOT_A_LIVE_UPS",
    "device.model": "TESTING", "ups.firmware": "TESTING",
}


async def test_canned_table_commands_ack_nak() -> None:
    async with run_table("mecer") as run:
        assert run.drv.dialect is not None and run.drv.dialect.name == "mecer"
        assert run.dev.get("driver.version.data") == "Mecer 0.09"
        assert run.values(VALUES) == VALUES
        assert await run.cmd("beeper.toggle") == (CmdResult.HANDLED, [b"Q\r"])
        assert await run.cmd("shutdown.stop") == (CmdResult.FAILED, [b"C\r"])
        assert await run.cmd("test.battery.start", "240") == (CmdResult.FAILED, [b"T04\r"])
        assert await run.cmd("test.battery.start.deep") == (CmdResult.HANDLED, [b"TL\r"])
        assert await run.cmd("test.battery.start.quick") == (CmdResult.FAILED, [b"T\r"])
        assert await run.cmd("test.battery.stop") == (CmdResult.HANDLED, [b"CT\r"])
        assert await run.cmd("shutdown.stayoff") == (CmdResult.HANDLED, [b"S.5R0000\r"])
        # P98 units take tests under a minute in 6 s steps
        assert (await run.cmd("test.battery.start", "30"))[1] == [b"T.5\r"]
        assert (await run.cmd("test.battery.start", "5"))[0] is CmdResult.INVALID
        assert (await run.setvar("ups.delay.shutdown", "120"))[0] is CmdResult.HANDLED
        assert await run.setvar("ups.delay.start", "300") == (CmdResult.HANDLED, [])
        assert await run.cmd("shutdown.return") == (CmdResult.HANDLED, [b"S02R0005\r"])


async def test_claim_accepts_nak_to_qpi_but_not_silence_or_echo() -> None:
    assert await detect_on("sim://mecer?id=m1") == "mecer"
    assert await detect_on("sim://megatec?id=m2", options={"protocol": "mecer"}) is None


async def test_simulator_acknowledges_and_follows_mains() -> None:
    async with run_sim("mecer") as run:
        assert await run.cmd("shutdown.return") == (CmdResult.HANDLED, [b"S.5R0003\r"])
        await eventually(lambda: run.dev.get("ups.status") == "ALARM OL FSD")
        assert await run.cmd("shutdown.stop") == (CmdResult.HANDLED, [b"C\r"])
        run.sim.mains(False)
        await eventually(lambda: run.dev.get("ups.status") == "OB")
        assert (await run.cmd("no.such"))[0] is CmdResult.UNKNOWN
