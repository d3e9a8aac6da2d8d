"""voltronic-qs-hex: binary ``QS`` decoding, canned table and simulator."""

from __future__ import annotations

import pytest

from tests.drivers.qx.protocols.harness import FakeContext, run_sim, run_table
from tests.support import eventually
from upskit.drivers.qx.protocols import voltronic_qs_hex as hexd
from upskit.model import CmdResult
from upskit.sim.canned import CANNED_QS
from upskit.sim.dialects.voltronic_qs_hex import qs_reply
from upskit.sim.physics import UpsPhysics

VALUES = {
    "ups.firmware.aux": "PM-P", "input.voltage": "112.2", "output.voltage": "112.2",
    "ups.load": "3", "output.frequency": "59.8", "battery.voltage": "13.53",
    "ups.status": "OL", "ups.type": "offline / line interactive",
    "ups.beeper.status": "enabled",
}


def test_decoding_unescapes_and_renders_bits() -> None:
    decoded = hexd.decode_qs(FakeContext(), hexd.QS_ROWS[0], CANNED_QS)
    assert decoded == b"#6C01 35 6C01 35 03 519A 1312D0 E6 1E 00001001\r"
    t_unit = CANNED_QS[:-1] + b" \x28\x04\r"
    assert hexd.decode_qs(FakeContext(), hexd.QS_ROWS[0], t_unit).endswith(b" 00100000\r")


@pytest.mark.parametrize("raw", [b"(215.0 195.0\r", b"#\x01 \x02\r", b"#" + b"\x01 " * 12 + b"\r"])
def test_noncompliant_replies_are_refused(raw: bytes) -> None:
    with pytest.raises(ValueError):
        hexd.decode_qs(FakeContext(), hexd.QS_ROWS[0], raw)


async def test_canned_table() -> None:
    async with run_table("voltronic-qs-hex") as run:
        assert run.drv.dialect is not None and run.drv.dialect.name == "voltronic-qs-hex"
        assert run.dev.get("driver.version.data") == "Voltronic-QS-Hex 0.12"
        assert run.values(VALUES) == VALUES
        assert run.dev.get("output.voltage.nominal") is None  # P units: no ratings byte
        assert await run.cmd("shutdown.stayoff") == (CmdResult.FAILED, [b"S.5R0000\r"])
        assert await run.cmd("beeper.toggle") == (CmdResult.HANDLED, [b"Q\r"])
        assert await run.cmd("load.off") == (CmdResult.HANDLED, [b"S00R0000\r"])
        # the quick test exists on T units only: withdrawn on this P unit
        assert "test.battery.start.quick" not in run.dev.commands()
        assert await run.cmd("test.battery.start.quick") == (CmdResult.UNKNOWN, [])


async def test_simulator_t_unit_ratings_and_transitions() -> None:
    async with run_sim("voltronic-qs-hex", "&protocol=T") as run:
        assert run.dev.get("ups.firmware.aux") == "PM-T"
        assert run.values(["output.voltage.nominal", "battery.voltage.nominal",
                           "output.frequency.nominal"]) == {
            "output.voltage.nominal": "230.0", "battery.voltage.nominal": "24.0",
            "output.frequency.nominal": "50.0"}
        assert run.dev.get("input.voltage") == "230.0"
        assert run.dev.get("output.frequency") == "50.0"
        run.sim.mains(False)
        await eventually(lambda: run.dev.get("ups.status") == "OB")
        assert "test.battery.start.quick" in run.dev.commands()
        assert await run.cmd("test.battery.start.quick") == (CmdResult.HANDLED, [b"T\r"])


def test_simulated_reply_escapes_framing_bytes() -> None:
    ups = UpsPhysics()
    ups.load = 13  # 0x0D must travel escaped
    raw = qs_reply(ups, t_protocol=False)
    assert raw.count(b"\r") == 1 and b"\x28\x00" in raw
    assert hexd.decode_qs(FakeContext(), hexd.QS_ROWS[0], raw).split(b" ")[4] == b"0D"
