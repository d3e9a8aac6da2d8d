"""Without pyusb, every USB use says once what to install instead of a traceback.

pyusb is hidden from a child process by a ``usb`` package earlier on its PYTHONPATH
that fails to import, as a missing module would.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.support import UPSKIT, free_port, run_upskit

HINT = "pip install 'upskit[usb]'"


@pytest.fixture(scope="module")
def no_pyusb(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    shim = tmp_path_factory.mktemp("nousb")
    (shim / "usb").mkdir()
    (shim / "usb" / "__init__.py").write_text(
        'raise ModuleNotFoundError("No module named \'usb\'", name="usb")\n')
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(shim), env.get("PYTHONPATH")]))
    return env


@pytest.mark.parametrize("argv", [
    ["scan", "--simulate", "cypress", "--no-serial"],
    ["raw", "sim://usb/cypress", "Q1"],
    ["raw", "auto", "Q1"],
    ["raw", "usb://0665:5161", "Q1"],
], ids=["scan-simulate", "raw-sim-usb", "raw-auto", "raw-usb-url"])
def test_usb_commands_say_what_to_install(no_pyusb: dict[str, str], argv: list[str]) -> None:
    done = run_upskit(*argv, env=no_pyusb)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 2, done.stderr
    assert HINT in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_scan_skips_usb_and_says_why(no_pyusb: dict[str, str]) -> None:
    done = run_upskit("scan", "--no-serial", env=no_pyusb)
    assert "Traceback" not in done.stderr, done.stderr
    assert "USB devices skipped" in done.stderr and HINT in done.stderr


def test_run_with_a_usb_port_logs_one_error_and_keeps_serving(
        no_pyusb: dict[str, str], tmp_path: Path) -> None:
    port = free_port()
    (tmp_path / "ups.conf").write_text("[usbups]\n  driver = nutdrv_qx\n  port = auto\n"
                                       "[other]\n  driver = dummy-ups\n  port = ok.dev\n")
    (tmp_path / "ok.dev").write_text("ups.status: OL\n")
    (tmp_path / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {port}\n")
    proc = subprocess.Popen(
        [*UPSKIT, "run", "--nut-config-dir", str(tmp_path),
         "--no-monitor", "--control-socket", str(tmp_path / "control.sock")],
        env=no_pyusb, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        answers = _ask(port, b"LIST UPS\nGET VAR usbups ups.status\nGET VAR other ups.status\n",
                       expect=b"VAR other ups.status")
        time.sleep(3.0)  # long enough for a driver restart or two, were there any
        assert proc.poll() is None
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            _out, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            _out, err = proc.communicate()
    assert b"UPS usbups" in answers and b"UPS other" in answers
    assert b"ERR DRIVER-NOT-CONNECTED" in answers
    assert "Traceback" not in err, err
    errors = [line for line in err.splitlines() if HINT in line]
    assert len(errors) == 1, err
    assert "ups.conf:3" in errors[0] and "[usbups]" in errors[0]


def _ask(port: int, request: bytes, expect: bytes, timeout: float = 30.0) -> bytes:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
                conn.sendall(request)
                answer = b""
                while expect not in answer:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    answer += chunk
                if expect in answer:
                    return answer
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError("the server never answered")
        time.sleep(0.2)
