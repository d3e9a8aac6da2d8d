"""``upskit run`` with an snmp-ups section reading an RFC 1628 agent served by snmpsim,
and Debian's ``upsc``/``upscmd`` talking to it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.drivers.snmp.test_driver import UPS, rfc1628
from tests.nutreal import UPSC, UPSCMD
from tests.support import UPSKIT, free_port, stop, wait_until
from tests.transport.snmp.agents import snmpsim


def upsc(target: str) -> dict[str, str]:
    assert UPSC is not None
    res = subprocess.run([UPSC, target], capture_output=True, text=True, timeout=10)
    pairs = (line.split(": ", 1) for line in res.stdout.splitlines() if ": " in line)
    return dict(pairs) if res.returncode == 0 else {}


@pytest.mark.skipif(None in (UPSC, UPSCMD), reason="Debian's NUT clients missing")
def test_upskit_run_serves_an_snmp_ups_to_upsc(tmp_path: Path) -> None:
    with snmpsim(tmp_path / "sim", {"ietfcard": rfc1628()}) as sim:
        port = free_port()
        target = f"card@127.0.0.1:{port}"
        (tmp_path / "ups.conf").write_text(
            f"[card]\n  driver = snmp-ups\n  port = 127.0.0.1:{sim.port}\n"
            "  community = ietfcard\n  snmp_version = v2c\n  pollfreq = 5\n")
        (tmp_path / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {port}\n")
        (tmp_path / "upsd.users").write_text(
            "[admin]\n  password = pw\n  actions = SET\n  instcmds = ALL\n")
        run = subprocess.Popen([*UPSKIT, "run", "--nut-config-dir", str(tmp_path)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            wait_until(lambda: upsc(target).get("ups.status") == "OL", 30, "the UPS on line")
            listing = upsc(target)
            assert listing["driver.name"] == "snmp-ups"
            assert listing["driver.version.data"] == "ietf MIB 1.0"
            assert listing["ups.mfr"] == "ACME"
            assert listing["battery.charge"] == "87"
            assert listing["input.voltage"] == "229"
            assert listing["driver.parameter.port"] == f"127.0.0.1:{sim.port}"
            assert "driver.parameter.community" not in listing  # a secret
            assert UPSCMD is not None
            ran = subprocess.run([UPSCMD, "-u", "admin", "-p", "pw", target,
                                  "test.battery.start.quick"],
                                 capture_output=True, text=True, timeout=20)
            assert "OK" in ran.stdout + ran.stderr, ran
            got = subprocess.run(["snmpget", "-v2c", "-c", "ietfcard", "-On",
                                  f"127.0.0.1:{sim.port}", f"{UPS}.7.1.0"],
                                 capture_output=True, text=True, timeout=10)
            if got.returncode == 0:  # net-snmp's tools are optional here
                assert got.stdout.strip().endswith(f".{UPS}.7.7.4"), got.stdout
        finally:
            stop(run)
