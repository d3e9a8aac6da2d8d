"""Run Debian's real NUT (``upsd`` + ``dummy-ups``) for interoperability tests.

Usage::

    from tests.nutreal import nut_server, requires_nut

    @requires_nut
    def test_something(tmp_path):
        with nut_server(tmp_path, {"ups1": "ups.status: OL\\n"}) as nut:
            host, port, paths = nut
            ...

Each UPS named in ``devices`` gets a ``dummy-ups`` driver (foreground child
process) reading ``<name>.dev`` (or ``<name>.seq`` when ``sequences`` names it);
``upsd`` listens on 127.0.0.1 on a free port.  The context manager returns when
``upsd`` answers and every driver has published ``ups.status``; on exit every
process it started is terminated (then killed) by its own process id.

NUT insists on running as root here (``-u root``), so tests skip when not root or
when the binaries are absent.  Default users (``DEFAULT_USERS``):

* ``admin`` / ``secret``: ``SET``, ``FSD``, every instant command;
* ``monpri`` / ``pw``: ``upsmon primary``; ``monsec`` / ``pw``: ``upsmon secondary``;
* ``reader`` / ``pw``: no rights.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.support import ask, free_port, nut_binary, stop

#: Client tools, for comparing output (None when absent).
UPSC = shutil.which("upsc")
UPSCMD = shutil.which("upscmd")
UPSRW = shutil.which("upsrw")

DEFAULT_USERS = """\
[admin]
  password = secret
  actions = SET FSD
  instcmds = ALL
[monpri]
  password = pw
  upsmon primary
[monsec]
  password = pw
  upsmon secondary
[reader]
  password = pw
"""


UPSD = nut_binary("upsd")
DUMMY_UPS = nut_binary("dummy-ups")


def skip_reason() -> str | None:
    """Why real-NUT tests cannot run here, or None when they can."""
    if UPSD is None or DUMMY_UPS is None:
        return "Debian's NUT (upsd, dummy-ups) is not installed"
    if os.geteuid() != 0:
        return "real NUT tests run upsd/dummy-ups with -u root and need root"
    return None


NUT_AVAILABLE = skip_reason() is None
#: Marker for tests that need the real NUT daemons.
requires_nut = pytest.mark.skipif(not NUT_AVAILABLE, reason=skip_reason() or "")


@dataclass
class NutPaths:
    """Files of one running NUT instance."""

    root: Path
    ups_conf: Path
    upsd_conf: Path
    upsd_users: Path
    devices: dict[str, Path] = field(default_factory=dict)
    logs: dict[str, Path] = field(default_factory=dict)

    def log_text(self) -> str:
        """Everything the daemons printed, for failure messages."""
        parts = []
        for name, path in self.logs.items():
            with contextlib.suppress(OSError):
                parts.append(f"--- {name} ---\n{path.read_text(errors='replace')}")
        return "\n".join(parts)


class NutReal(NamedTuple):
    """What :func:`nut_server` yields; unpacks as ``host, port, paths``."""

    host: str
    port: int
    paths: NutPaths

    @property
    def target(self) -> str:
        """``host:port`` for client tools."""
        return f"{self.host}:{self.port}"

    def ups(self, name: str) -> str:
        """``name@host:port`` for client tools."""
        return f"{name}@{self.host}:{self.port}"


def _conf_value(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _readiness_probe(content: str) -> tuple[str, str | None]:
    """Which variable shows that a driver has loaded its file, and the reply's tail."""
    first: str | None = None
    for raw in content.splitlines():
        match = re.match(r"([A-Za-z0-9_.]+):[ \t]*(.*)$", raw.strip())
        if not match:
            continue
        name, value = match.groups()
        if name == "ups.status":
            return name, f' "{value}"' if value and value != "WAIT" else None
        if first is None and not name.startswith(("driver.", "device.")) and value:
            first = name
    return (first, None) if first else ("ups.status", None)


@contextlib.contextmanager
def nut_server(
    tmp: Path,
    devices: Mapping[str, str],
    *,
    users: str | None = None,
    descriptions: Mapping[str, str] | None = None,
    sequences: frozenset[str] | set[str] = frozenset(),
    upsd_conf: str = "",
    ready_timeout: float = 15.0,
) -> Iterator[NutReal]:
    """Start dummy-ups drivers and upsd in ``tmp``; yield ``(host, port, paths)``.

    ``devices`` maps UPS name -> content of its ``.dev`` file (``upsc`` format, with
    optional nut-ddl ``#RW:``/``#CMD:`` lines).  ``users`` replaces
    :data:`DEFAULT_USERS`; ``descriptions`` sets ``desc`` in ups.conf;
    ``upsd_conf`` adds lines to upsd.conf.
    """
    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    assert UPSD is not None and DUMMY_UPS is not None
    root = Path(tmp) / "nut"
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o750)
    paths = NutPaths(
        root=root,
        ups_conf=root / "ups.conf",
        upsd_conf=root / "upsd.conf",
        upsd_users=root / "upsd.users",
    )
    conf_lines = []
    for name, content in devices.items():
        suffix = ".seq" if name in sequences else ".dev"
        dev = root / f"{name}{suffix}"
        dev.write_text(content)
        paths.devices[name] = dev
        conf_lines += [f"[{name}]", "  driver = dummy-ups", f"  port = {dev.name}"]
        if descriptions and name in descriptions:
            conf_lines.append(f"  desc = {_conf_value(descriptions[name])}")
    paths.ups_conf.write_text("\n".join(conf_lines) + "\n")
    paths.upsd_users.write_text(DEFAULT_USERS if users is None else users)
    for path in (paths.ups_conf, paths.upsd_users):
        path.chmod(0o640)
    env = dict(os.environ, NUT_CONFPATH=str(root), NUT_STATEPATH=str(root))

    procs: list[subprocess.Popen[bytes]] = []

    def spawn(name: str, argv: list[str]) -> subprocess.Popen[bytes]:
        log = root / f"{name}.log"
        paths.logs[name] = log
        with open(log, "ab") as out:
            proc = subprocess.Popen(
                argv, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT
            )
        procs.append(proc)
        return proc

    def fail(message: str) -> None:
        raise RuntimeError(f"{message}\n{paths.log_text()}")

    try:
        drivers = {
            name: spawn(f"dummy-ups-{name}", [DUMMY_UPS, "-a", name, "-u", "root", "-F"])
            for name in devices
        }
        deadline = time.monotonic() + ready_timeout
        for name, proc in drivers.items():
            sock_path = root / f"dummy-ups-{name}"
            while not sock_path.exists():
                if proc.poll() is not None:
                    fail(f"dummy-ups for {name} exited with {proc.returncode}")
                if time.monotonic() > deadline:
                    fail(f"dummy-ups for {name} did not create its socket")
                time.sleep(0.02)

        port = 0
        upsd: subprocess.Popen[bytes] | None = None
        for _attempt in range(3):
            port = free_port()
            paths.upsd_conf.write_text(f"LISTEN 127.0.0.1 {port}\n{upsd_conf}")
            paths.upsd_conf.chmod(0o640)
            upsd = spawn("upsd", [UPSD, "-u", "root", "-F"])
            while upsd.poll() is None and time.monotonic() < deadline:
                try:
                    ask(port, "NETVER", 1.0)
                    break
                except OSError:
                    time.sleep(0.02)
            if upsd.poll() is None:
                break
            procs.remove(upsd)  # port taken meanwhile: try another
            upsd = None
        if upsd is None or upsd.poll() is not None:
            fail("upsd did not start")
        for name, content in devices.items():
            var, expected = _readiness_probe(content)
            while True:
                try:
                    reply = ask(port, f"GET VAR {name} {var}", 1.0)
                except OSError:
                    reply = ""
                if reply.startswith("VAR ") and (expected is None or reply.endswith(expected)):
                    break
                if time.monotonic() > deadline:
                    fail(f"upsd never served {name}: last reply {reply!r}")
                time.sleep(0.05)
        yield NutReal("127.0.0.1", port, paths)
    finally:
        for proc in reversed(procs):
            stop(proc, 3.0)


def run_tool(argv: list[str], stdin: bytes = b"", timeout: float = 15.0) -> tuple[int, bytes, bytes]:
    """Run a client tool; return (exit code, stdout, stderr without libupsclient's SSL note)."""
    proc = subprocess.run(argv, input=stdin, capture_output=True, timeout=timeout, check=False)
    err = b"".join(
        line
        for line in proc.stderr.splitlines(keepends=True)
        if not line.startswith(b"Init SSL without certificate database")
    )
    return proc.returncode, proc.stdout, err
