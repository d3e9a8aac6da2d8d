"""SNMP agents for the tests: PyPI snmpsim serving ``.snmprec`` files the test writes,
and Debian's net-snmp ``snmpd`` with a generated configuration (v3 users).  Both run on
a free 127.0.0.1 UDP port; a test skips when the program is missing."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

SNMPSIM = Path(sys.executable).with_name("snmpsim-command-responder")
SNMPD = shutil.which("snmpd") or "/usr/sbin/snmpd"

#: One agent record: OID, snmprec type tag (2 INTEGER, 4 string, 6 OID, 64 IpAddress,
#: 65 Counter32, 66 Gauge32, 67 TimeTicks; ``"2:writecache"`` accepts SETs), value.
Record = tuple[str, str, str | int]


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _key(oid: str) -> tuple[int, ...]:
    return tuple(int(p) for p in oid.strip(".").split("."))


def snmprec(records: Iterable[Record]) -> str:
    """The text of a ``.snmprec`` file (sorted by OID, as snmpsim needs)."""
    lines = []
    for oid, tag, value in sorted(records, key=lambda r: _key(r[0])):
        if ":writecache" in tag:
            value = f"value={value}"
        lines.append(f"{oid.strip('.')}|{tag}|{value}")
    return "\n".join(lines) + "\n"


def wait_for_agent(port: int, community: str, timeout: float = 30.0) -> None:
    """Until the agent on ``port`` answers a v2c GET of sysObjectID (or ``timeout``)."""
    # a hand-made v2c GET of 1.3.6.1.2.1.1.2.0: the helper stays free of pysnmp
    com = community.encode()
    oid = bytes([0x06, 0x08, 0x2B, 6, 1, 2, 1, 1, 2, 0])
    varbind = b"\x30" + bytes([len(oid) + 2]) + oid + b"\x05\x00"
    varbinds = b"\x30" + bytes([len(varbind)]) + varbind
    pdu_body = b"\x02\x01\x01\x02\x01\x00\x02\x01\x00" + varbinds
    pdu = b"\xa0" + bytes([len(pdu_body)]) + pdu_body
    body = b"\x02\x01\x01\x04" + bytes([len(com)]) + com + pdu
    message = b"\x30" + bytes([len(body)]) + body
    deadline = time.monotonic() + timeout
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(0.3)
        while time.monotonic() < deadline:
            sock.sendto(message, ("127.0.0.1", port))
            try:
                sock.recv(4096)
                return
            except OSError:
                continue
    raise TimeoutError(f"no SNMP agent answered on 127.0.0.1:{port}")


class Snmpsim:
    """snmpsim serving ``<community>.snmprec`` files from ``directory``."""

    def __init__(self, directory: Path, port: int, proc: subprocess.Popen[bytes]) -> None:
        self.directory = directory
        self.port = port
        self.proc = proc

    def write(self, community: str, records: Iterable[Record]) -> None:
        """(Re)write one agent; snmpsim re-reads a file whose mtime second changed."""
        path = self.directory / "data" / f"{community}.snmprec"
        old = path.stat().st_mtime if path.exists() else 0.0
        path.write_text(snmprec(records))
        os.utime(path, (old + 2, old + 2) if old else None)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@contextmanager
def snmpsim(directory: Path, agents: Mapping[str, Iterable[Record]]) -> Iterator[Snmpsim]:
    """Serve ``agents`` (community -> records) with snmpsim; skip if it cannot run."""
    if not SNMPSIM.exists():
        pytest.skip("snmpsim is not installed (pip install snmpsim pysmi)")
    try:
        import pysmi  # type: ignore[import-untyped]  # noqa: F401  (snmpsim needs it)
    except ImportError:
        pytest.skip("snmpsim needs pysmi (pip install pysmi)")
    (directory / "data").mkdir(parents=True, exist_ok=True)
    (directory / "cache").mkdir(exist_ok=True)
    port = free_udp_port()
    sim = Snmpsim(directory, port, None)  # type: ignore[arg-type]
    for community, records in agents.items():
        sim.write(community, records)
    env = dict(os.environ, SNMPSIM_ALLOW_ROOT="true")
    log = (directory / "snmpsim.log").open("wb")
    sim.proc = subprocess.Popen(
        [str(SNMPSIM), f"--data-dir={directory / 'data'}", f"--cache-dir={directory / 'cache'}",
         f"--agent-udpv4-endpoint=127.0.0.1:{port}", "--logging-method=null"],
        stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        wait_for_agent(port, next(iter(agents)))
        yield sim
    finally:
        sim.stop()
        log.close()


@contextmanager
def snmpd(directory: Path, config: str) -> Iterator[int]:
    """Debian's snmpd with ``config`` (``{port}`` is replaced) on a free port."""
    if not os.path.exists(SNMPD):
        pytest.skip("net-snmp's snmpd is not installed")
    port = free_udp_port()
    conf = directory / "snmpd.conf"
    conf.write_text(config)
    state = directory / "state"
    state.mkdir(exist_ok=True)
    env = dict(os.environ, SNMP_PERSISTENT_DIR=str(state), MIBS="", MIBDIRS=str(state))
    log = (directory / "snmpd.log").open("wb")
    proc = subprocess.Popen(
        [SNMPD, "-f", "-Lo", "-C", "-c", str(conf), "-p", str(directory / "snmpd.pid"),
         f"udp:127.0.0.1:{port}"],
        stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        wait_for_agent(port, "public")
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
