"""Monitors against our own NUT server on loopback: primaries, secondaries, NUMLOGINS,
HOSTSYNC, DEADTIME, brief loss of the server - and Debian's upsmon as a secondary."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support import Processes, free_port, live_device, read_text, wait_until
from upskit.client.aio import AsyncClient
from upskit.config.settings import (
    Listen,
    MonitorSettings,
    UpsdSettings,
    UpsmonSettings,
    UserSettings,
)
from upskit.model import DeviceRegistry
from upskit.monitor import Monitor
from upskit.monitor.events import NotifyType as N
from upskit.server import NutServer

from .nutstack import SYSLOG_ONLY, require_nut

pytestmark = pytest.mark.slow

USERS = {
    "mon": UserSettings("mon", password="pw", upsmon="primary"),
    "sec": UserSettings("sec", password="pw", upsmon="secondary"),
}


class Lab:
    """One UPS served by our server on a free loopback port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.device = live_device("ups")
        self.registry = DeviceRegistry()
        self.registry.add(self.device)
        self.server: NutServer | None = None
        self._fresh: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.server = NutServer(self.registry, UpsdSettings(listen=[Listen("127.0.0.1", self.port)]),
                                USERS)
        await self.server.start()
        if self._fresh is None:
            self._fresh = asyncio.create_task(self._keep_fresh())

    async def stop_server(self) -> None:
        if self.server is not None:
            await self.server.stop()
            self.server = None

    async def close(self) -> None:
        if self._fresh is not None:
            self._fresh.cancel()
        await self.stop_server()

    async def _keep_fresh(self) -> None:
        while True:  # a driver refreshes its data
            self.device.data_ok()
            await asyncio.sleep(1)

    def monitor(self, tmp_path: Path, name: str, role: str, **kw: object) -> Monitor:
        values: dict[str, object] = {
            "pollfreq": 0.5, "pollfreqalert": 0.5, "hostsync": 5, "deadtime": 30,
            "finaldelay": 0, "shutdowncmd": f"echo {name} >> {tmp_path / 'order.txt'}",
        }
        values.update(kw)
        settings = UpsmonSettings(
            monitors=[MonitorSettings("ups", "127.0.0.1", self.port, 1,
                                      "mon" if role == "primary" else "sec", "pw", role)],  # type: ignore[arg-type]
            **values,  # type: ignore[arg-type]
        )
        return Monitor(settings, wall=None, syslog=False)


@pytest.fixture
async def lab() -> AsyncIterator[Lab]:
    lab = Lab()
    await lab.start()
    yield lab
    await lab.close()


async def numlogins(lab: Lab) -> int:
    async with AsyncClient("127.0.0.1", lab.port) as c:
        return await c.get_numlogins("ups")


async def wait_logins(lab: Lab, n: int) -> None:
    for _ in range(100):
        if await numlogins(lab) == n:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"NUMLOGINS never reached {n}")


def lines(tmp_path: Path) -> list[str]:
    return read_text(tmp_path / "order.txt").split()


async def test_primary_and_two_secondaries_shut_down_in_order(lab: Lab, tmp_path: Path) -> None:
    primary = lab.monitor(tmp_path, "primary", "primary", hostsync=5)
    sec1 = lab.monitor(tmp_path, "sec1", "secondary", finaldelay=0.3, hostsync=30)
    sec2 = lab.monitor(tmp_path, "sec2", "secondary", finaldelay=0.6, hostsync=30)
    tasks = [asyncio.create_task(m.run()) for m in (primary, sec1, sec2)]
    await wait_logins(lab, 3)
    start = time.monotonic()
    lab.device.set_status(["OB", "LB"])
    await asyncio.wait_for(asyncio.gather(*tasks), 10)
    elapsed = time.monotonic() - start
    # secondaries first (after their FINALDELAY), the primary after they logged out
    assert lines(tmp_path) == ["sec1", "sec2", "primary"]
    assert elapsed < 3.0  # far below HOSTSYNC: NUMLOGINS ended the wait
    assert lab.device.fsd
    assert N.SHUTDOWN_HOSTSYNC in [k for k, _, _ in primary.history]
    assert N.FSD in [k for k, _, _ in sec1.history]


async def test_primary_gives_up_after_hostsync(lab: Lab, tmp_path: Path) -> None:
    stubborn = AsyncClient("127.0.0.1", lab.port)  # a secondary that never logs out
    await stubborn.authenticate("sec", "pw")
    await stubborn.login("ups")
    primary = lab.monitor(tmp_path, "primary", "primary", hostsync=1.0)
    task = asyncio.create_task(primary.run())
    await wait_logins(lab, 2)
    start = time.monotonic()
    lab.device.set_status(["OB", "LB"])
    await asyncio.wait_for(task, 10)
    assert 1.0 <= time.monotonic() - start < 2.5
    assert lines(tmp_path) == ["primary"]
    await stubborn.close()


async def test_server_gone_while_on_battery_shuts_down_after_deadtime(
        lab: Lab, tmp_path: Path) -> None:
    primary = lab.monitor(tmp_path, "primary", "primary", deadtime=1.5, hostsync=0.5)
    sec = lab.monitor(tmp_path, "sec", "secondary", deadtime=1.5, hostsync=0.5)
    tasks = [asyncio.create_task(m.run()) for m in (primary, sec)]
    await wait_logins(lab, 2)
    lab.device.set_status(["OB"])
    await asyncio.sleep(0.8)
    await lab.stop_server()
    start = time.monotonic()
    await asyncio.wait_for(asyncio.gather(*tasks), 10)
    assert 1.0 <= time.monotonic() - start < 3.5
    assert sorted(lines(tmp_path)) == ["primary", "sec"]


async def test_brief_server_loss_on_line_power_is_harmless(lab: Lab, tmp_path: Path) -> None:
    primary = lab.monitor(tmp_path, "primary", "primary", deadtime=1.0)
    sec = lab.monitor(tmp_path, "sec", "secondary", deadtime=1.0)
    tasks = [asyncio.create_task(m.run()) for m in (primary, sec)]
    await wait_logins(lab, 2)
    await lab.stop_server()
    await asyncio.sleep(2.5)  # longer than DEADTIME
    await lab.start()
    await wait_logins(lab, 2)  # both reconnected and logged in again
    for m in (primary, sec):
        m.stop()
    await asyncio.wait_for(asyncio.gather(*tasks), 10)
    assert lines(tmp_path) == []
    for m in (primary, sec):
        kinds = [k for k, _, _ in m.history]
        assert kinds[0] == N.COMMBAD and N.COMMOK in kinds
        assert N.SHUTDOWN not in kinds


@pytest.mark.nut
async def test_debian_upsmon_secondary_follows_our_fsd(lab: Lab, tmp_path: Path,
                                                       procs: Processes) -> None:
    bins = require_nut("upsmon")
    conf = tmp_path / "upsmon"
    conf.mkdir()
    done = tmp_path / "debian-shutdown.txt"
    cfg = conf / "upsmon.conf"
    cfg.write_text(
        f"MONITOR ups@127.0.0.1:{lab.port} 1 sec pw secondary\n"
        f'SHUTDOWNCMD "touch {done}"\n'
        "RUN_AS_USER root\nPOLLFREQ 1\nPOLLFREQALERT 1\nHOSTSYNC 1\nDEADTIME 3\n"
        "FINALDELAY 0\n" + SYSLOG_ONLY)
    cfg.chmod(0o600)
    env = {"NUT_CONFPATH": str(conf), "NUT_STATEPATH": str(conf), "NUT_ALTPIDPATH": str(conf)}
    procs.start([bins["upsmon"], "-F", "-u", "root"], env, tmp_path / "upsmon.log")
    await wait_logins(lab, 1)
    primary = lab.monitor(tmp_path, "primary", "primary", hostsync=10)
    task = asyncio.create_task(primary.run())
    await wait_logins(lab, 2)
    start = time.monotonic()
    lab.device.set_status(["OB", "LB"])
    await asyncio.wait_for(task, 15)
    assert time.monotonic() - start < 8  # ended by NUMLOGINS, not by HOSTSYNC (10 s)
    await asyncio.to_thread(wait_until, done.exists, 5, "Debian upsmon's SHUTDOWNCMD")
    # the primary waited for Debian's upsmon to log out before its own shutdown
    assert lines(tmp_path) == ["primary"]
    assert done.stat().st_mtime <= (tmp_path / "order.txt").stat().st_mtime


async def test_a_server_dropping_an_idle_connection_is_not_a_communication_loss(
        lab: Lab, tmp_path: Path) -> None:
    """upsd (and upskit, IDLETIMEOUT 60 s by default) close a connection that stays silent;
    a monitor polling less often than that reconnects at its next poll instead of
    announcing COMMBAD."""
    await lab.stop_server()
    lab.server = NutServer(lab.registry, UpsdSettings(listen=[Listen("127.0.0.1", lab.port)],
                                                      idle_timeout=0.3), USERS)
    await lab.server.start()
    primary = lab.monitor(tmp_path, "primary", "primary", pollfreq=1.0)
    task = asyncio.create_task(primary.run())
    await wait_logins(lab, 1)
    await asyncio.sleep(3.5)  # three polls, each after the server dropped the connection
    primary.stop()
    await asyncio.wait_for(task, 10)
    kinds = [k for k, _, _ in primary.history]
    assert N.COMMBAD not in kinds, primary.history
