"""``upskit scan --snmp``: named agents only, the MIB snmp-ups would pick, a ready
section; silent agents and wrong communities are left out."""

from __future__ import annotations

import asyncio

import pytest

from tests.support import UPSKIT
from upskit.cli.scan_snmp import BadSnmpTarget, expand, scan_hosts
from upskit.sim.snmp.serve import start_agent


def test_targets_are_only_what_the_user_names() -> None:
    assert expand("ups.example") == [("ups.example", 161)]
    assert expand("10.1.2.3:1161") == [("10.1.2.3", 1161)]
    assert expand("[::1]:1161") == [("::1", 1161)]
    assert expand("127.0.0.0/30") == [("127.0.0.1", 161), ("127.0.0.2", 161)]
    assert len(expand("192.168.7.0/24:162")) == 254
    with pytest.raises(BadSnmpTarget, match="at most 256"):
        expand("10.0.0.0/23")
    with pytest.raises(BadSnmpTarget, match="bad UDP port"):
        expand("host:0")


async def test_agents_are_named_by_their_mib() -> None:
    apc = await start_agent("apcc", {"community": "lab"})
    rfc = await start_agent("ietf", {"community": "lab"})
    other = await start_agent("ietf", {"community": "elsewhere"})
    try:
        found = await scan_hosts([f"127.0.0.1:{apc.port}", f"127.0.0.1:{rfc.port}",
                                  f"127.0.0.1:{other.port}"], "lab", "v2c", 0.3)
    finally:
        for agent in (apc, rfc, other):
            agent.close()
    by_port = {item.where: item for item in found}
    assert set(by_port) == {f"127.0.0.1:{apc.port}", f"127.0.0.1:{rfc.port}"}
    assert by_port[f"127.0.0.1:{apc.port}"].options == {
        "mibs": "apcc", "community": "lab", "snmp_version": "v2c"}
    assert by_port[f"127.0.0.1:{rfc.port}"].options["mibs"] == "ietf"
    assert by_port[f"127.0.0.1:{apc.port}"].model


async def test_the_command_prints_a_configuration() -> None:
    agent = await start_agent("pw", {"community": "rack"})
    try:
        proc = await asyncio.create_subprocess_exec(
            *UPSKIT, "scan", "--no-usb", "--no-serial", "--snmp",
            f"127.0.0.1:{agent.port}", "--community", "rack",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        out, _ = await asyncio.wait_for(proc.communicate(), 60)
    finally:
        agent.close()
    text = out.decode()
    assert proc.returncode == 0, text
    assert f"SNMP agent 127.0.0.1:{agent.port}: snmp-ups, mibs pw" in text
    assert "driver = snmp-ups" in text and "mibs = pw" in text
    assert "community = rack" in text
