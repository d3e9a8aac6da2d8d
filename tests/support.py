"""Helpers shared by the tests and the benchmarks: free ports, waiting, child processes,
one-line NUT requests, /proc readings, Debian's NUT binaries, ``upskit`` as a child
process and fake installed plugin distributions.

Fixtures live in ``tests/conftest.py``; this module holds plain functions so that
``bench/`` can use them too.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from upskit.drivers.base import Driver

if TYPE_CHECKING:
    from upskit.model import Device

#: The command line of an ``upskit`` child process: this interpreter, this checkout.
UPSKIT = (sys.executable, "-m", "upskit")

#: Where Debian (and other distributions) keep NUT's drivers and daemons.
NUT_DIRS = ("/lib/nut", "/usr/lib/nut", "/usr/libexec/nut")


# ------------------------------------------------------------------ sockets
def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ask(port: int, line: str, timeout: float = 5.0, host: str = "127.0.0.1") -> str:
    """Send one NUT request on a new connection; its reply, a ``BEGIN``..``END`` list
    joined by newlines, without the final newline."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(line.encode() + b"\n")
        data = b""
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
            text = data.decode(errors="replace")
            if text.endswith("\n") and (not text.startswith("BEGIN ")
                                        or text.splitlines()[-1].startswith("END ")):
                break
        return data.decode(errors="replace").strip()


def wait_served(port: int, line: str, accept: Callable[[str], bool], *,
                proc: subprocess.Popen[Any] | None = None, log: Path | None = None,
                timeout: float = 30.0) -> str:
    """Ask ``line`` on ``port`` until ``accept`` takes the reply; that reply.

    Fails at once when ``proc`` has exited; the failure shows ``log``.
    """
    def output() -> str:
        return read_text(log) if log is not None else ""

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the server exited with {proc.returncode}: {output()}")
        with contextlib.suppress(OSError):
            reply = ask(port, line, 2.0)
            if accept(reply):
                return reply
        time.sleep(0.1)
    raise AssertionError(f"no acceptable answer to {line!r} on port {port}: {output()}")


# ------------------------------------------------------------------ waiting
def wait_until(cond: Callable[[], object], timeout: float = 10.0,
               what: str = "the condition", interval: float = 0.05) -> None:
    """Check ``cond`` every ``interval`` seconds until it is true; fail after ``timeout``."""
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


async def eventually(cond: Callable[[], object | Awaitable[object]], timeout: float = 10.0,
                     what: str = "the condition", *,
                     ignore: tuple[type[BaseException], ...] = (),
                     interval: float | None = None) -> None:
    """:func:`wait_until` on the event loop; ``cond`` may be a coroutine function.

    Exceptions of the types in ``ignore`` count as "not yet" (the last one is shown when
    time runs out).  A plain predicate is checked every 5 ms, one that awaits (usually a
    network round trip) every 50 ms, unless ``interval`` says otherwise.
    """
    end = time.monotonic() + timeout
    last: BaseException | None = None
    while True:
        try:
            result = cond()
            if inspect.isawaitable(result):
                result = await result
                step = 0.05 if interval is None else interval
            else:
                step = 0.005 if interval is None else interval
            if result:
                return
        except ignore as exc:
            last, step = exc, 0.05 if interval is None else interval
        if time.monotonic() > end:
            detail = f" (last error: {last})" if last is not None else ""
            raise AssertionError(f"timed out after {timeout} s waiting for {what}{detail}")
        await asyncio.sleep(step)


class PollOnly(Driver):
    """The smallest driver: polls that do nothing, no listener."""

    name = "poll-only"

    async def initialise(self) -> None:
        pass

    async def poll(self) -> None:
        pass


def live_device(name: str = "ups", status: str = "OL") -> Device:
    """A device as a working driver leaves it: connected, ``status`` set, data fresh."""
    from upskit.model import Device

    device = Device(name)
    device.set_connected(True)
    device.set_status(status.split())
    device.data_ok()
    return device


async def has_value(client: Any, ups: str, var: str, value: str) -> bool:
    """Whether ``client`` (an :class:`~upskit.client.aio.AsyncClient`) reads ``value``."""
    return bool(await client.get_var(ups, var) == value)


def read_text(path: Path) -> str:
    """The text of a file that may not exist yet ("" until it does)."""
    try:
        return path.read_text(errors="replace")
    except FileNotFoundError:
        return ""


# ------------------------------------------------------------------ processes
def stop(proc: subprocess.Popen[Any], timeout: float = 5.0, *, group: bool = False) -> None:
    """Terminate a child (its whole process group with ``group``), kill it if it lingers."""
    if proc.poll() is not None:
        return
    _signal(proc, signal.SIGTERM, group)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        _signal(proc, signal.SIGKILL, group)
        proc.wait(timeout)


def _signal(proc: subprocess.Popen[Any], sig: signal.Signals, group: bool) -> None:
    with contextlib.suppress(ProcessLookupError):
        if group:
            os.killpg(proc.pid, sig)
        else:
            proc.send_signal(sig)


class Processes:
    """Children started by one test, each in its own session, always stopped at the end."""

    def __init__(self) -> None:
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, argv: list[str], env: Mapping[str, str], log: Path,
              cwd: Path | None = None) -> subprocess.Popen[bytes]:
        """Start ``argv`` with ``env`` added to ours, its output appended to ``log``."""
        with open(log, "ab") as out:
            proc = subprocess.Popen(argv, env={**os.environ, **env}, stdout=out,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    cwd=cwd, start_new_session=True)
        self.procs.append(proc)
        return proc

    def stop(self, proc: subprocess.Popen[bytes]) -> None:
        stop(proc, group=True)

    def stop_all(self) -> None:
        for proc in reversed(self.procs):
            self.stop(proc)


def run_upskit(*argv: str, env: Mapping[str, str] | None = None, timeout: float = 60.0,
               **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run ``upskit argv`` to its end; its exit code and text output.

    Standard input is empty unless ``input`` is given; ``env`` replaces the environment.
    """
    if "input" not in kwargs:
        kwargs.setdefault("stdin", subprocess.DEVNULL)
    return subprocess.run([*UPSKIT, *argv], capture_output=True, text=True, timeout=timeout,
                          env=None if env is None else dict(env), check=False, **kwargs)


class Simulator:
    """``upskit simulate <dialect> --pty`` as a child, driven through its standard input."""

    def __init__(self, dialect: str = "megatec", baud: int = 2400) -> None:
        self.proc = subprocess.Popen([*UPSKIT, "simulate", dialect, "--pty", "--baud", str(baud)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        #: The pty the simulated UPS answers on.
        self.path = self.proc.stdout.readline().strip()
        assert self.path.startswith("/dev/"), self.path

    def control(self, line: str) -> str:
        """One control command (``mains off``, ``charge 0.1``, ...); its answer."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def status(self) -> dict[str, str]:
        """The simulator's ``status`` line as a dict (``output``, ``mains``, ...)."""
        return dict(word.split("=", 1) for word in self.control("status").split())

    def close(self) -> None:
        if self.proc.poll() is None:
            self.control("quit")
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def ups_status(port: int, ups: str = "ups") -> str:
    """``ups.status`` of ``ups`` served on ``port`` ("" while it cannot be read)."""
    from upskit.client.errors import NutError
    from upskit.client.sync import Client

    try:
        with Client("127.0.0.1", port, timeout=2) as client:
            return client.get_var(ups, "ups.status")
    except (NutError, OSError):
        return ""


# ------------------------------------------------------------------ /proc
def rss_kb(pid: int | str = "self") -> int:
    """Resident memory of a process in KiB (0 when /proc does not say)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------ NUT
def nut_binary(name: str) -> str | None:
    """Path of one of NUT's real programs, or None.

    Debian's ``/sbin/upsd`` and ``/sbin/upsmon`` are wrapper scripts that refuse to run
    without a system ``nut.conf``: scripts are never chosen.
    """
    candidates = [str(Path(directory) / name) for directory in NUT_DIRS]
    candidates.append(shutil.which(name) or "")
    for path in candidates:
        if path and os.path.isfile(path) and os.access(path, os.X_OK) and not _is_script(path):
            return path
    return None


def _is_script(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(2) == b"#!"
    except OSError:
        return True


def touch_dev_file(path: Path, text: str) -> float:
    """Write a dummy-ups data file so that the driver sees a change; the time written.

    dummy-ups re-reads its file only when the modification time changes, which it
    checks in whole seconds: the new time is at least a second after the old one.
    """
    old = path.stat().st_mtime if path.exists() else 0.0
    path.write_text(text)
    new = max(time.time(), old + 1.0)
    os.utime(path, (new, new))
    return time.time()


# ------------------------------------------------------------------ TLS
def self_signed_certificate(directory: Path, curve: bool = False) -> tuple[Path, Path]:
    """A self-signed certificate for ``localhost`` made by openssl (RSA, or an EC key on
    prime256v1 with ``curve``): (key file, certificate file)."""
    key, cert = directory / "key.pem", directory / "cert.pem"
    kind = ["ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"] if curve else ["rsa:2048"]
    subprocess.run(["openssl", "req", "-x509", "-newkey", *kind, "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return key, cert


def upsd_pem(directory: Path) -> Path:
    """A self-signed certificate and its key in one file, as upsd's CERTFILE wants them."""
    key, cert = self_signed_certificate(directory)
    pem = directory / "upsd.pem"
    pem.write_text(cert.read_text() + key.read_text())
    return pem


# ------------------------------------------------------------------ plugins
def install_fake_distribution(root: Path, module: str, source: str,
                              entry_points: Mapping[str, Mapping[str, str]]) -> None:
    """A real installed distribution in ``root`` (put it on sys.path): the module
    ``module`` made of ``source`` and a dist-info declaring ``entry_points`` (group ->
    name -> ``module:attribute``)."""
    (root / f"{module}.py").write_text(textwrap.dedent(source))
    info = root / f"{module}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("\n".join(
        f"[{group}]\n" + "".join(f"{name} = {target}\n" for name, target in entries.items())
        for group, entries in entry_points.items()))
