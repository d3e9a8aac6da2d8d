"""Real `upskit run` / `upskit monitor` processes for the daemon tests: configuration,
output collected as it comes, and a datagram socket standing in for systemd."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from pathlib import Path

from tests.support import UPSKIT


def write_server(root: Path, port: int, status: str = "OL", monitor: bool = True,
                 upsmon_extra: str = "") -> None:
    """ups1 (dummy-ups) served on ``port``; with ``monitor``, watched in-process."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "ups1.dev").write_text(f"device.model: One\nups.status: {status}\n")
    (root / "ups.conf").write_text("pollinterval = 0.2\n[ups1]\n  driver = dummy-ups\n"
                                   "  port = ups1.dev\n")
    (root / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {port}\n")
    (root / "upsd.users").write_text("[mon]\n  password = pw\n  upsmon primary\n"
                                     "[sec]\n  password = pw\n  upsmon secondary\n")
    if monitor:
        write_upsmon(root, "ups1@localhost", "mon", "primary", upsmon_extra)


def write_upsmon(root: Path, system: str, user: str, role: str, extra: str = "") -> None:
    """upsmon.conf with one MONITOR line whose SHUTDOWNCMD creates ``root/down``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "upsmon.conf").write_text(
        f"MONITOR {system} 1 {user} pw {role}\nPOLLFREQ 0.5\nPOLLFREQALERT 0.5\n"
        f"HOSTSYNC 0\nFINALDELAY 0\nSHUTDOWNCMD \"touch {root / 'down'}\"\n"
        f"POWERDOWNFLAG {root / 'killpower'}\n"
        "NOTIFYFLAG ONLINE SYSLOG\nNOTIFYFLAG ONBATT SYSLOG\nNOTIFYFLAG LOWBATT SYSLOG\n"
        "NOTIFYFLAG COMMBAD SYSLOG\nNOTIFYFLAG COMMOK SYSLOG\nNOTIFYFLAG NOCOMM SYSLOG\n"
        "NOTIFYFLAG SHUTDOWN SYSLOG\nNOTIFYFLAG FSD SYSLOG\n" + extra)


class Daemon:
    """One upskit process; its output (stdout and stderr) is collected line by line."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        full_env = dict(os.environ)
        for key in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"):
            full_env.pop(key, None)
        full_env.update(env or {})
        self.proc = subprocess.Popen([*UPSKIT, *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, env=full_env)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, text: str, timeout: float = 20.0, after: int = 0) -> int:
        """Wait until a line (from number ``after`` on) contains ``text``; its number."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for number, line in enumerate(self.lines[after:], after):
                if text in line:
                    return number
            if self.proc.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never appeared; output:\n{self.output}")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, timeout: float = 15.0) -> int:
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        self._reader.join(5)
        return code


class NotifySocket:
    """A bound AF_UNIX datagram socket, as systemd's ``$NOTIFY_SOCKET``."""

    def __init__(self, path: Path | str) -> None:
        self.address = str(path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        bind_to = "\0" + self.address[1:] if self.address.startswith("@") else self.address
        self.sock.bind(bind_to)
        self.messages: list[list[str]] = []

    def receive(self, timeout: float) -> list[str] | None:
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(4096)
        except TimeoutError:
            return None
        fields = data.decode().split("\n")
        self.messages.append(fields)
        return fields

    def wait_for(self, field: str, timeout: float = 20.0) -> list[str]:
        """Receive until a message holds ``field``; that message."""
        end = time.monotonic() + timeout
        while (left := end - time.monotonic()) > 0:
            fields = self.receive(left)
            if fields is not None and field in fields:
                return fields
        raise AssertionError(f"{field} never arrived; got {self.messages}")

    def close(self) -> None:
        self.sock.close()
