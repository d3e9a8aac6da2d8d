"""The in-process monitor treats data older than upsd.conf's MAXAGE as stale, as a
network client would get ERR DATA-STALE, and so as upsmon treats a stale UPS."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from tests.support import live_device
from upskit.config.settings import MonitorSettings, UpsmonSettings
from upskit.model import Device
from upskit.monitor import Monitor
from upskit.monitor.events import NotifyType as N


def settings(tmp_path: Path, **kw: object) -> UpsmonSettings:
    values: dict[str, object] = {
        "pollfreq": 0.1, "pollfreqalert": 0.1, "deadtime": 0.5, "hostsync": 0,
        "finaldelay": 0, "shutdowncmd": f"touch {tmp_path / 'down'}",
        "notifyflag": {t.value: {"SYSLOG"} for t in N},
    }
    values.update(kw)
    return UpsmonSettings(monitors=[MonitorSettings("myups", "localhost", role="primary")],
                          **values)  # type: ignore[arg-type]


async def refresh(dev: Device, seconds: float) -> None:
    """A driver that keeps polling for ``seconds``, then stops updating."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        dev.data_ok()
        await asyncio.sleep(0.05)


async def test_data_older_than_maxage_is_stale(tmp_path: Path) -> None:
    dev = live_device("myups", "OL")
    mon = Monitor(settings(tmp_path), local={"myups": dev}, maxage=0.5, wall=None,
                  syslog=False)
    task = asyncio.create_task(mon.run())
    await refresh(dev, 0.6)
    assert [k for k, _, _ in mon.history] == []
    await asyncio.sleep(1.0)  # the driver went silent; it never said "stale" itself
    assert not dev.stale
    assert [k for k, _, _ in mon.history] == [N.COMMBAD]
    await refresh(dev, 0.4)
    assert [k for k, _, _ in mon.history] == [N.COMMBAD, N.COMMOK]
    mon.stop()
    await asyncio.wait_for(task, 5)
    assert not (tmp_path / "down").exists()


async def test_silent_driver_on_battery_leads_to_shutdown(tmp_path: Path) -> None:
    dev = live_device("myups", "OB")
    mon = Monitor(settings(tmp_path), local={"myups": dev}, maxage=0.3, wall=None,
                  syslog=False)
    task = asyncio.create_task(mon.run())
    await refresh(dev, 0.3)
    start = time.monotonic()
    await asyncio.wait_for(task, 10)  # MAXAGE, then DEADTIME since the last good poll
    assert time.monotonic() - start < 5
    assert (tmp_path / "down").exists()
    assert mon.history[0][0] == N.ONBATT and N.COMMBAD in [k for k, _, _ in mon.history]
