"""Side by side with Debian's nutdrv_qx: same simulated UPS physics on two ptys.

NUT's driver (+ upsd) reads one pty, upskit's QxDriver the other.  Published
variables, status transitions and the bytes each puts on the wire for every
instant command must agree, except for the differences documented in docs/qx.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import pytest

from tests.support import eventually, free_port, nut_binary, stop
from upskit.drivers.qx.driver import QxDriver
from upskit.drivers.supervisor import Supervisor
from upskit.model import Device
from upskit.sim.device import SimDevice
from upskit.sim.physics import UpsPhysics
from upskit.sim.pty import PtyServer

NUTDRV = Path("/lib/nut/nutdrv_qx")
UPSD = nut_binary("upsd")

pytestmark = [
    pytest.mark.nut,
    pytest.mark.skipif(not NUTDRV.exists() or UPSD is None, reason="Debian NUT not installed"),
    pytest.mark.skipif(os.geteuid() != 0, reason="NUT's drivers need root here"),
]

#: Variables only one side publishes, or whose value differs on purpose (docs/qx.md).
INTENDED = {
    "driver.parameter.synchronous",  # NUT socket option, no meaning for upskit
    "driver.version.usb",  # NUT's USB library version
    "driver.version.data",  # dialect version numbers follow newer NUT tables
    "driver.version.internal",
    "driver.parameter.pollinterval",  # upskit polls status back to back (0.1 s)
    "driver.parameter.port",  # two different ptys
    "battery.charge", "battery.voltage",  # sampled at slightly different moments
}
STATUS_QUERIES = {b"Q1\r", b"QS\r", b"D\r", b"F\r", b"I\r", b"FW?\r"}
COMMANDS = [
    ("beeper.toggle", None), ("beeper.toggle", None),
    ("test.battery.start.quick", None), ("test.battery.stop", None),
    ("test.battery.start.deep", None), ("test.battery.stop", None),
    ("test.battery.start", "240"), ("test.battery.stop", None),
    ("shutdown.return", None), ("shutdown.stop", None),
    ("shutdown.stayoff", None), ("shutdown.stop", None),
    ("load.off", None), ("load.on", None),
]


class Nut:
    """nutdrv_qx + upsd on one pty, driven through upsc/upscmd."""

    def __init__(self, tmp: Path, port: str, protocol: str) -> None:
        self.conf = tmp / "conf"
        self.state = tmp / "state"
        self.conf.mkdir()
        self.state.mkdir()
        self.state.chmod(0o777)
        self.port = free_port()
        (self.conf / "ups.conf").write_text(
            f"[sim]\n  driver = nutdrv_qx\n  port = {port}\n  protocol = {protocol}\n"
            "  pollinterval = 1\n")
        (self.conf / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {self.port}\n")
        (self.conf / "upsd.users").write_text(
            "[admin]\n  password = pw\n  instcmds = ALL\n  actions = SET\n")
        (self.conf / "upsd.users").chmod(0o600)
        (self.conf / "nut.conf").write_text("MODE=standalone\n")
        self.env = {**os.environ, "NUT_CONFPATH": str(self.conf),
                    "NUT_STATEPATH": str(self.state)}
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self) -> None:
        log = open(self.state / "drv.log", "wb")  # noqa: SIM115
        self.procs.append(subprocess.Popen([str(NUTDRV), "-a", "sim", "-u", "root", "-D"],
                                           env=self.env, stdout=log, stderr=log))
        deadline = time.monotonic() + 15
        while not any(self.state.glob("nutdrv_qx-sim*")):
            assert time.monotonic() < deadline, (self.state / "drv.log").read_text()
            time.sleep(0.1)
        self.procs.append(subprocess.Popen([str(UPSD), "-u", "root", "-D"], env=self.env,
                                           stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL))
        deadline = time.monotonic() + 15
        while "ups.status" not in self.vars():
            assert time.monotonic() < deadline, "upsd did not serve the UPS"
            time.sleep(0.2)

    def stop(self) -> None:
        for proc in reversed(self.procs):
            stop(proc)

    def vars(self) -> dict[str, str]:
        out = subprocess.run(["upsc", f"sim@127.0.0.1:{self.port}"], env=self.env,
                             capture_output=True, text=True, timeout=10).stdout
        return dict(line.split(": ", 1) for line in out.splitlines() if ": " in line)

    def commands(self) -> list[str]:
        out = subprocess.run(["upscmd", "-l", f"sim@127.0.0.1:{self.port}"], env=self.env,
                             capture_output=True, text=True, timeout=10).stdout
        return sorted(line.split(" - ")[0] for line in out.splitlines() if " - " in line)

    def instcmd(self, name: str, param: str | None) -> None:
        args = ["upscmd", "-u", "admin", "-p", "pw", f"sim@127.0.0.1:{self.port}", name]
        subprocess.run(args + ([param] if param else []), env=self.env, capture_output=True,
                       timeout=10, check=True)


@contextlib.contextmanager
def side_by_side(tmp: Path, protocol: str, sim_options: Mapping[str, str] | None = None,
                 ) -> Iterator[tuple[Nut, PtyServer, PtyServer, UpsPhysics]]:
    """One simulated unit (``sim_options`` as in ``sim://`` URLs) behind two ptys."""
    physics = UpsPhysics()
    nut_pty = PtyServer(SimDevice(protocol, physics, sim_options), baud=None).start()
    our_pty = PtyServer(SimDevice(protocol, physics, sim_options), baud=None).start()
    nut = Nut(tmp, nut_pty.path, protocol)
    try:
        nut.start()
        yield nut, nut_pty, our_pty, physics
    finally:
        nut.stop()
        nut_pty.stop()
        our_pty.stop()


async def _ours(port: str, protocol: str) -> tuple[QxDriver, Supervisor]:
    dev = Device("sim")
    drv = QxDriver(dev, {"port": port, "protocol": protocol})
    sup = Supervisor([drv])
    await sup.start()
    await eventually(lambda: not dev.stale and drv.initialised, 10)
    await asyncio.sleep(0.3)
    return drv, sup


async def cycle_power_and_commands(
    nut: Nut, dev: Device, physics: UpsPhysics, nut_pty: PtyServer, our_pty: PtyServer,
    commands: Iterable[tuple[str, str | None]], is_query: Callable[[bytes], bool],
    settle: float = 0.0,
) -> tuple[list[bytes], list[bytes]]:
    """OL -> OB -> OB LB -> OL seen by both drivers, then every command sent through
    both; returns the frames other than queries that each put on the wire (NUT, ours)."""

    async def both(status: str) -> None:
        await eventually(lambda: dev.get("ups.status") == status, 5)
        deadline = time.monotonic() + 8
        while (await asyncio.to_thread(nut.vars)).get("ups.status") != status:
            assert time.monotonic() < deadline, f"NUT never showed {status}"
            await asyncio.sleep(0.2)

    physics.set_mains(False)
    await both("OB")
    physics.charge = 0.1
    await both("OB LB")
    physics.charge = 0.9
    physics.set_mains(True)
    await both("OL")
    for name, param in commands:
        before = len(nut_pty.received)
        await asyncio.to_thread(nut.instcmd, name, param)
        deadline = time.monotonic() + 5
        while not [c for c in nut_pty.received[before:] if not is_query(c)]:
            assert time.monotonic() < deadline, f"NUT sent nothing for {name}"
            await asyncio.sleep(0.05)
        await dev.instcmd(name, param)
        if settle:
            await asyncio.sleep(settle)
    await asyncio.sleep(0.5)
    return ([c for c in nut_pty.received if not is_query(c)],
            [c for c in our_pty.received if not is_query(c)])


@pytest.mark.slow
@pytest.mark.parametrize("protocol", ["megatec", "q1", "mustek", "zinto"])
async def test_variables_and_commands_match(tmp_path: Path, protocol: str) -> None:
    with side_by_side(tmp_path, protocol) as (nut, _, our_pty, _):
        drv, sup = await _ours(our_pty.path, protocol)
        try:
            theirs = await asyncio.to_thread(nut.vars)
            ours = dict(drv.device.snapshot())
            assert set(theirs) - INTENDED == set(ours) - INTENDED
            for name in set(theirs) - INTENDED:
                assert ours[name] == theirs[name], name
            assert drv.device.commands() == await asyncio.to_thread(nut.commands)
        finally:
            await sup.stop()


@pytest.mark.slow
async def test_transitions_and_command_bytes_match(tmp_path: Path) -> None:
    with side_by_side(tmp_path, "megatec") as (nut, nut_pty, our_pty, physics):
        drv, sup = await _ours(our_pty.path, "megatec")
        try:
            wire_nut, wire_ours = await cycle_power_and_commands(
                nut, drv.device, physics, nut_pty, our_pty, COMMANDS,
                lambda frame: frame in STATUS_QUERIES)
            assert wire_ours == wire_nut
        finally:
            await sup.stop()
