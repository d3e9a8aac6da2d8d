"""voltronic-axpert: CRC framing, canned table and simulator."""

from __future__ import annotations

import pytest

from tests.drivers.qx.protocols.harness import FakeContext, detect_on, run_sim, run_table
from tests.support import eventually
from upskit.drivers.qx.protocols import voltronic_axpert as ax
from upskit.transport.codecs import with_crc

VALUES = {
    "ups.firmware.aux": "P30", "ups.firmware": "00074.50", "device.serial": "12345679012345",
    "input.voltage.nominal": "230.0", "input.current.nominal": "21.7",
    "output.voltage.nominal": "230.0", "output.frequency.nominal": "50.0",
    "output.current.nominal": "21.7", "ups.power.nominal": "5000",
    "ups.realpower.nominal": "4000", "battery.voltage.nominal": "48.0",
    "input.voltage": "0.0", "input.frequency": "0.0", "output.voltage": "230.0",
    "output.frequency": "49.9", "ups.power": "161", "ups.realpower": "119", "ups.load": "3",
    "battery.voltage": "57.50", "battery.current": "12", "battery.charge": "100",
    "ups.temperature": "69", "experimental.pv.current": "14.0",
    "experimental.pv.voltage": "103.8", "ups.status": "OB DISCHRG CHRG",
}


def test_crc() -> None:
    assert ax.crc16(b"QPI") == b"\xbe\xac"
    assert ax.crc16(b"QPIGS") == b"\xb7\xa9"
    # a CRC byte that would be "(", CR or LF is sent one higher
    assert all(b not in (0x28, 0x0D, 0x0A) for s in range(3000)
               for b in ax.crc16(str(s).encode()))
    reply = with_crc("(PI30").encode("latin-1") + b"\r"
    assert ax.check_crc(FakeContext(), ax.INFO_ROWS[0], reply) == b"(PI30\r"
    with pytest.raises(ValueError):
        ax.check_crc(FakeContext(), ax.INFO_ROWS[0], b"(PI30\r")
    with pytest.raises(ValueError):
        ax.check_crc(FakeContext(), ax.INFO_ROWS[0], reply.replace(b"3", b"4"))


async def test_canned_table() -> None:
    async with run_table("voltronic-axpert") as run:
        assert run.drv.dialect is not None and run.drv.dialect.name == "voltronic-axpert"
        assert run.dev.get("driver.version.data") == "Voltronic-Axpert 0.02"
        assert run.values(VALUES) == VALUES
        polls = [f for f in run.sim.received if f.startswith((b"QPIGS", b"QMOD", b"QPIRI"))]
        assert polls and all(f[-3:-1] == ax.crc16(f[:-3]) for f in polls)


async def test_voltronic_ups_is_not_an_axpert() -> None:
    assert await detect_on("sim://voltronic?id=ax1", options={"protocol": "voltronic-axpert"}) \
        is None


async def test_simulator_line_and_battery() -> None:
    async with run_sim("voltronic-axpert") as run:
        assert run.dev.get("ups.status") == "OL"
        assert run.dev.get("battery.voltage.nominal") == "48.0"
        run.sim.mains(False)
        await eventually(lambda: run.dev.get("ups.status") == "OB DISCHRG")
        run.sim.mains(True)
        run.sim.physics.charge = 0.5
        await eventually(lambda: run.dev.get("ups.status") == "OL CHRG")
