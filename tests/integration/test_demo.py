"""``upskit demo``: serves a UPS that fails and recovers, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time

from upskit.client.errors import NutError
from upskit.client.sync import Client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_demo_goes_through_a_power_failure_and_stops_on_ctrl_c() -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "upskit", "demo", "--listen", f"127.0.0.1:{port}", "--online", "1",
         "--speed", "8"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen: set[str] = set()
    try:
        deadline = time.monotonic() + 60
        while not {"OL", "OB", "LB"} <= seen and time.monotonic() < deadline:
            try:
                with Client("127.0.0.1", port, timeout=2) as client:
                    seen.update(client.get_var("demo", "ups.status").split())
            except (NutError, OSError):
                pass
            time.sleep(0.2)
        assert {"OL", "OB", "LB"} <= seen
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=15)
    assert proc.returncode == 0, out
    assert f"serving UPS 'demo' on 127.0.0.1:{port}" in out
    assert "mains power lost" in out
    assert out.rstrip().endswith("upskit demo: stopped")
