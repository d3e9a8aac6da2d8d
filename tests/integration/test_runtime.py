"""The whole process: NUT config dir -> drivers + server, with failure isolation."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from upskit.client.aio import AsyncClient
from upskit.client.errors import NutError
from upskit.config.nutfiles import load_nut_dir
from upskit.runtime import Runtime


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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


async def wait_until(cond, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while True:
        try:
            if await cond():
                return
        except (NutError, OSError):
            pass
        if time.monotonic() > end:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)


async def test_runtime_isolates_broken_devices(tmp_path: Path) -> None:
    port = free_port()
    write_config(tmp_path, port)
    runtime = Runtime(load_nut_dir(tmp_path))
    assert "broken" in runtime.broken
    await runtime.start()
    try:
        async with AsyncClient("127.0.0.1", port, timeout=3) as client:
            await wait_until(lambda: _has(client, "good", "ups.status", "OL"))
            await wait_until(lambda: _has(client, "sim", "ups.status", "OL"))
            assert (await client.list_ups()).keys() >= {"good", "broken", "deadport", "sim", "ups"}
            assert await client.get_var("ups", "device.model") == "Tester 1"
            for name in ("broken", "deadport"):
                with pytest.raises(NutError) as err:
                    await client.get_var(name, "ups.status")
                assert err.value.code == "DRIVER-NOT-CONNECTED"
            await client.authenticate("admin", "s3cret")
            await client.set_var("good", "ups.delay.shutdown", "40")
            await wait_until(lambda: _has(client, "good", "ups.delay.shutdown", "40"))
            await client.instcmd("sim", "beeper.toggle")
            await wait_until(lambda: _has(client, "sim", "ups.beeper.status", "disabled"))
    finally:
        await runtime.stop()


async def _has(client: AsyncClient, ups: str, var: str, value: str) -> bool:
    return await client.get_var(ups, var) == value


@pytest.mark.skipif(shutil.which("upsc") is None, reason="Debian's upsc is not installed")
def test_upskit_run_serves_real_upsc(tmp_path: Path) -> None:
    port = free_port()
    write_config(tmp_path, port)
    proc = subprocess.Popen(
        [sys.executable, "-m", "upskit", "run", "--nut-config-dir", str(tmp_path)],
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
        assert res.stdout.split() == ["broken", "deadport", "good", "sim", "ups"]
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
    res = subprocess.run([sys.executable, "-m", "upskit", "run", "--nut-config-dir", str(tmp_path)],
                         capture_output=True, text=True, timeout=30)
    assert res.returncode == 2
    assert "ups.conf:3" in res.stderr
