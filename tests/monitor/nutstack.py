"""Helpers for end-to-end tests: free ports, Debian's NUT binaries, waiting."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

NUT_DIRS = ("/lib/nut", "/usr/lib/nut", "/usr/libexec/nut")


def nut_binary(name: str) -> str | None:
    """Path of one of NUT's real programs (not Debian's wrapper scripts)."""
    for directory in NUT_DIRS:
        path = Path(directory) / name
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
    return None


def require_nut(*names: str) -> dict[str, str]:
    found = {name: nut_binary(name) for name in names}
    missing = [n for n, p in found.items() if p is None]
    if missing:
        pytest.skip(f"NUT binaries not installed: {', '.join(missing)}")
    if os.geteuid() != 0:
        pytest.skip("NUT end-to-end tests run NUT as root")
    return {n: p for n, p in found.items() if p is not None}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


SYSLOG_ONLY = "\n".join(f"NOTIFYFLAG {t} SYSLOG" for t in (
    "ONLINE", "ONBATT", "LOWBATT", "FSD", "COMMOK", "COMMBAD", "SHUTDOWN", "REPLBATT",
    "NOCOMM", "NOPARENT")) + "\n"


class Processes:
    """Processes started by a test, always stopped at the end."""

    def __init__(self) -> None:
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, argv: list[str], env: dict[str, str], log: Path,
              cwd: Path | None = None) -> subprocess.Popen[bytes]:
        with open(log, "ab") as out:
            proc = subprocess.Popen(argv, env={**os.environ, **env}, stdout=out,
                                    stderr=subprocess.STDOUT, cwd=cwd,
                                    start_new_session=True)
        self.procs.append(proc)
        return proc

    def stop(self, proc: subprocess.Popen[bytes]) -> None:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)

    def stop_all(self) -> None:
        for proc in reversed(self.procs):
            self.stop(proc)


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
        dev = self.dir / "dummy.dev"
        old = dev.stat().st_mtime if dev.exists() else 0.0
        dev.write_text(f"ups.status: {status}\nbattery.charge: 50\n")
        # dummy-ups re-reads the file when its mtime changes: make sure it does
        new = max(time.time(), old + 1.0)
        os.utime(dev, (new, new))

    def start(self) -> None:
        if self.driver is None:
            self.driver = self.procs.start([self.bins["dummy-ups"], "-a", "dummy", "-u", "root",
                                            "-F"], self.env, self.dir / "driver.log", self.dir)
            wait_for(lambda: any(self.state.iterdir()), 10, "dummy-ups socket")
        self.upsd = self.procs.start([self.bins["upsd"], "-u", "root", "-F"], self.env,
                                     self.dir / "upsd.log", self.dir)
        wait_for(self._listening, 10, "upsd to listen")

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


def upskit_cli() -> list[str]:
    import sys

    return [sys.executable, "-m", "upskit"]


def have(program: str) -> bool:
    return shutil.which(program) is not None
