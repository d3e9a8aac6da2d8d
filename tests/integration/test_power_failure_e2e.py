"""The whole story with real processes: a simulated Megatec UPS on a pty, ``upskit run``
(driver + server + monitor in one process), mains loss, low battery, the shutdown command,
then ``upskit killpower`` telling the UPS to cut the load and come back."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import (
    UPSKIT,
    Simulator,
    free_port,
    read_text,
    run_upskit,
    ups_status,
    wait_until,
)


@pytest.fixture
def sim() -> Iterator[Simulator]:
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
    run = subprocess.Popen([*UPSKIT, "run", "--nut-config-dir", str(tmp_path)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: ups_status(port) == "OL", 20, "the UPS on line")
        sim.control("mains off")
        system = f"ups@localhost:{port}"  # UPSNAME is the MONITOR line's system, as in NUT
        wait_until(lambda: f"ONBATT {system}" in read_text(notes), 5, "the ONBATT notification")
        assert not done.exists()
        started = time.monotonic()
        sim.control("charge 0.1")
        wait_until(done.exists, 5, "the shutdown command")
        assert time.monotonic() - started < 2.0
        assert flag.read_text().strip() == "upsmon-shutdown-file"
        # NOTIFYCMD runs in the background: wait for both, in any order of arrival
        wait_until(lambda: {f"LOWBATT {system}", "SHUTDOWN "} <= set(read_text(notes).split("\n")),
                   5, f"LOWBATT and SHUTDOWN notifications (got {read_text(notes)!r})")
        # the monitor has finished; the server keeps serving and shows the FSD latch
        assert ups_status(port).split()[:3] == ["FSD", "OB", "LB"]
    finally:
        run.send_signal(signal.SIGTERM)
        out, _ = run.communicate(timeout=15)
    assert run.returncode == 0, out.decode(errors="replace")

    # late in the system shutdown: the UPS is told to cut the load and come back
    killpower = run_upskit("killpower", "--nut-config-dir", str(tmp_path))
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
    res = run_upskit("killpower", "--nut-config-dir", str(tmp_path))
    # an ordinary reboot: nothing to do, and no error either
    assert res.returncode == 0
    assert "is not set" in res.stdout + res.stderr
    sim.control("advance 60")
    assert sim.status()["output"] == "on"

