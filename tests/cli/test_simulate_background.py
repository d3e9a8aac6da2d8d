"""``upskit simulate --pty`` keeps serving after standard input ends, until a signal.

Run in the background, under nohup or from a script, its standard input is at end of
file from the start; the simulator must go on serving the pty (and the control socket)
until SIGTERM or SIGINT, then stop cleanly.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.support import UPSKIT


def _ask_pty(path: str, command: bytes, timeout: float = 10.0) -> bytes:
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    try:
        os.write(fd, command)
        reply = b""
        deadline = time.monotonic() + timeout
        while not reply.endswith(b"\r") and time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                reply += os.read(fd, 256)
        return reply
    finally:
        os.close(fd)


def _ask_control(path: Path, line: str) -> str:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(10)
        conn.connect(str(path))
        conn.sendall(line.encode() + b"\n")
        answer = b""
        while not answer.endswith(b"\n"):
            chunk = conn.recv(256)
            if not chunk:
                break
            answer += chunk
    return answer.decode().strip()


@pytest.mark.parametrize("with_control", [False, True], ids=["pty", "pty+control"])
@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_simulator_outlives_stdin_and_stops_on_signal(
        tmp_path: Path, with_control: bool, stop_signal: signal.Signals) -> None:
    sock = tmp_path / "control.sock"
    argv = [*UPSKIT, "simulate", "megatec", "--pty", "--baud", "0"]
    if with_control:
        argv += ["--control", str(sock)]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        path = proc.stdout.readline().strip()
        assert path.startswith("/dev/"), path
        time.sleep(2.0)  # standard input has been at end of file all along
        assert proc.poll() is None, "the simulator stopped when standard input ended"
        assert _ask_pty(path, b"Q1\r").startswith(b"(")
        if with_control:
            assert _ask_control(sock, "mains off") == "ok"
            assert "mains=off" in _ask_control(sock, "status")
        proc.send_signal(stop_signal)
        _out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    if with_control:
        assert not sock.exists(), "the control socket was left behind"
