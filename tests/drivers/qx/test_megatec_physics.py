"""QxDriver against the physics-driven Megatec simulator: transitions, options, shutdown."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from tests.drivers.qx.util import running
from tests.support import eventually
from upskit.drivers.qx.driver import QxDriver
from upskit.model import CmdResult, Device
from upskit.sim.faults import MODES
from upskit.sim.ports import sim_device

_ids = itertools.count()


def url(protocol: str = "megatec", extra: str = "") -> tuple[str, str]:
    key = f"phys{next(_ids)}"
    return f"sim://{protocol}?id={key}{extra}", key


async def test_status_transitions_ol_ob_lb_ol() -> None:
    port, key = url()
    async with running(port) as drv:
        dev, sim = drv.device, sim_device(key)
        seen: list[str] = []
        dev.subscribe(lambda e: e.kind.value == "status" and seen.append(e.value or ""))
        assert dev.get("ups.status") == "OL"
        sim.mains(False)
        await eventually(lambda: dev.get("ups.status") == "OB")
        sim.physics.charge = 0.1
        await eventually(lambda: dev.get("ups.status") == "OB LB")
        sim.physics.charge = 0.9
        sim.mains(True)
        await eventually(lambda: dev.get("ups.status") == "OL")
        assert seen == ["OB", "OB LB", "OL"]


async def test_status_bits_cal_fsd_avr_beeper_and_alarm() -> None:
    port, key = url()
    async with running(port) as drv:
        dev, ups = drv.device, sim_device(key).physics
        assert await dev.instcmd("test.battery.start.quick") is CmdResult.HANDLED
        await eventually(lambda: "CAL" in dev.get("ups.status"))
        assert dev.get("ups.status") == "OL CAL"  # mains is still there
        assert await dev.instcmd("test.battery.stop") is CmdResult.HANDLED
        await eventually(lambda: dev.get("ups.status") == "OL")
        assert await dev.instcmd("shutdown.return") is CmdResult.HANDLED
        await eventually(lambda: dev.get("ups.status") == "ALARM OL FSD")
        assert dev.get("ups.alarm") == "Shutdown imminent!"
        assert await dev.instcmd("shutdown.stop") is CmdResult.HANDLED
        await eventually(lambda: dev.get("ups.status") == "OL")
        assert dev.get("ups.alarm") is None
        ups.input_voltage = 190.0
        await eventually(lambda: dev.get("ups.status") == "OL BOOST")
        ups.input_voltage = 260.0
        await eventually(lambda: dev.get("ups.status") == "OL TRIM")
        ups.input_voltage = 230.0
        assert dev.get("ups.beeper.status") == "enabled"
        assert await dev.instcmd("beeper.toggle") is CmdResult.HANDLED
        await eventually(lambda: dev.get("ups.beeper.status") == "disabled")  # full walk after cmd
        ups.failed = True
        assert await dev.setvar("ups.delay.start", "60") is CmdResult.HANDLED
        await eventually(lambda: dev.get("ups.alarm") == "UPS selftest failed!")
        assert dev.get("ups.status") == "ALARM OL"


async def test_ignoresab_novendor_norating() -> None:
    port, key = url()
    async with running(port, ignoresab=True, novendor=True, norating=True) as drv:
        dev = drv.device
        assert dev.get("device.mfr") is None and dev.get("input.voltage.nominal") is None
        assert b"I\r" not in sim_device(key).received and b"F\r" not in sim_device(key).received
        assert await dev.instcmd("shutdown.return") is CmdResult.HANDLED
        await asyncio.sleep(0.3)
        assert dev.get("ups.status") == "OL"


async def test_ondelay_offdelay_options_and_runtimecal() -> None:
    port, key = url()
    async with running(port, ondelay="120", offdelay="90", runtimecal="300,100,1200,25") as drv:
        dev = drv.device
        assert dev.get("ups.delay.start") == "120" and dev.get("ups.delay.shutdown") == "60"
        sim = sim_device(key)
        sim.received.clear()
        assert await dev.instcmd("shutdown.return") is CmdResult.HANDLED
        assert b"S01R0002\r" in sim.received
        assert dev.get("battery.charge") == "100"
        assert int(dev.get("battery.runtime")) > 300


@pytest.mark.parametrize("stayoff,expected", [(False, b"S.5R0003\r"), (True, b"S.5R0000\r")])
async def test_shutdown_sequence(stayoff: bool, expected: bytes) -> None:
    port, key = url()
    dev = Device("ups")
    drv = QxDriver(dev, {"port": port, "stayoff": stayoff})
    assert await drv.shutdown() is CmdResult.HANDLED
    sent = [c for c in sim_device(key).received if c not in (b"Q1\r", b"F\r", b"I\r")]
    assert sent[-2:] == [b"C\r", expected]
    await drv.close()


async def test_shutdown_fails_cleanly_without_device() -> None:
    dev = Device("ups")
    drv = QxDriver(dev, {"port": "/dev/does-not-exist"})
    assert await drv.shutdown() is CmdResult.FAILED


@pytest.mark.parametrize("mode", MODES)
async def test_faults_stale_then_recovery(mode: str) -> None:
    port, key = url()
    async with running(port) as drv:
        drv.stale_seconds = 0.2
        task_errors: list[BaseException] = []
        sim = sim_device(key)
        sim.faults.delay = 5.0
        sim.fault(mode)
        await eventually(lambda: drv.device.stale, 5)
        sim.fault(None)
        await eventually(lambda: not drv.device.stale, 5)
        assert drv.device.get("ups.status") == "OL"
        assert not task_errors


async def test_not_stale_before_five_failures_and_time() -> None:
    port, key = url()
    async with running(port) as drv:
        sim_device(key).fault("garbage", count=3)
        await asyncio.sleep(0.6)
        assert not drv.device.stale


async def test_sporadic_bad_non_status_values_do_not_fail_walks() -> None:
    port, key = url()
    async with running(port, pollfreq="1") as drv:
        sim_device(key).physics.temperature = -5.0  # '-5.0' is not NUT-numeric: item fails
        await asyncio.sleep(1.3)
        assert not drv.device.stale
        assert drv.device.get("ups.status") == "OL"


async def test_unknown_protocol_and_silent_port_never_raise() -> None:
    dev = Device("ups")
    drv = QxDriver(dev, {"port": "sim://megatec?fault=silence&id=silent", "protocol": "nope"})
    drv.max_backoff = 0.01
    from upskit.drivers.supervisor import Supervisor

    async with Supervisor([drv]):
        await asyncio.sleep(0.3)
        assert dev.stale


async def test_forced_protocol_and_replay(tmp_path) -> None:
    from upskit.sim.replay import format_exchange

    capture = tmp_path / "ups.txt"
    capture.write_text(
        format_exchange(b"Q1\r", b"(226.0 195.0 226.0 014 49.0 27.5 30.0 00001000\r")
        + format_exchange(b"F\r", b"#220.0 000 024.0 50.0\r")
        + format_exchange(b"I\r", b"#-------------   ------     VT12046Q  \r"))
    async with running(f"replay://{capture}", protocol="megatec") as drv:
        dev = drv.device
        assert dev.get("input.voltage") == "226.0" and dev.get("ups.firmware") == "VT12046Q"
        assert dev.get("device.mfr") == "-------------"
        assert dev.get("ups.type") == "offline / line interactive"
        assert dev.get("battery.charge") == "100"
