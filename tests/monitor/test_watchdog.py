"""systemd's notify protocol and the watchdog: datagrams on $NOTIFY_SOCKET (paths and
abstract sockets), pings only while every watch makes progress, and the real daemons
reporting READY / WATCHDOG / RELOADING / STOPPING."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from pathlib import Path

import pytest

from tests.support import free_port
from upskit import sdnotify
from upskit.config.settings import MonitorSettings, UpsmonSettings
from upskit.monitor import Monitor
from upskit.monitor.events import NotifyType as N
from upskit.monitor.sources import Reading, Source

from .daemons import Daemon, NotifySocket, write_server, write_upsmon


def test_notify_path_and_abstract_socket(short_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for address in (str(short_dir / "notify"), f"@upskit-test-{os.getpid()}"):
        listener = NotifySocket(address)
        try:
            monkeypatch.setenv("NOTIFY_SOCKET", address)
            assert sdnotify.ready("serving")
            assert listener.receive(5) == ["READY=1", "STATUS=serving"]
            before = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
            assert sdnotify.reloading()
            fields = listener.receive(5)
            assert fields is not None and fields[0] == "RELOADING=1"
            usec = int(fields[1].removeprefix("MONOTONIC_USEC="))
            assert before <= usec <= before + 5_000_000
            assert sdnotify.stopping()
            assert listener.receive(5) == ["STOPPING=1"]
        finally:
            listener.close()
    monkeypatch.delenv("NOTIFY_SOCKET")
    assert not sdnotify.ready()


def test_watchdog_period(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATCHDOG_USEC", "30000000")
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    assert sdnotify.watchdog_period() == 15.0
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid()))
    assert sdnotify.watchdog_period() == 15.0
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid() + 1))
    assert sdnotify.watchdog_period() is None  # meant for another process
    monkeypatch.delenv("WATCHDOG_PID")
    monkeypatch.setenv("WATCHDOG_USEC", "soon")
    assert sdnotify.watchdog_period() is None


class Hanging(Source):
    """Answers at once until told to hang; then it ignores even cancellation, as code
    stuck where it cannot be interrupted would."""

    def __init__(self) -> None:
        super().__init__(MonitorSettings("ups", "192.0.2.1"))
        self.hang = False
        self.release = asyncio.Event()

    async def poll(self) -> Reading:
        while self.hang and not self.release.is_set():
            with contextlib.suppress(asyncio.CancelledError):
                await self.release.wait()
        return Reading(("OL",))

    async def set_fsd(self) -> None:
        pass

    async def numlogins(self) -> int:
        return 0


async def pings(listener: NotifySocket, seconds: float) -> int:
    """How many WATCHDOG=1 arrive within ``seconds`` (those sent before are dropped)."""
    while listener.receive(0.001) is not None:
        pass
    end = time.monotonic() + seconds
    count = 0
    while (left := end - time.monotonic()) > 0:
        fields = await asyncio.to_thread(listener.receive, min(left, 0.2))
        count += fields == ["WATCHDOG=1"]
    return count


async def test_a_hung_watch_stops_the_pings(short_dir: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    listener = NotifySocket(short_dir / "notify")
    monkeypatch.setenv("NOTIFY_SOCKET", listener.address)
    settings = UpsmonSettings(monitors=[MonitorSettings("ups", "192.0.2.1")], pollfreq=0.1,
                              pollfreqalert=0.1,
                              notifyflag={t.value: {"SYSLOG"} for t in N})
    mon = Monitor(settings, wall=None, syslog=False, timeout=0.1)
    source = Hanging()
    mon.sources["ups@192.0.2.1"] = source
    task = asyncio.create_task(mon.run())
    pinger = asyncio.create_task(sdnotify.keep_alive(mon.problems, 0.1))
    try:
        assert await pings(listener, 1.0) >= 3
        source.hang = True
        await asyncio.sleep(mon.progress_allowance() + 0.5)
        assert any("made no progress" in p for p in mon.problems())
        assert await pings(listener, 1.0) == 0
        source.release.set()  # the poll returns: the watch goes on, the pings resume
        assert await pings(listener, 1.5) >= 3
        assert mon.problems() == []
    finally:
        source.release.set()
        pinger.cancel()
        mon.stop()
        await asyncio.wait_for(task, 10)
        listener.close()


async def test_a_dead_watch_is_a_problem_until_restarted() -> None:
    settings = UpsmonSettings(monitors=[MonitorSettings("ups", "192.0.2.1")], pollfreq=0.1,
                              notifyflag={t.value: {"SYSLOG"} for t in N})
    mon = Monitor(settings, wall=None, syslog=False, timeout=0.1)
    mon.sources["ups@192.0.2.1"] = Hanging()
    task = asyncio.create_task(mon.run())
    try:
        await asyncio.sleep(0.2)
        assert mon.problems() == []
        mon._watches["ups@192.0.2.1"].cancel()
        await asyncio.sleep(0.05)
        assert mon.problems() == ["the watch of UPS ups@192.0.2.1 is not running"]
        await asyncio.sleep(1.0)
        assert mon.problems() == []
    finally:
        mon.stop()
        await asyncio.wait_for(task, 10)


def watched_lifecycle(daemon: Daemon, listener: NotifySocket) -> None:
    listener.wait_for("READY=1")
    for _ in range(3):
        listener.wait_for("WATCHDOG=1", timeout=5)
    daemon.proc.send_signal(signal.SIGHUP)
    fields = listener.wait_for("RELOADING=1")
    assert any(f.startswith("MONOTONIC_USEC=") for f in fields)
    listener.wait_for("READY=1")
    listener.wait_for("WATCHDOG=1", timeout=5)
    daemon.proc.terminate()
    listener.wait_for("STOPPING=1")
    assert daemon.proc.wait(15) == 0


def test_monitor_daemon_talks_to_systemd(short_dir: Path) -> None:
    listener = NotifySocket(short_dir / "notify")
    write_upsmon(short_dir, f"ups1@127.0.0.1:{free_port()}", "sec", "secondary")
    monitor = Daemon("monitor", "--nut-config-dir", str(short_dir), "--control-socket",
                     str(short_dir / "m.sock"),
                     env={"NOTIFY_SOCKET": listener.address, "WATCHDOG_USEC": "400000"})
    try:
        watched_lifecycle(monitor, listener)
    finally:
        monitor.stop()
        listener.close()
    assert "Traceback" not in monitor.output


def test_run_daemon_talks_to_systemd_on_an_abstract_socket(short_dir: Path) -> None:
    listener = NotifySocket(f"@upskit-run-{os.getpid()}")
    write_server(short_dir, free_port())
    run = Daemon("run", "--nut-config-dir", str(short_dir), "--control-socket",
                 str(short_dir / "r.sock"),
                 env={"NOTIFY_SOCKET": listener.address, "WATCHDOG_USEC": "400000"})
    try:
        watched_lifecycle(run, listener)
    finally:
        run.stop()
        listener.close()
    assert "Traceback" not in run.output
