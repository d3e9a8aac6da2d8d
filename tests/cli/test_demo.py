"""``upskit demo``: serves a UPS that fails and recovers, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.monitor.nutstack import SYSLOG_ONLY
from tests.support import UPSKIT, free_port, nut_binary, run_upskit, stop
from upskit.client.errors import NutError
from upskit.client.sync import Client


def test_demo_goes_through_a_power_failure_and_stops_on_ctrl_c() -> None:
    port = free_port()
    proc = subprocess.Popen(
        [*UPSKIT, "demo", "--listen", f"127.0.0.1:{port}", "--online", "1",
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



@pytest.mark.parametrize(("kind", "driver_name"), [
    (["--hid"], "usbhid-ups"), (["--contact", "2"], "genericups"),
    (["--snmp", "apcc"], "snmp-ups")])
def test_other_demos_serve_their_ups_through_a_power_failure(kind: list[str],
                                                             driver_name: str) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [*UPSKIT, "demo", *kind, "--listen", f"127.0.0.1:{port}", "--online", "1",
         "--speed", "8"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    statuses: list[list[str]] = []
    driver = ""
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with Client("127.0.0.1", port, timeout=2) as client:
                    tokens = client.get_var("demo", "ups.status").split()
                    driver = client.get_var("demo", "driver.name")
            except (NutError, OSError):
                time.sleep(0.2)
                continue
            statuses.append(tokens)
            online = next((i for i, t in enumerate(statuses) if "OL" in t), None)
            if online is not None and any("OB" in t for t in statuses[online:]):
                break
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=15)
    online = next(i for i, t in enumerate(statuses) if "OL" in t)
    assert any("OB" in t for t in statuses[online:]), statuses
    assert driver == driver_name
    assert proc.returncode == 0, out
    assert f"serving UPS 'demo' on 127.0.0.1:{port}" in out
    assert "mains power lost" in out
    assert out.rstrip().endswith("upskit demo: stopped")



class DemoOutput:
    """The demo's standard output, read line by line in the background."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.lines: list[str] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._lock:
                self.lines.append(line.rstrip("\n"))

    def snapshot(self) -> list[str]:
        with self._lock:
            return list(self.lines)

    def text(self) -> str:
        return "\n".join(self.snapshot())

    def until(self, done: Callable[[list[str]], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if done(self.snapshot()):
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"no {what} within {timeout} s; the demo printed:\n{self.text()}")

    def wait(self, pattern: str, timeout: float, count: int = 1) -> None:
        """Until ``count`` lines match ``pattern``."""
        regex = re.compile(pattern)
        self.until(lambda lines: sum(bool(regex.search(line)) for line in lines) >= count,
                   timeout, f"{count} line(s) matching {pattern!r}")


def suggested_upsmon_conf(lines: list[str]) -> tuple[str, str]:
    """The MONITOR and SHUTDOWNCMD lines the demo tells its user to put in upsmon.conf."""
    monitor = shutdowncmd = ""
    for line in lines:
        found = re.search(r"(MONITOR \S+ \d+ \S+ \S+ (?:primary|secondary))\s*$", line)
        if found and not monitor:
            monitor = found.group(1)
        found = re.search(r'(SHUTDOWNCMD ".*")\s*$', line)
        if found and not shutdowncmd:
            shutdowncmd = found.group(1)
    return monitor, shutdowncmd


def start_monitor(conf_dir: Path, conf: str, log: Path) -> subprocess.Popen[bytes]:
    """Debian's upsmon when it can run here, else ``upskit monitor``, on ``conf``."""
    upsmon = nut_binary("upsmon")
    path = conf_dir / "upsmon.conf"
    if upsmon is not None and os.geteuid() == 0:
        # RUN_AS_USER and syslog-only notifications let it run in a test; no timing
        path.write_text(conf + "RUN_AS_USER root\n" + SYSLOG_ONLY)
        path.chmod(0o600)
        env = {**os.environ, "NUT_CONFPATH": str(conf_dir), "NUT_STATEPATH": str(conf_dir),
               "NUT_ALTPIDPATH": str(conf_dir)}
        with open(log, "wb") as out:
            proc = subprocess.Popen([upsmon, "-F", "-u", "root"], env=env, stdout=out,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(3)
        # its PID file is machine-wide (/run/nut): another upsmon running here refuses it
        if proc.poll() is None or "already running" not in log.read_text(errors="replace"):
            return proc
    path.write_text(conf)
    with open(log, "ab") as out:
        return subprocess.Popen([*UPSKIT, "monitor", "--nut-config-dir",
                                 str(conf_dir)], stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def status_after_loss(lines: list[str], cycle: int) -> str | None:
    """The first status the demo printed after its ``cycle``-th mains loss, if any yet."""
    losses = [i for i, line in enumerate(lines) if "mains power lost" in line]
    if len(losses) < cycle:
        return None
    after = [line for line in lines[losses[cycle - 1]:] if "ups.status =" in line]
    return after[0].split("ups.status =", 1)[1].strip() if after else None


@pytest.mark.slow
def test_the_monitor_the_demo_suggests_shuts_down_with_default_timings(tmp_path: Path) -> None:
    """upsmon with the suggested lines and NUT's default timings (POLLFREQALERT 5,
    HOSTSYNC 15, FINALDELAY 5, DEADTIME 15) sees OB, then OB LB, sets FSD and runs
    SHUTDOWNCMD while the UPS still holds the load; the demo shows FSD, clears it when
    the UPS restarts, and the next cycle starts from the same charge.  ``--speed`` only
    scales the battery; nothing in the monitor's configuration is scaled."""
    port = free_port()
    proc = subprocess.Popen(
        [*UPSKIT, "demo", "--listen", f"127.0.0.1:{port}",
         "--online", "4", "--speed", "3"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "TMPDIR": str(tmp_path)})
    out = DemoOutput(proc)
    monitor: subprocess.Popen[bytes] | None = None
    log = tmp_path / "monitor.log"
    try:
        out.wait(r"Ctrl-C stops", 20)
        monitor_line, shutdowncmd = suggested_upsmon_conf(out.snapshot())
        assert monitor_line, out.text()
        done = tmp_path / "shutdown-ran"
        if shutdowncmd:
            target = re.search(r">>\s*([^\s\"']+)", shutdowncmd)
            assert target, shutdowncmd
            done = Path(target.group(1))
            assert done.parent == tmp_path  # harmless: a file in the temporary directory
        else:
            shutdowncmd = f'SHUTDOWNCMD "touch {done}"'
        conf_dir = tmp_path / "monitor"
        conf_dir.mkdir()
        monitor = start_monitor(conf_dir, f"{monitor_line}\n{shutdowncmd}\n", log)

        deadline = time.monotonic() + 45
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert done.exists(), (f"SHUTDOWNCMD never ran\n--- demo ---\n{out.text()}\n"
                               f"--- monitor ---\n{log.read_text(errors='replace')}")
        assert monitor.wait(20) == 0  # SHUTDOWNEXIT yes: it exits after SHUTDOWNCMD
        out.wait(r"ups\.status = FSD OB LB", 5)
        # the UPS restarts on mains return, the latch is cleared and the battery refills
        out.until(lambda lines: status_after_loss(lines, 2) is not None, 40,
                  "status after the second mains loss")
    finally:
        if monitor is not None:
            stop(monitor, 10, group=True)
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(15)
        finally:
            if proc.poll() is None:
                proc.kill()
    lines = out.snapshot()
    first = status_after_loss(lines, 1)
    assert first is not None and first.startswith("OB "), "\n".join(lines)
    assert status_after_loss(lines, 2) == first, "\n".join(lines)
    back = next(i for i, line in enumerate(lines) if "mains power back" in line)
    assert all("FSD" not in line for line in lines[back:] if "ups.status =" in line), \
        "\n".join(lines)


def test_a_speed_of_zero_is_refused_without_a_traceback() -> None:
    result = run_upskit("demo", "--speed", "0")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "--speed: must be a positive number" in result.stderr


def test_a_busy_address_is_one_error_on_stderr() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        res = run_upskit("demo", "--listen", f"127.0.0.1:{port}")
    assert res.returncode == 1
    assert res.stdout == ""
    assert res.stderr.count("cannot listen") == 1, res.stderr
    assert "Traceback" not in res.stderr
