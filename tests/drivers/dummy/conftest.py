"""Fixtures: a private NUT stack (Debian's dummy-ups + upsd) in a temp dir on a free port."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import free_port, nut_binary, stop

DUMMY_UPS = nut_binary("dummy-ups")
UPSD = nut_binary("upsd")
UPSC = shutil.which("upsc")
ADMIN, SECRET = "admin", "s3cret"


def nut_missing() -> str | None:
    """Why the real NUT stack cannot be used here, or ``None``."""
    if not (DUMMY_UPS and UPSD and UPSC):
        return "Debian's NUT (dummy-ups, upsd, upsc) is not installed"
    if os.geteuid() != 0:
        return "running NUT's binaries with -u root needs root"
    return None


class NutStack:
    """A throw-away NUT installation: config and state dirs, drivers and upsd as children."""

    def __init__(self, root: Path) -> None:
        self.conf = root / "etc"
        self.state = root / "state"
        self.conf.mkdir()
        self.state.mkdir(mode=0o700)
        self.port = free_port()
        self.sections: dict[str, dict[str, str]] = {}
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.env = {**os.environ, "NUT_CONFPATH": str(self.conf), "NUT_STATEPATH": str(self.state),
                    "NUT_ALTPIDPATH": str(self.state)}

    def add_ups(self, name: str, **options: str) -> None:
        self.sections[name] = options
        self._write()

    def _write(self) -> None:
        lines = []
        for name, options in self.sections.items():
            lines.append(f"[{name}]\n  driver = dummy-ups\n")
            lines += [f'  {key} = "{value}"\n' for key, value in options.items()]
        files = {
            "ups.conf": "".join(lines),
            "upsd.conf": f"LISTEN 127.0.0.1 {self.port}\n",
            "upsd.users": f"[{ADMIN}]\n  password = {SECRET}\n  actions = SET\n  instcmds = ALL\n",
            "nut.conf": "MODE=standalone\n",
        }
        for fname, text in files.items():
            path = self.conf / fname
            path.write_text(text)
            path.chmod(0o600)

    def start_driver(self, *names: str) -> None:
        """Start Debian's dummy-ups for sections and wait for their sockets (upsd needs them)."""
        assert DUMMY_UPS
        for name in names:
            self._spawn(f"driver:{name}", [DUMMY_UPS, "-a", name, "-u", "root", "-F"])
        deadline = time.monotonic() + 15
        for name in names:
            while not (self.state / f"dummy-ups-{name}").exists():
                assert self.procs[f"driver:{name}"].poll() is None, f"dummy-ups {name} exited"
                assert time.monotonic() < deadline, f"dummy-ups {name} made no socket"
                time.sleep(0.02)

    def start_upsd(self) -> None:
        assert UPSD
        self._spawn("upsd", [UPSD, "-u", "root", "-F"])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise AssertionError("upsd did not start listening")

    def _spawn(self, key: str, argv: list[str]) -> None:
        self.stop(key)
        self.procs[key] = subprocess.Popen(argv, env=self.env, stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL)

    def stop(self, key: str) -> None:
        proc = self.procs.pop(key, None)
        if proc is not None:
            stop(proc)

    def stop_all(self) -> None:
        for key in list(self.procs):
            self.stop(key)

    def upsc(self, ups: str) -> dict[str, str] | None:
        """``upsc`` output as a dict, or ``None`` when upsc fails (no data yet)."""
        assert UPSC
        done = subprocess.run([UPSC, f"{ups}@127.0.0.1:{self.port}"], env=self.env,
                              capture_output=True, text=True, timeout=10, check=False)
        if done.returncode != 0:
            return None
        pairs = (line.split(": ", 1) for line in done.stdout.splitlines() if ": " in line)
        return {key: value for key, value in pairs}

    async def wait_upsc(self, ups: str, timeout: float = 20.0) -> dict[str, str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            values = await asyncio.to_thread(self.upsc, ups)
            if values and values.get("ups.status", "WAIT") != "WAIT" and "driver.name" in values:
                return values
            await asyncio.sleep(0.1)
        alive = {key: proc.poll() is None for key, proc in self.procs.items()}
        raise AssertionError(f"upsc {ups} gave no data (processes alive: {alive})")


@pytest.fixture
def nut_stack(tmp_path: Path) -> Iterator[NutStack]:
    reason = nut_missing()
    if reason:
        pytest.skip(reason)
    stack = NutStack(tmp_path)
    try:
        yield stack
    finally:
        stack.stop_all()
