"""Our monitor as a secondary of Debian's upsd + dummy-ups (real processes)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.support import UPSKIT, Processes, wait_until
from upskit.config.settings import MonitorSettings, UpsmonSettings
from upskit.monitor import Monitor
from upskit.monitor.events import NotifyType as N

from .nutstack import SYSLOG_ONLY, NutUpsd

pytestmark = [pytest.mark.nut, pytest.mark.slow]


def test_monitor_cli_secondary_shuts_down_on_low_battery(tmp_path: Path, procs: Processes) -> None:
    nut = NutUpsd(tmp_path, procs)
    nut.start()
    conf = tmp_path / "mon"
    conf.mkdir()
    done = tmp_path / "shutdown.txt"
    (conf / "upsmon.conf").write_text(
        f"MONITOR dummy@127.0.0.1:{nut.port} 1 sec pw secondary\n"
        f'SHUTDOWNCMD "echo down > {done}"\n'
        f"POWERDOWNFLAG {tmp_path / 'killpower'}\n"
        "POLLFREQ 1\nPOLLFREQALERT 1\nHOSTSYNC 1\nDEADTIME 5\nFINALDELAY 0\n" + SYSLOG_ONLY)
    mon = procs.start([*UPSKIT, "-v", "monitor", "--nut-config-dir", str(conf)], {},
                      tmp_path / "monitor.log")
    wait_until(lambda: "logged in" in (tmp_path / "monitor.log").read_text(), 10, "login")
    nut.set_status("OB")
    wait_until(lambda: "on battery" in (tmp_path / "monitor.log").read_text(), 10, "ONBATT")
    assert not done.exists()
    nut.set_status("OB LB")
    wait_until(done.exists, 10, "the shutdown command")
    assert mon.wait(5) == 0  # SHUTDOWNEXIT yes
    assert (tmp_path / "killpower").read_text() == "upsmon-shutdown-file\n"


async def test_monitor_survives_upsd_restart(tmp_path: Path, procs: Processes) -> None:
    nut = NutUpsd(tmp_path, procs)
    nut.start()
    done = tmp_path / "shutdown.txt"
    settings = UpsmonSettings(
        monitors=[MonitorSettings("dummy", "127.0.0.1", nut.port, 1, "sec", "pw", "secondary")],
        pollfreq=0.5, pollfreqalert=0.5, hostsync=1, deadtime=30, finaldelay=0,
        shutdowncmd=f"echo down > {done}")
    monitor = Monitor(settings, wall=None, syslog=False)
    task = asyncio.create_task(monitor.run())

    async def until(kind: N) -> None:
        for _ in range(200):
            if kind in [k for k, _, _ in monitor.history]:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"no {kind} in {monitor.history}")

    await asyncio.sleep(1.0)
    await asyncio.to_thread(nut.stop_upsd)
    await until(N.COMMBAD)
    await asyncio.sleep(1.0)
    await asyncio.to_thread(nut.start)
    await until(N.COMMOK)
    assert not done.exists()  # a brief loss on line power is harmless
    nut.set_status("OB LB")
    await asyncio.wait_for(task, 15)
    assert done.read_text() == "down\n"
    kinds = [k for k, _, _ in monitor.history]
    assert kinds[:2] == [N.COMMBAD, N.COMMOK]
    assert N.SHUTDOWN in kinds
