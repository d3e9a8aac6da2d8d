"""The whole process: NUT config dir -> drivers + server, with failure isolation."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.support import UPSKIT, eventually, free_port, has_value, run_upskit
from upskit.client.aio import AsyncClient
from upskit.client.errors import NutError
from upskit.config.nutfiles import load_nut_dir
from upskit.config.settings import Settings
from upskit.runtime import Runtime


def write_config(root: Path, port: int) -> None:
    (root / "good.dev").write_text(
        "device.mfr: Acme\ndevice.model: Tester 1\nups.status: OL\nbattery.charge: 97\n"
        "# a ddl-style writable variable\n#RW:ups.delay.shutdown:RANGE:\"0\" \"600\"\n"
        "ups.delay.shutdown: 20\n"
    )
    (root / "ups.conf").write_text(
        "pollinterval = 1\n"
        "[good]\n  driver = dummy-ups\n  port = good.dev\n  desc = \"Good one\"\n  alias = ups\n"
        "[broken]\n  driver = no-such-driver\n  port = /dev/null\n"
        "[deadport]\n  driver = nutdrv_qx\n  port = /nonexistent/ttyUSB9\n  protocol = megatec\n"
        "[sim]\n  driver = nutdrv_qx\n  port = sim://megatec?id=runtime-test\n"
    )
    (root / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {port}\nMAXAGE 15\n")
    (root / "upsd.users").write_text(
        "[admin]\n  password = s3cret\n  actions = SET\n  instcmds = ALL\n"
    )


async def test_runtime_isolates_broken_devices(tmp_path: Path) -> None:
    port = free_port()
    write_config(tmp_path, port)
    runtime = Runtime(load_nut_dir(tmp_path))
    assert "broken" in runtime.broken
    await runtime.start()
    try:
        async with AsyncClient("127.0.0.1", port, timeout=3) as client:
            await eventually(lambda: has_value(client, "good", "ups.status", "OL"), ignore=(NutError, OSError))
            await eventually(lambda: has_value(client, "sim", "ups.status", "OL"), ignore=(NutError, OSError))
            assert (await client.list_ups()).keys() >= {"good", "broken", "deadport", "sim", "ups"}
            assert await client.get_var("ups", "device.model") == "Tester 1"
            for name in ("broken", "deadport"):
                with pytest.raises(NutError) as err:
                    await client.get_var(name, "ups.status")
                assert err.value.code == "DRIVER-NOT-CONNECTED"
            await client.authenticate("admin", "s3cret")
            await client.set_var("good", "ups.delay.shutdown", "40")
            await eventually(lambda: has_value(client, "good", "ups.delay.shutdown", "40"), ignore=(NutError, OSError))
            await client.instcmd("sim", "beeper.toggle")
            await eventually(lambda: has_value(client, "sim", "ups.beeper.status", "disabled"), ignore=(NutError, OSError))
    finally:
        await runtime.stop()


@pytest.mark.skipif(shutil.which("upsc") is None, reason="Debian's upsc is not installed")
def test_upskit_run_serves_real_upsc(tmp_path: Path) -> None:
    port = free_port()
    write_config(tmp_path, port)
    proc = subprocess.Popen(
        [*UPSKIT, "run", "--nut-config-dir", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ},
    )
    try:
        deadline = time.monotonic() + 15
        out = ""
        while time.monotonic() < deadline:
            res = subprocess.run(["upsc", f"good@127.0.0.1:{port}", "ups.status"],
                                 capture_output=True, text=True, timeout=5)
            out = res.stdout.strip()
            if out == "OL":
                break
            time.sleep(0.1)
        assert out == "OL"
        res = subprocess.run(["upsc", f"broken@127.0.0.1:{port}"], capture_output=True,
                             text=True, timeout=5)
        assert "Driver not connected" in res.stderr
        res = subprocess.run(["upsc", "-l", f"127.0.0.1:{port}"], capture_output=True,
                             text=True, timeout=5)
        # ups.conf order, as upsd lists them; the alias follows the UPSes
        assert res.stdout.split() == ["good", "broken", "deadport", "sim", "ups"]
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert proc.returncode == 0


def test_run_reports_config_errors_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "ups.conf").write_text("[x]\n  driver = dummy-ups\n  port = \"unterminated\n")
    res = run_upskit("run", "--nut-config-dir", str(tmp_path))
    assert res.returncode == 2
    assert "ups.conf:3" in res.stderr


class RecordingService:
    """An exporter-like service that records its life cycle."""

    def __init__(self, name: str, log: list[str], *, fail_reload: bool = False) -> None:
        self.name = name
        self.log = log
        self.fail_reload = fail_reload
        self.trouble: list[str] = []

    async def start(self) -> None:
        self.log.append(f"start {self.name}")

    async def stop(self) -> None:
        self.log.append(f"stop {self.name}")

    async def reload(self, settings: Settings) -> None:
        self.log.append(f"reload {self.name} {sorted(settings.ups.ups)}")
        if self.fail_reload:
            raise RuntimeError("cannot reload")

    def problems(self) -> list[str]:
        return list(self.trouble)


def _two_dummies(root: Path, port: int) -> None:
    for name in ("a", "b"):
        (root / f"{name}.dev").write_text("ups.status: OL\n")
    (root / "ups.conf").write_text(
        "[a]\n  driver = dummy-ups\n  port = a.dev\n[b]\n  driver = dummy-ups\n  port = b.dev\n")
    (root / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {port}\n")


async def test_services_start_in_order_reload_and_stop_in_reverse(tmp_path: Path) -> None:
    import copy

    _two_dummies(tmp_path, free_port())
    events: list[str] = []
    runtime = Runtime(load_nut_dir(tmp_path), with_monitor=False)
    first = RecordingService("first", events, fail_reload=True)
    second = RecordingService("second", events)
    runtime.add_service(first)
    runtime.add_service(second)
    assert [s.name for s in runtime.services] == ["server", "first", "second"]
    await runtime.start()
    try:
        assert runtime.server is not None and runtime.server.ports
        assert events == ["start first", "start second"]
        assert runtime.problems() == []
        second.trouble.append("exporter stuck")
        assert runtime.problems() == ["exporter stuck"]
        fresh = copy.deepcopy(runtime.settings)
        del fresh.ups.ups["b"]
        # a service that cannot reload does not keep the next one from reloading
        with pytest.raises(RuntimeError, match="cannot reload"):
            await runtime.reload(fresh)
        assert events[2:] == ["reload first ['a']", "reload second ['a']"]
        assert list(runtime.devices) == ["a"]
    finally:
        await runtime.stop()
    assert events[-2:] == ["stop second", "stop first"]


async def test_drivers_share_one_context_whose_services_close_with_the_runtime(
        tmp_path: Path) -> None:
    _two_dummies(tmp_path, free_port())
    runtime = Runtime(load_nut_dir(tmp_path), with_monitor=False)
    drivers = runtime.supervisor.drivers
    assert drivers["a"].context is drivers["b"].context is runtime.context

    class Engine:
        """Stands for a shared SNMP engine."""

        closed = False

        def close(self) -> None:
            self.closed = True

    engine = drivers["a"].context.service(Engine)
    assert drivers["b"].context.service(Engine) is engine
    await runtime.start()
    await runtime.stop()
    assert engine.closed
