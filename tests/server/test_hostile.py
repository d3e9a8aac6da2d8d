"""Clients that attack the server's resources: descriptors, memory, slots, half-closed sockets.

The server runs in a process of its own where its CPU time, resident memory and log
are measured from outside, as an administrator would see them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import UPSKIT, ask, cpu_seconds, rss_kb, stop, wait_until
from upskit.model import DeviceRegistry

from .conftest import LineClient, Served, make_device, start_server

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="needs /proc")

#: Resident memory the server may add while 30 clients pipeline LIST VAR and never read
#: (each holds at most a few tens of KiB; see docs/performance.md).
PIPELINE_RSS_BOUND_KB = 8 * 1024


def open_files_limit(pid: int) -> tuple[str, str]:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max open files"):
            soft, hard = line.split()[3:5]
            return soft, hard
    raise AssertionError("no open files limit")


def answers(port: int, line: str, expected: str) -> bool:
    try:
        return ask(port, line, timeout=2.0) == expected
    except OSError:
        return False


@contextlib.contextmanager
def server_process(tmp_path: Path, *args: str) -> Iterator[tuple[subprocess.Popen[bytes], int, Path]]:
    """``tests.server.serve_process`` with ``args``: (process, port, log file)."""
    log = tmp_path / "server.log"
    with open(log, "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.server.serve_process", *args],
            cwd=REPO, stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL,
        )
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        line = proc.stdout.readline() if ready else b""
        if not line.strip().isdigit():
            raise AssertionError(f"server did not start: {log.read_text(errors='replace')}")
        yield proc, int(line), log
    finally:
        stop(proc)


def hostile_connections(port: int, count: int) -> list[socket.socket]:
    socks = []
    for _ in range(count):
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.settimeout(5)
        sock.connect(("127.0.0.1", port))
        sock.setblocking(False)
        socks.append(sock)
    return socks


def push(sock: socket.socket, data: bytes) -> str:
    """Send what the socket takes without blocking: 'sent', 'full' or 'reset'."""
    try:
        sock.send(data)
    except BlockingIOError:
        return "full"
    except (ConnectionResetError, BrokenPipeError):
        return "reset"
    return "sent"


# ------------------------------------------------------------------ item 6: descriptors
def test_running_out_of_descriptors_is_quiet_cheap_and_recovers(tmp_path: Path) -> None:
    """More connections than descriptors: MAXCONN is lowered, no log flood, no busy loop."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (tmp_path / "d.dev").write_text("ups.status: OL\nbattery.charge: 97\n")
    (tmp_path / "ups.conf").write_text("[d]\n  driver = dummy-ups\n  port = d.dev\n")
    (tmp_path / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {port}\nMAXCONN 1024\n")
    (tmp_path / "upsd.users").write_text("[admin]\n  password = pw\n")
    log = tmp_path / "run.log"

    def low_limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (48, 128))

    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [*UPSKIT, "run", "--nut-config-dir", str(tmp_path),
             "--no-monitor", "--control-socket", str(tmp_path / "ctl.sock")],
            cwd=REPO, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            preexec_fn=low_limit,
        )
    socks: list[socket.socket] = []
    try:
        wait_until(lambda: answers(port, "GET VAR d ups.status", 'VAR d ups.status "OL"'),
                   30, "the server to serve d")
        assert open_files_limit(proc.pid) == ("128", "128"), "soft limit not raised to hard"
        for _ in range(300):
            sock = socket.socket()
            sock.settimeout(5)
            sock.connect(("127.0.0.1", port))
            socks.append(sock)
        time.sleep(1.0)
        cpu_before, size_before = cpu_seconds(proc.pid), log.stat().st_size
        time.sleep(3.0)
        cpu_used = cpu_seconds(proc.pid) - cpu_before
        grown = log.stat().st_size - size_before
        text = log.read_text(errors="replace")
        assert cpu_used < 0.75, f"{cpu_used:.2f} s of CPU in 3 s while holding connections"
        assert grown < 2000, f"log grew by {grown} bytes in 3 s:\n{text[-3000:]}"
        assert log.stat().st_size < 20000, text[-3000:]
        assert "Traceback" not in text
        assert "MAXCONN 1024" in text and "descriptors" in text, text
        for sock in socks:
            sock.close()
        socks.clear()
        wait_until(lambda: answers(port, "GET VAR d ups.status", 'VAR d ups.status "OL"'),
                   15, "a fresh client to be served after the flood")
        assert proc.poll() is None
    finally:
        for sock in socks:
            sock.close()
        stop(proc)


def test_accepting_pauses_while_out_of_descriptors_and_resumes(tmp_path: Path) -> None:
    """EMFILE at accept(): one log line, no busy loop; waiting clients are served later."""
    with server_process(tmp_path, "--hog-descriptors") as (proc, port, log):
        wait_until(lambda: "holding" in log.read_text(), 10, "the descriptors to be taken")
        waiting = []
        for _ in range(40):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(b"NETVER\n")
            waiting.append(sock)
        try:
            time.sleep(1.0)
            cpu_before, size_before = cpu_seconds(proc.pid), log.stat().st_size
            time.sleep(3.0)
            cpu_used = cpu_seconds(proc.pid) - cpu_before
            grown = log.stat().st_size - size_before
            text = log.read_text(errors="replace")
            assert cpu_used < 0.75, f"{cpu_used:.2f} s of CPU in 3 s while out of descriptors"
            assert grown < 1000, f"log grew by {grown} bytes in 3 s:\n{text[-3000:]}"
            assert "Traceback" not in text
            assert "descriptors" in text.split("holding", 1)[1], text
            proc.send_signal(signal.SIGUSR1)
            for sock in waiting:
                sock.settimeout(10)
                assert sock.recv(100) == b"1.3\n"
        finally:
            for sock in waiting:
                sock.close()
        assert answers(port, "NETVER", "1.3")


# ------------------------------------------------------------ item 7: unread replies
def attack_with_unread_pipelines(pid: int, port: int, clients: int) -> tuple[int, int]:
    """Clients pipeline LIST VAR and never read until the server drops them all.

    Returns (peak RSS in KiB, clients dropped).
    """
    request = b"LIST VAR ups1\n" * 4096
    hogs = hostile_connections(port, clients)
    states: dict[int, str] = {}
    peak = rss_kb(pid)
    end = time.monotonic() + 15
    try:
        while time.monotonic() < end:
            for i, sock in enumerate(hogs):
                if states.get(i) != "reset":
                    states[i] = push(sock, request)
            peak = max(peak, rss_kb(pid))
            if list(states.values()).count("reset") == len(hogs):
                break
            time.sleep(0.1)
    finally:
        for sock in hogs:
            sock.close()
    return peak, list(states.values()).count("reset")


def test_clients_that_pipeline_and_never_read_cost_bounded_memory(tmp_path: Path) -> None:
    with server_process(tmp_path, "--vars", "60", "--stall-timeout", "2") as (proc, port, log):
        assert answers(port, "GET VAR ups1 ups.status", 'VAR ups1 ups.status "OL"')
        time.sleep(0.5)
        base = rss_kb(proc.pid)
        peak, dropped = attack_with_unread_pipelines(proc.pid, port, 30)
        assert peak - base < PIPELINE_RSS_BOUND_KB, (
            f"RSS grew by {(peak - base) / 1024:.1f} MiB under 30 non-reading clients")
        assert dropped == 30, f"only {dropped} of 30 stalled clients were dropped"
        assert answers(port, "GET VAR ups1 ups.status", 'VAR ups1 ups.status "OL"')
        # a second wave reuses what the first one left: memory does not keep growing
        again, dropped = attack_with_unread_pipelines(proc.pid, port, 30)
        assert dropped == 30
        assert again - peak < PIPELINE_RSS_BOUND_KB // 4, (
            f"RSS grew again by {(again - peak) / 1024:.1f} MiB in a second wave")
        assert answers(port, "GET VAR ups1 ups.status", 'VAR ups1 ups.status "OL"')
        assert "Traceback" not in log.read_text(errors="replace")


# ------------------------------------------------------------------- item 8: slowloris
async def test_a_line_dribbled_byte_by_byte_does_not_hold_a_connection() -> None:
    registry = DeviceRegistry()
    registry.add(make_device())
    server = await start_server(registry, idle_timeout=0.5)
    port = server.ports[0][1]
    slow = await LineClient.connect(port)
    steady = await LineClient.connect(port)

    async def dribble() -> None:
        with contextlib.suppress(OSError):
            for _ in range(80):
                slow.writer.write(b"N")
                await slow.writer.drain()
                await asyncio.sleep(0.1)

    dribbler = asyncio.create_task(dribble())
    try:
        for _ in range(8):  # complete lines keep a connection open
            assert await steady.ask("NETVER") == "1.3"
            await asyncio.sleep(0.2)
        # closed while a byte was on its way: a reset rather than a clean end
        with contextlib.suppress(ConnectionError):
            assert await slow.closed(timeout=3.0)
        assert await steady.ask("NETVER") == "1.3"
    finally:
        dribbler.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await dribbler
        await slow.close()
        await steady.close()
        await server.stop()


# -------------------------------------------------------------- item 9: half-close
async def test_a_half_closed_client_gets_a_reply_to_every_line(served: Served) -> None:
    served.recorder.delay = 0.3
    c = await LineClient.connect(served.port)
    c.writer.write(b"USERNAME admin\nPASSWORD secret\nINSTCMD ups1 load.off\n"
                   b"GET VAR ups1 battery.charge\nNETVER")  # the last line is never finished
    c.writer.write_eof()
    data = await asyncio.wait_for(c.reader.read(), 10)
    assert data == b'OK\nOK\nOK\nVAR ups1 battery.charge "100"\n'
    assert served.recorder.calls == [("instcmd", "load.off", None)]
    await c.close()


async def test_a_half_closed_client_with_a_long_pipeline_gets_every_reply(served: Served) -> None:
    c = await LineClient.connect(served.port)
    c.writer.write(b"LIST VAR ups1\n" * 300 + b"NETVER\n")
    c.writer.write_eof()
    data = await asyncio.wait_for(c.reader.read(), 20)
    lines = data.decode().splitlines()
    assert lines.count("BEGIN LIST VAR ups1") == 300
    assert lines.count("END LIST VAR ups1") == 300
    assert lines[-1] == "1.3"
    await c.close()
