"""Debian's NUT for the monitor's end-to-end tests: its binaries, and dummy-ups + upsd
serving one UPS whose status a test sets."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

from tests.support import Processes, free_port, nut_binary, touch_dev_file, wait_until


def require_nut(*names: str) -> dict[str, str]:
    found = {name: nut_binary(name) for name in names}
    missing = [n for n, p in found.items() if p is None]
    if missing:
        pytest.skip(f"NUT binaries not installed: {', '.join(missing)}")
    if os.geteuid() != 0:
        pytest.skip("NUT end-to-end tests run NUT as root")
    return {n: p for n, p in found.items() if p is not None}


SYSLOG_ONLY = "\n".join(f"NOTIFYFLAG {t} SYSLOG" for t in (
    "ONLINE", "ONBATT", "LOWBATT", "FSD", "COMMOK", "COMMBAD", "SHUTDOWN", "REPLBATT",
    "NOCOMM", "NOPARENT")) + "\n"


class NutUpsd:
    """Debian's dummy-ups driver and upsd serving one UPS ``dummy`` from a .dev file."""

    def __init__(self, base: Path, procs: Processes) -> None:
        self.bins = require_nut("dummy-ups", "upsd")
        self.dir = base / "nut"
        self.state = self.dir / "state"
        self.state.mkdir(parents=True)
        self.port = free_port()
        self.procs = procs
        self.env = {"NUT_CONFPATH": str(self.dir), "NUT_STATEPATH": str(self.state)}
        (self.dir / "nut.conf").write_text("MODE=netserver\n")
        (self.dir / "ups.conf").write_text(
            "[dummy]\n driver = dummy-ups\n port = dummy.dev\n pollinterval = 1\n")
        (self.dir / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {self.port}\n")
        users = self.dir / "upsd.users"
        users.write_text("[mon]\n password = pw\n upsmon primary\n"
                         "[sec]\n password = pw\n upsmon secondary\n")
        users.chmod(0o600)
        self.set_status("OL")
        self.driver: subprocess.Popen[bytes] | None = None
        self.upsd: subprocess.Popen[bytes] | None = None

    def set_status(self, status: str) -> None:
        touch_dev_file(self.dir / "dummy.dev", f"ups.status: {status}\nbattery.charge: 50\n")

    def start(self) -> None:
        if self.driver is None:
            self.driver = self.procs.start([self.bins["dummy-ups"], "-a", "dummy", "-u", "root",
                                            "-F"], self.env, self.dir / "driver.log", self.dir)
            wait_until(lambda: any(self.state.iterdir()), 10, "dummy-ups socket")
        self.upsd = self.procs.start([self.bins["upsd"], "-u", "root", "-F"], self.env,
                                     self.dir / "upsd.log", self.dir)
        wait_until(self._listening, 10, "upsd to listen")

    def stop_upsd(self) -> None:
        if self.upsd is not None:
            self.procs.stop(self.upsd)
            self.upsd = None

    def _listening(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False
