"""``upskit simulate snmp <mib>``: prints host:port, the community and a ups.conf
section, serves in the foreground, takes control lines, stops on a signal."""

from __future__ import annotations

import shutil
import signal
import subprocess

import pytest

from tests.support import UPSKIT

SNMPGET = shutil.which("snmpget")


def _start(*extra: str) -> tuple[subprocess.Popen[str], list[str]]:
    proc = subprocess.Popen([*UPSKIT, "simulate", "snmp", *extra], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    head = [proc.stdout.readline().strip() for _ in range(8)]
    return proc, head


def _stop(proc: subprocess.Popen[str], sig: signal.Signals = signal.SIGTERM) -> int:
    proc.send_signal(sig)
    try:
        return proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.mark.skipif(SNMPGET is None, reason="net-snmp's snmpget is not installed")
def test_simulate_snmp_serves_prints_conf_and_takes_control_lines() -> None:
    proc, head = _start("ietf", "--community", "lab")
    try:
        address = head[0]
        assert address.startswith("127.0.0.1:") and head[1] == "community lab"
        assert head[2:] == ["# ups.conf", "[snmp-ietf]", "driver = snmp-ups",
                            f"port = {address}", "community = lab", "mibs = ietf"]
        source = "1.3.6.1.2.1.33.1.4.1.0"

        def read() -> str:
            assert SNMPGET is not None
            result = subprocess.run([SNMPGET, "-v1", "-c", "lab", "-On", "-Oqv", "-t", "3",
                                     address, source], capture_output=True, text=True,
                                    timeout=30, check=False)
            return result.stdout.strip()

        assert read() == "3"
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write("mains off\n")
        proc.stdin.flush()
        assert proc.stdout.readline().strip() == "ok"
        assert read() == "5"
    finally:
        assert _stop(proc) == 0


def test_simulate_snmp_many_communities_and_sigint() -> None:
    proc, head = _start("pw", "--count", "20", "--community", "ups")
    try:
        assert head[1] == "communities ups1 .. ups20" and "mibs = pw" in head
    finally:
        assert _stop(proc, signal.SIGINT) == 0


@pytest.mark.parametrize(("argv", "message"), [
    ([], "name the MIB"), (["nope"], "known: apcc, ietf, pw"),
    (["ietf", "--count", "0"], "count must be"),
])
def test_simulate_snmp_bad_arguments(argv: list[str], message: str) -> None:
    result = subprocess.run([*UPSKIT, "simulate", "snmp", *argv], capture_output=True,
                            text=True, timeout=60, check=False, stdin=subprocess.DEVNULL)
    assert result.returncode == 2 and message in result.stderr
    assert "Traceback" not in result.stderr


def test_simulate_snmp_port_in_use_is_a_clear_error() -> None:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        result = subprocess.run([*UPSKIT, "simulate", "snmp", "ietf", "--port", str(port)],
                                capture_output=True, text=True, timeout=60, check=False,
                                stdin=subprocess.DEVNULL)
    assert result.returncode == 2 and f"cannot listen on 127.0.0.1:{port}" in result.stderr
