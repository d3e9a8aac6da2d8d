"""SIGHUP / Runtime.reload: new users, UPS sections added, changed and removed, and a
broken file that leaves the running configuration in place."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.support import UPSKIT, eventually, free_port, has_value
from upskit.client.aio import AsyncClient
from upskit.client.errors import NutError
from upskit.client.sync import Client
from upskit.config.nutfiles import load_nut_dir
from upskit.runtime import Runtime


def write(root: Path, port: int, sections: str, users: str) -> None:
    (root / "ups.conf").write_text("pollinterval = 0.1\n" + sections)
    (root / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {port}\n")
    (root / "upsd.users").write_text(users)


def dev(root: Path, name: str, model: str) -> str:
    (root / f"{name}.dev").write_text(f"device.model: {model}\nups.status: OL\n")
    return f"[{name}]\n  driver = dummy-ups\n  port = {name}.dev\n"


async def test_reload_applies_users_and_ups_sections(tmp_path: Path) -> None:
    port = free_port()
    keep, gone = dev(tmp_path, "keep", "Keeper"), dev(tmp_path, "gone", "Goner")
    write(tmp_path, port, keep + gone, "[admin]\n  password = one\n  actions = SET\n")
    runtime = Runtime(load_nut_dir(tmp_path))
    await runtime.start()
    try:
        async with AsyncClient("127.0.0.1", port, timeout=3) as client:
            await eventually(lambda: has_value(client, "gone", "device.model", "Goner"), ignore=(NutError,))
            kept_device = runtime.registry.get("keep")
            new = dev(tmp_path, "new", "Newcomer")
            changed = keep.replace("  port = keep.dev\n", "  port = keep.dev\n  alias = ups\n")
            write(tmp_path, port, changed + new, "[admin]\n  password = two\n  actions = SET\n")
            await runtime.reload(load_nut_dir(tmp_path))
            await eventually(lambda: has_value(client, "new", "device.model", "Newcomer"), ignore=(NutError,))
            with pytest.raises(NutError) as err:
                await client.get_var("gone", "ups.status")
            assert err.value.code == "UNKNOWN-UPS"
            # only an alias was added: the same driver and device keep running
            assert runtime.registry.get("keep") is kept_device
            assert await client.get_var("ups", "device.model") == "Keeper"
        async with AsyncClient("127.0.0.1", port, timeout=3) as client:
            await client.authenticate("admin", "two")
            await client.set_var("keep", "device.model", "Renamed")
            await eventually(lambda: has_value(client, "keep", "device.model", "Renamed"), ignore=(NutError,))
    finally:
        await runtime.stop()


async def test_changed_driver_options_restart_that_driver_only(tmp_path: Path) -> None:
    port = free_port()
    a, b = dev(tmp_path, "a", "A"), dev(tmp_path, "b", "B")
    write(tmp_path, port, a + b, "")
    runtime = Runtime(load_nut_dir(tmp_path))
    await runtime.start()
    try:
        first_a, first_b = runtime.registry.get("a"), runtime.registry.get("b")
        write(tmp_path, port, a.replace("a.dev\n", "a.dev\n  desc = \"Rack A\"\n") +
              b.replace("b.dev\n", "b.dev\n  mode = dummy-loop\n"), "")
        await runtime.reload(load_nut_dir(tmp_path))
        assert runtime.registry.get("a") is first_a and first_a is not None
        assert first_a.desc == "Rack A"
        assert runtime.registry.get("b") is not first_b
        async with AsyncClient("127.0.0.1", port, timeout=3) as client:
            await eventually(lambda: has_value(client, "b", "driver.parameter.mode", "dummy-loop"), ignore=(NutError,))
    finally:
        await runtime.stop()


def test_sighup_with_a_broken_file_keeps_serving(tmp_path: Path) -> None:
    port = free_port()
    write(tmp_path, port, dev(tmp_path, "ups1", "One"), "")
    proc = subprocess.Popen([*UPSKIT, "run", "--nut-config-dir",
                             str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    try:
        _wait_model(port, "ups1", "One")
        (tmp_path / "ups.conf").write_text("[ups1]\n  driver = dummy-ups\n  port = \"open\n")
        proc.send_signal(signal.SIGHUP)
        time.sleep(1.0)
        _wait_model(port, "ups1", "One")  # still served from the old configuration
        write(tmp_path, port, dev(tmp_path, "ups2", "Two"), "")
        proc.send_signal(signal.SIGHUP)
        _wait_model(port, "ups2", "Two")
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=15)
    assert proc.returncode == 0, out
    assert "ups.conf:3" in out
    assert "configuration not reloaded" in out


def _wait_model(port: int, ups: str, model: str) -> None:
    end = time.monotonic() + 15
    last = ""
    while time.monotonic() < end:
        try:
            with Client("127.0.0.1", port, timeout=2) as client:
                last = client.get_var(ups, "device.model")
                if last == model:
                    return
        except (NutError, OSError) as exc:
            last = str(exc)
        time.sleep(0.1)
    raise AssertionError(f"{ups} never showed model {model!r} (last: {last!r})")


async def test_a_driver_that_cannot_be_built_is_not_logged_as_started(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    import copy
    import logging

    from upskit.config.settings import UpsSettings

    port = free_port()
    write(tmp_path, port, dev(tmp_path, "a", "A"), "")
    runtime = Runtime(load_nut_dir(tmp_path))
    await runtime.start()
    try:
        fresh = copy.deepcopy(runtime.settings)
        fresh.ups.ups["bad"] = UpsSettings("bad", "no-such-driver", "/dev/null")
        with caplog.at_level(logging.INFO):
            await runtime.reload(fresh)
        assert "driver no-such-driver started" not in caplog.text
        assert "[bad]: driver no-such-driver not started" in caplog.text
    finally:
        await runtime.stop()


def monitored(root: Path, port: int, extra: str = "") -> None:
    """ups1 served and watched by the in-process monitor."""
    write(root, port, dev(root, "ups1", "One"), "")
    (root / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {port}\nMAXAGE 7\n")
    (root / "upsmon.conf").write_text(
        "MONITOR ups1@localhost 1 mon pw primary\nPOLLFREQ 0.2\nPOLLFREQALERT 0.2\n"
        f"HOSTSYNC 0\nFINALDELAY 0\nSHUTDOWNCMD \"touch {root / 'down'}\"\n"
        "NOTIFYFLAG ONBATT SYSLOG\nNOTIFYFLAG LOWBATT SYSLOG\n" + extra)


async def test_monitor_that_cannot_be_built_keeps_the_old_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import copy

    port = free_port()
    monitored(tmp_path, port)
    runtime = Runtime(load_nut_dir(tmp_path))
    await runtime.start()
    try:
        old = runtime.monitor
        assert old is not None
        # upsd.conf's MAXAGE reaches the in-process monitor's local sources
        assert [getattr(s, "maxage", None) for s in old.sources.values()] == [7.0]

        def broken() -> None:
            raise ValueError("cannot build")

        assert runtime.monitor_service is not None
        monkeypatch.setattr(runtime.monitor_service, "build", broken)
        fresh = copy.deepcopy(runtime.settings)
        assert fresh.upsmon is not None
        fresh.upsmon.pollfreq = 1.0
        await runtime.reload(fresh)
        assert runtime.monitor is old
        task = runtime.monitor_service.task
        assert task is not None and not task.done()
        assert old.problems() == []
    finally:
        await runtime.stop()


def test_sighup_with_a_broken_certpath_keeps_the_monitor(tmp_path: Path) -> None:
    port = free_port()
    monitored(tmp_path, port)
    proc = subprocess.Popen([*UPSKIT, "run", "--nut-config-dir",
                             str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    try:
        _wait_model(port, "ups1", "One")
        monitored(tmp_path, port, f"FORCESSL 1\nCERTPATH {tmp_path / 'missing.pem'}\n")
        proc.send_signal(signal.SIGHUP)
        time.sleep(1.0)
        (tmp_path / "ups1.dev").write_text("device.model: One\nups.status: OB LB\n")
        end = time.monotonic() + 20
        while not (tmp_path / "down").exists() and time.monotonic() < end:
            time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=15)
    assert (tmp_path / "down").exists(), out
    assert "missing.pem does not exist" in out
    assert "Traceback" not in out


async def test_reload_after_the_shutdown_keeps_the_power_down_flag(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    import copy
    import logging

    port = free_port()
    monitored(tmp_path, port, f"POWERDOWNFLAG {tmp_path / 'killpower'}\n")
    runtime = Runtime(load_nut_dir(tmp_path))
    await runtime.start()
    try:
        assert runtime.monitor is not None
        runtime.monitor.request_shutdown()  # upskit monitor -c fsd
        end = time.monotonic() + 10
        while runtime.monitor_running and time.monotonic() < end:
            await asyncio.sleep(0.05)
        assert (tmp_path / "down").exists() and (tmp_path / "killpower").exists()
        fresh = copy.deepcopy(runtime.settings)
        assert fresh.upsmon is not None
        fresh.upsmon.pollfreq = 1.0
        caplog.clear()
        with caplog.at_level(logging.INFO):
            await runtime.reload(fresh)  # e.g. logrotate's SIGHUP during the shutdown
            await asyncio.sleep(0.5)
        assert not runtime.monitor_running
        assert "removed stale power-down flag" not in caplog.text
        assert "running shutdown command" not in caplog.text
        assert (tmp_path / "killpower").exists()
    finally:
        await runtime.stop()
