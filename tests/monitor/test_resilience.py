"""The monitor never stops watching: a notification, a timer or a poll that fails is
logged, and the watch goes on to the shutdown."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from tests.support import live_device
from upskit.config.settings import (
    MonitorSettings,
    UpsmonSettings,
    UpsschedRule,
    UpsschedSettings,
)
from upskit.model import Device
from upskit.monitor import Monitor
from upskit.monitor.events import NotifyType as N
from upskit.monitor.sources import Reading, Source, SourceError


def settings(tmp_path: Path, **kw: object) -> UpsmonSettings:
    values: dict[str, object] = {
        "pollfreq": 0.2, "pollfreqalert": 0.2, "hostsync": 0, "finaldelay": 0,
        "shutdowncmd": f"echo down >> {tmp_path / 'shutdown.txt'}",
        "notifyflag": {t.value: {"SYSLOG"} for t in N},
    }
    values.update(kw)
    return UpsmonSettings(
        monitors=[MonitorSettings("myups", "localhost", role="primary")],
        **values,  # type: ignore[arg-type]
    )


async def battery_runs_down(mon: Monitor, dev: Device, tmp_path: Path) -> None:
    task = asyncio.create_task(mon.run())
    await asyncio.sleep(0.1)
    dev.set_status(["OB"])
    await asyncio.sleep(0.5)
    assert not task.done(), "the monitor stopped on battery"
    dev.set_status(["OB", "LB"])
    await asyncio.wait_for(task, 10)
    assert (tmp_path / "shutdown.txt").read_text() == "down\n"


async def test_cmdscript_that_cannot_be_split(tmp_path: Path,
                                              caplog: pytest.LogCaptureFixture) -> None:
    sched = UpsschedSettings(cmdscript="/bin/echo it's", rules=[
        UpsschedRule("ONBATT", "*", "EXECUTE", ["now"]),
        UpsschedRule("ONBATT", "*", "START-TIMER", ["later", "0.1"]),
    ])
    flags = {t.value: {"SYSLOG", "EXEC"} for t in N}
    dev = live_device("myups")
    mon = Monitor(settings(tmp_path, notifycmd="upssched", notifyflag=flags), sched,
                  local={"myups": dev}, wall=None, syslog=False)
    await battery_runs_down(mon, dev, tmp_path)
    kinds = [k for k, _, _ in mon.history]
    assert N.ONBATT in kinds and N.LOWBATT in kinds and N.SHUTDOWN in kinds
    assert "CMDSCRIPT" in caplog.text


async def test_notifycmd_that_cannot_be_split(tmp_path: Path,
                                              caplog: pytest.LogCaptureFixture) -> None:
    flags = {t.value: {"SYSLOG", "EXEC"} for t in N}
    dev = live_device("myups")
    mon = Monitor(settings(tmp_path, notifycmd="/bin/echo it's", notifyflag=flags),
                  local={"myups": dev}, wall=None, syslog=False)
    await battery_runs_down(mon, dev, tmp_path)
    assert "NOTIFYCMD" in caplog.text


async def test_bad_certpath_makes_the_server_unreachable_not_the_monitor_crash(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    mon = Monitor(UpsmonSettings(monitors=[MonitorSettings("ups", "192.0.2.1")],
                                 forcessl=True, certpath=str(tmp_path / "missing.pem"),
                                 pollfreq=0.1, notifyflag={t.value: {"SYSLOG"} for t in N}),
                  wall=None, syslog=False)
    task = asyncio.create_task(mon.run())
    await asyncio.sleep(0.5)
    mon.stop()
    await asyncio.wait_for(task, 5)
    assert [k for k, _, _ in mon.history] == [N.COMMBAD]
    assert "missing.pem" in caplog.text


class Flaky(Source):
    """Raises an unexpected error on its first polls, then reports the device."""

    def __init__(self, dev: Device, failures: int) -> None:
        super().__init__(MonitorSettings("myups", "localhost", role="primary"))
        self.dev = dev
        self.failures = failures
        self.polls = 0

    async def poll(self) -> Reading:
        self.polls += 1
        if self.polls <= self.failures:
            raise RuntimeError("driver bug")
        return Reading(tuple(self.dev.status_tokens()))

    async def set_fsd(self) -> None:
        self.dev.set_fsd()

    async def numlogins(self) -> int:
        return 0


async def test_poll_raising_anything_is_a_failed_poll(tmp_path: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    dev = live_device("myups")
    mon = Monitor(settings(tmp_path), wall=None, syslog=False)
    source = Flaky(dev, failures=2)
    mon.sources["myups@localhost"] = source
    await battery_runs_down(mon, dev, tmp_path)
    assert source.polls > 3
    assert "driver bug" in caplog.text


async def test_a_watch_that_dies_is_restarted(tmp_path: Path,
                                              caplog: pytest.LogCaptureFixture) -> None:
    dev = live_device("myups")
    mon = Monitor(settings(tmp_path), local={"myups": dev}, wall=None, syslog=False)
    real = mon.policy.reading
    calls = {"n": 0}

    def broken_once(*args: object, **kw: object) -> object:
        calls["n"] += 1
        if calls["n"] == 1:
            raise KeyError("policy bug")
        return real(*args, **kw)  # type: ignore[arg-type]

    mon.policy.reading = broken_once  # type: ignore[method-assign]
    with caplog.at_level(logging.ERROR):
        await battery_runs_down(mon, dev, tmp_path)
    assert "policy bug" in caplog.text
    assert "starting it again" in caplog.text


async def test_a_failing_notification_does_not_stop_the_others(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    def gone(text: str) -> None:
        raise OSError("syslog is gone")

    dev = live_device("myups")
    mon = Monitor(settings(tmp_path), local={"myups": dev}, wall=None)
    mon.notifier.syslog = gone
    await battery_runs_down(mon, dev, tmp_path)
    assert "syslog is gone" in caplog.text


async def test_source_error_still_counts_as_failure(tmp_path: Path) -> None:
    class Gone(Flaky):
        async def poll(self) -> Reading:
            raise SourceError("gone")

    mon = Monitor(settings(tmp_path), wall=None, syslog=False)
    mon.sources["myups@localhost"] = Gone(live_device("myups"), 0)
    task = asyncio.create_task(mon.run())
    await asyncio.sleep(0.3)
    mon.stop()
    await asyncio.wait_for(task, 5)
    assert [k for k, _, _ in mon.history] == [N.COMMBAD]
