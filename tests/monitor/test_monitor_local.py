"""The Monitor in-process, reading Device objects directly (no sockets)."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from tests.support import live_device
from upskit.config.settings import MonitorSettings, UpsmonSettings, UpsschedRule, UpsschedSettings
from upskit.monitor import Monitor
from upskit.monitor.events import NotifyType as N
from upskit.monitor.shutdown import POWERDOWN_MAGIC, powerdown_flag_set


def settings(tmp_path: Path, role: str = "primary", **kw: object) -> UpsmonSettings:
    values: dict[str, object] = {
        "pollfreq": 5, "pollfreqalert": 5, "hostsync": 2, "deadtime": 15, "finaldelay": 0,
        "shutdowncmd": f"echo down >> {tmp_path / 'shutdown.txt'}",
        "powerdownflag": str(tmp_path / "killpower"),
        "notifyflag": {t.value: {"SYSLOG"} for t in N},
    }
    values.update(kw)
    return UpsmonSettings(
        monitors=[MonitorSettings("myups", "localhost", role=role)],  # type: ignore[arg-type]
        **values,  # type: ignore[arg-type]
    )


async def test_low_battery_reaches_shutdown_command_at_once(tmp_path: Path) -> None:
    dev = live_device("myups")
    logins = {"n": 0}
    mon = Monitor(settings(tmp_path), local={"myups": dev}, numlogins=lambda u: logins["n"],
                  wall=None, syslog=False)
    task = asyncio.create_task(mon.run())
    await asyncio.sleep(0.05)
    dev.set_status(["OB"])
    await asyncio.sleep(0.05)
    assert (N.ONBATT, "myups@localhost", "UPS myups@localhost on battery") in mon.history
    start = time.monotonic()
    dev.set_status(["OB", "LB"])
    result = await asyncio.wait_for(task, 5)
    elapsed = time.monotonic() - start
    assert result == 0
    assert elapsed < 1.0  # no poll cycle is waited for (POLLFREQ is 5 s)
    assert (tmp_path / "shutdown.txt").read_text() == "down\n"
    assert (tmp_path / "killpower").read_text() == POWERDOWN_MAGIC + "\n"
    assert powerdown_flag_set(tmp_path / "killpower")
    assert dev.fsd  # the primary set FSD on its UPS
    kinds = [k for k, _, _ in mon.history]
    assert kinds == [N.ONBATT, N.LOWBATT, N.SHUTDOWN_HOSTSYNC, N.SHUTDOWN]


async def test_primary_waits_for_secondaries_to_log_out(tmp_path: Path) -> None:
    dev = live_device("myups", "OB LB")
    logins = {"n": 2}
    mon = Monitor(settings(tmp_path, hostsync=10), local={"myups": dev},
                  numlogins=lambda u: logins["n"], wall=None, syslog=False)
    task = asyncio.create_task(mon.run())
    await asyncio.sleep(0.6)
    assert dev.fsd
    assert not (tmp_path / "shutdown.txt").exists()
    logins["n"] = 0
    start = time.monotonic()
    await asyncio.wait_for(task, 5)
    assert time.monotonic() - start < 0.6  # NUMLOGINS is polled every 250 ms
    assert (tmp_path / "shutdown.txt").exists()


async def test_finaldelay_and_hostsync_timeout(tmp_path: Path) -> None:
    dev = live_device("myups", "OB LB")
    mon = Monitor(settings(tmp_path, hostsync=0.5, finaldelay=0.5), local={"myups": dev},
                  numlogins=lambda u: 5, wall=None, syslog=False)
    start = time.monotonic()
    await asyncio.wait_for(mon.run(), 5)
    elapsed = time.monotonic() - start
    assert 1.0 <= elapsed < 2.0
    assert (tmp_path / "shutdown.txt").exists()


async def test_stale_device_on_line_does_not_shut_down(tmp_path: Path) -> None:
    dev = live_device("myups", "OL")
    mon = Monitor(settings(tmp_path, deadtime=0.3), local={"myups": dev}, wall=None,
                  syslog=False)
    task = asyncio.create_task(mon.run())
    await asyncio.sleep(0.05)
    dev.data_stale()
    await asyncio.sleep(0.6)
    dev.data_ok()
    await asyncio.sleep(0.05)
    mon.stop()
    await asyncio.wait_for(task, 5)
    assert not (tmp_path / "shutdown.txt").exists()
    assert [k for k, _, _ in mon.history] == [N.COMMBAD, N.COMMOK]


async def test_stale_device_on_battery_shuts_down_after_deadtime(tmp_path: Path) -> None:
    dev = live_device("myups", "OB")
    mon = Monitor(settings(tmp_path, deadtime=0.4, hostsync=0), local={"myups": dev},
                  wall=None, syslog=False)
    task = asyncio.create_task(mon.run())
    await asyncio.sleep(0.05)
    start = time.monotonic()
    dev.data_stale()
    await asyncio.wait_for(task, 5)
    assert 0.3 <= time.monotonic() - start < 1.0
    assert (tmp_path / "shutdown.txt").exists()


async def test_secondary_follows_fsd_and_does_not_set_it(tmp_path: Path) -> None:
    dev = live_device("myups", "OB")
    mon = Monitor(settings(tmp_path, role="secondary", hostsync=30), local={"myups": dev},
                  wall=None, syslog=False)
    task = asyncio.create_task(mon.run())
    dev.set_status(["OB", "LB"])
    await asyncio.sleep(0.3)
    assert not (tmp_path / "shutdown.txt").exists()  # waiting for the primary
    assert not dev.fsd
    dev.set_fsd()
    await asyncio.wait_for(task, 5)
    assert (tmp_path / "shutdown.txt").exists()


async def test_shutdownexit_no_keeps_running_until_stopped(tmp_path: Path) -> None:
    dev = live_device("myups", "FSD OB LB")
    mon = Monitor(settings(tmp_path, shutdownexit=None), local={"myups": dev},
                  wall=None, syslog=False)
    task = asyncio.create_task(mon.run())
    await asyncio.wait_for(mon.shutdown_done.wait(), 5)
    await asyncio.sleep(0.2)
    assert not task.done()
    mon.stop()
    assert await asyncio.wait_for(task, 5) == 0


async def test_missing_shutdown_command_is_reported(tmp_path: Path) -> None:
    dev = live_device("myups", "FSD")
    mon = Monitor(settings(tmp_path, shutdowncmd=None), local={"myups": dev}, wall=None,
                  syslog=False)
    assert await asyncio.wait_for(mon.run(), 5) == 1
    assert N.NOPARENT in [k for k, _, _ in mon.history]


async def test_upssched_runs_in_process(tmp_path: Path) -> None:
    out = tmp_path / "sched.txt"
    script = tmp_path / "cmd.py"
    script.write_text("import os, sys\n"
                      f"open({str(out)!r}, 'a').write(sys.argv[1] + ' ' + "
                      "os.environ['UPSNAME'] + ' ' + os.environ['NOTIFYTYPE'] + '\\n')\n")
    sched = UpsschedSettings(cmdscript=f"{sys.executable} {script}", rules=[
        UpsschedRule("ONBATT", "*", "START-TIMER", ["onbatt", "0.3"]),
        UpsschedRule("ONLINE", "*", "CANCEL-TIMER", ["onbatt"]),
        UpsschedRule("ONBATT", "*", "EXECUTE", ["now"]),
    ])
    s = settings(tmp_path, notifycmd="/usr/sbin/upssched",
                 notifyflag={"ONBATT": {"EXEC"}, "ONLINE": {"EXEC"}})
    dev = live_device("myups", "OL")
    mon = Monitor(s, sched, local={"myups": dev}, wall=None, syslog=False)
    task = asyncio.create_task(mon.run())
    await asyncio.sleep(0.05)
    dev.set_status(["OB"])
    await asyncio.sleep(0.1)
    dev.set_status(["OL"])  # cancels the first timer
    await asyncio.sleep(0.4)
    dev.set_status(["OB"])
    await asyncio.sleep(0.6)
    mon.stop()
    await asyncio.wait_for(task, 5)
    assert out.read_text().splitlines() == [
        "now myups@localhost ONBATT", "now myups@localhost ONBATT",
        "onbatt myups@localhost ONBATT"]
