"""The whole story with real processes: a simulated Megatec UPS on a pty, ``upskit run``
(driver + server + monitor in one process), mains loss, low battery, the shutdown command,
then ``upskit killpower`` telling the UPS to cut the load and come back."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from upskit.client.errors import NutError
from upskit.client.sync import Client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Simulator:
    """``upskit simulate megatec --pty`` driven through its standard input."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "upskit", "simulate", "megatec", "--pty", "--baud", "2400"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.path = self.proc.stdout.readline().strip()
        assert self.path.startswith("/dev/"), self.path

    def control(self, line: str) -> str:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def status(self) -> dict[str, str]:
        return dict(word.split("=", 1) for word in self.control("status").split())

    def close(self) -> None:
        if self.proc.poll() is None:
            self.control("quit")
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def wait_until(cond, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def status_of(port: int) -> str:
    try:
        with Client("127.0.0.1", port, timeout=2) as client:
            return client.get_var("ups", "ups.status")
    except (NutError, OSError):
        return ""


@pytest.fixture
def sim():
    simulator = Simulator()
    try:
        yield simulator
    finally:
        simulator.close()


def test_power_failure_shutdown_and_killpower(tmp_path: Path, sim: Simulator) -> None:
    port = free_port()
    done, flag, notes = tmp_path / "shutdown-ran", tmp_path / "killpower", tmp_path / "notes"
    notify = tmp_path / "notify.sh"
    notify.write_text(f'#!/bin/sh\necho "$NOTIFYTYPE $UPSNAME" >> {notes}\n')
    notify.chmod(0o755)
    (tmp_path / "ups.conf").write_text(
        f"[ups]\n  driver = nutdrv_qx\n  port = {sim.path}\n  offdelay = 12\n  ondelay = 60\n")
    (tmp_path / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {port}\n")
    (tmp_path / "upsd.users").write_text("[mon]\n  password = pw\n  upsmon primary\n")
    (tmp_path / "upsmon.conf").write_text(
        f"MONITOR ups@localhost:{port} 1 mon pw primary\n"
        f'SHUTDOWNCMD "touch {done}"\nPOWERDOWNFLAG {flag}\nFINALDELAY 0\n'
        f"NOTIFYCMD {notify}\n"
        + "".join(f"NOTIFYFLAG {event} SYSLOG+EXEC\n"
                  for event in ("ONLINE", "ONBATT", "LOWBATT", "FSD", "SHUTDOWN")))
    run = subprocess.Popen([sys.executable, "-m", "upskit", "run", "--nut-config-dir",
                            str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: status_of(port) == "OL", 20, "the UPS on line")
        sim.control("mains off")
        system = f"ups@localhost:{port}"  # UPSNAME is the MONITOR line's system, as in NUT
        wait_until(lambda: f"ONBATT {system}" in _read(notes), 5, "the ONBATT notification")
        assert not done.exists()
        started = time.monotonic()
        sim.control("charge 0.1")
        wait_until(done.exists, 5, "the shutdown command")
        assert time.monotonic() - started < 2.0
        assert flag.read_text().strip() == "upsmon-shutdown-file"
        # NOTIFYCMD runs in the background: wait for both, in any order of arrival
        wait_until(lambda: {f"LOWBATT {system}", "SHUTDOWN "} <= set(_read(notes).split("\n")),
                   5, f"LOWBATT and SHUTDOWN notifications (got {_read(notes)!r})")
        # the monitor has finished; the server keeps serving and shows the FSD latch
        assert status_of(port).split()[:3] == ["FSD", "OB", "LB"]
    finally:
        run.send_signal(signal.SIGTERM)
        out, _ = run.communicate(timeout=15)
    assert run.returncode == 0, out.decode(errors="replace")

    # late in the system shutdown: the UPS is told to cut the load and come back
    killpower = subprocess.run([sys.executable, "-m", "upskit", "killpower", "--nut-config-dir",
                                str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert killpower.returncode == 0, killpower.stdout + killpower.stderr
    assert sim.status()["output"] == "on"  # not yet: the delay runs
    sim.control("advance 13")
    assert sim.status()["output"] == "off"
    sim.control("mains on")
    sim.control("advance 61")
    assert sim.status()["output"] == "on"


def test_killpower_refuses_without_the_flag(tmp_path: Path, sim: Simulator) -> None:
    (tmp_path / "ups.conf").write_text(f"[ups]\n  driver = nutdrv_qx\n  port = {sim.path}\n")
    (tmp_path / "upsmon.conf").write_text(
        f'MONITOR ups@localhost 1 mon pw primary\nPOWERDOWNFLAG {tmp_path / "nope"}\n')
    res = subprocess.run([sys.executable, "-m", "upskit", "killpower", "--nut-config-dir",
                          str(tmp_path)], capture_output=True, text=True, timeout=60)
    # an ordinary reboot: nothing to do, and no error either
    assert res.returncode == 0
    assert "is not set" in res.stdout + res.stderr
    sim.control("advance 60")
    assert sim.status()["output"] == "on"


def _read(path: Path) -> str:
    return path.read_text() if path.exists() else ""

