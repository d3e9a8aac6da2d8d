"""A NUT configuration directory for the driver-socket tests, and the processes on it."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.nutreal import UPSC, run_tool
from tests.support import UPSKIT, Processes, ask, cpu_seconds, free_port, nut_binary, wait_until

UPSD = nut_binary("upsd")
DUMMY_UPS = nut_binary("dummy-ups")
NUTDRV_QX = nut_binary("nutdrv_qx")
APCUPSD_UPS = nut_binary("apcupsd-ups")

USERS = "[admin]\n  password = pw\n  instcmds = ALL\n  actions = SET\n"

needs_nut = pytest.mark.skipif(
    UPSD is None or DUMMY_UPS is None or UPSC is None or os.geteuid() != 0,
    reason="needs Debian's NUT (upsd, dummy-ups, upsc) and root (NUT runs with -u root)")


class NutDir:
    """ups.conf, upsd.conf and upsd.users in ``root``; state in ``root/state``."""

    def __init__(self, root: Path, ups_conf: str, upsd_conf: str = "") -> None:
        self.root = root
        self.state = root / "state"
        self.state.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        (root / "ups.conf").write_text(ups_conf)
        (root / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {self.port}\n{upsd_conf}")
        (root / "upsd.users").write_text(USERS)
        for name in ("ups.conf", "upsd.conf", "upsd.users"):
            (root / name).chmod(0o600)
        self.env = {"NUT_CONFPATH": str(root), "NUT_STATEPATH": str(self.state)}

    def log(self, name: str) -> Path:
        return self.root / f"{name}.log"

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
                         for p in sorted(self.root.glob("*.log")))

    def start_upsd(self, procs: Processes) -> subprocess.Popen[bytes]:
        assert UPSD is not None
        proc = procs.start([UPSD, "-u", "root", "-F"], self.env, self.log("upsd"))
        wait_until(lambda: _answers(self.port), 20, "upsd to listen")
        return proc

    def start_upskit(self, procs: Processes, port: int | None = None) -> subprocess.Popen[bytes]:
        port = port or self.port
        proc = procs.start([*UPSKIT, "run", "--nut-config-dir", str(self.root), "--no-monitor",
                            "--listen", f"127.0.0.1:{port}",
                            "--control-socket", str(self.root / "ctl.sock")],
                           self.env, self.log(f"upskit-{port}"))
        wait_until(lambda: _answers(port), 30, "upskit run to listen")
        return proc


def _answers(port: int) -> bool:
    try:
        return ask(port, "VER", 1.0) != ""
    except OSError:
        return False


def upsc(ups: str, port: int, var: str = "") -> str:
    code, out, err = run_tool([UPSC or "upsc", f"{ups}@127.0.0.1:{port}", *([var] if var else [])])
    return out.decode() if code == 0 else f"ERROR {err.decode().strip()}"


def upsc_dict(ups: str, port: int, drop: frozenset[str] = frozenset()) -> dict[str, str]:
    found = {}
    for line in upsc(ups, port).splitlines():
        name, _, value = line.partition(": ")
        if name not in drop:
            found[name] = value
    return found


def served(ups: str, port: int, var: str, expected: str | None = None,
           timeout: float = 30.0, *, word: str | None = None) -> None:
    """Wait until ``var`` of ``ups`` is served on ``port`` (with ``expected`` value, or
    with ``word`` among its words)."""
    def ready() -> bool:
        value = upsc(ups, port, var).strip()
        if value.startswith("ERROR"):
            return False
        return (expected is None or value == expected) and (word is None
                                                            or word in value.split())
    wait_until(ready, timeout, f"{ups}:{var} on port {port}", interval=0.2)


def idle_cpu(pid: int, seconds: float) -> float:
    """CPU seconds ``pid`` used over the next ``seconds``."""
    before = cpu_seconds(pid)
    time.sleep(seconds)
    return cpu_seconds(pid) - before


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(x) for x in text]
    return found
