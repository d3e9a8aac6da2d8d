"""The simulated agent answered by Debian's net-snmp tools (snmpget, snmpgetnext,
snmpwalk, snmpbulkget, snmpbulkwalk, snmpset): every PDU type, every error, v1 and
v2c, the physics seen over the wire, many communities on one port."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator

import pytest

from tests.sim.snmp.support import AgentThread
from upskit.sim.snmp.models import load

TOOLS = ("snmpget", "snmpgetnext", "snmpwalk", "snmpbulkget", "snmpbulkwalk", "snmpset")
pytestmark = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in TOOLS),
    reason="net-snmp's command-line tools (Debian package snmp) are not installed")

UPS = "1.3.6.1.2.1.33.1"


def tool(name: str, agent: AgentThread, *args: str, version: str = "2c",
         community: str = "public", timeout: float = 3) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [name, f"-v{version}", "-c", community, "-On", "-t", str(timeout), "-r", "1",
         "-M", "/nonexistent", agent.address, *args],
        capture_output=True, text=True, timeout=60, check=False)


def lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The variable lines of a tool's output (without the end-of-MIB markers)."""
    return [line for line in result.stdout.splitlines()
            if " = " in line and "No more variables" not in line]


@pytest.fixture(params=["ietf", "apcc", "pw"])
def agent(request: pytest.FixtureRequest) -> Iterator[AgentThread]:
    with AgentThread(request.param) as served:
        yield served


def test_walks_v1_v2c_and_bulk_agree(agent: AgentThread) -> None:
    v1 = tool("snmpwalk", agent, ".1.3.6", version="1")
    v2 = tool("snmpwalk", agent, ".1.3.6")
    bulk = tool("snmpbulkwalk", agent, "-Cr25", ".1.3.6")
    assert v1.returncode == v2.returncode == bulk.returncode == 0, v1.stderr + bulk.stderr
    present = [obj for obj in load(agent.unit.mib).table if obj.exists(agent.unit)]
    names = [line.split(" = ")[0] for line in lines(v2)]
    assert names == ["." + ".".join(map(str, obj.oid)) for obj in present]
    assert [line.split(" = ")[0] for line in lines(v1)] == names
    assert [line.split(" = ")[0] for line in lines(bulk)] == names


def test_get_getnext_and_missing_objects() -> None:
    with AgentThread("ietf") as agent:
        got = tool("snmpget", agent, f"{UPS}.1.2.0", "1.3.6.1.2.1.1.2.0")
        assert got.returncode == 0
        assert lines(got) == [f'.{UPS}.1.2.0 = STRING: "SIM-1628"',
                              ".1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.2.1.33"]
        nxt = tool("snmpgetnext", agent, f"{UPS}.4.1.0")
        assert lines(nxt) == [f".{UPS}.4.2.0 = INTEGER: 500"]
        v2 = tool("snmpget", agent, f"{UPS}.2.1.1", "1.3.6.1.4.1.9.0")
        assert "No Such Instance" in v2.stdout and "No Such Object" in v2.stdout
        v1 = tool("snmpget", agent, f"{UPS}.99.0", version="1")
        assert v1.returncode != 0 and "noSuchName" in v1.stderr + v1.stdout
        end = tool("snmpgetnext", agent, f"{UPS}.9.10.0")
        assert "No more variables left in this MIB View" in end.stdout and not lines(end)
        bulk = tool("snmpbulkget", agent, "-Cn1", "-Cr2", "1.3.6.1.2.1.1",
                    f"{UPS}.4.4.1.2")
        assert [line.split(" = ")[0] for line in lines(bulk)] == [
            ".1.3.6.1.2.1.1.1.0", f".{UPS}.4.4.1.2.1", f".{UPS}.4.4.1.3.1"]


def test_set_and_its_errors() -> None:
    with AgentThread("ietf") as agent:
        ok = tool("snmpset", agent, f"{UPS}.9.7.0", "i", "5")
        assert ok.returncode == 0 and lines(ok) == [f".{UPS}.9.7.0 = INTEGER: 5"]
        assert agent.unit.settings["low_batt_minutes"] == 5
        cases = [
            ((f"{UPS}.9.7.0", "s", "five"), "2c", "wrongType"),
            ((f"{UPS}.9.7.0", "s", "five"), "1", "badValue"),
            ((f"{UPS}.9.7.0", "i", "99"), "2c", "wrongValue"),
            ((f"{UPS}.9.5.0", "i", "1500"), "2c", "notWritable"),
            ((f"{UPS}.9.5.0", "i", "1500"), "1", "noSuchName"),
            ((f"{UPS}.9.99.0", "i", "1"), "2c", "noCreation"),
        ]
        for args, version, error in cases:
            result = tool("snmpset", agent, *args, version=version)
            assert result.returncode != 0 and error in result.stderr + result.stdout, \
                (args, version, result.stderr)
        assert [value for _oid, value in agent.unit.sets] == [5]


def test_wrong_community_gets_no_answer() -> None:
    with AgentThread("ietf", {"community": "s3cret"}) as agent:
        silent = tool("snmpget", agent, "1.3.6.1.2.1.1.1.0", community="public", timeout=0.3)
        assert silent.returncode != 0 and "Timeout" in silent.stderr + silent.stdout
        assert tool("snmpget", agent, "1.3.6.1.2.1.1.1.0", community="s3cret").returncode == 0


def test_power_failure_and_shutdown_over_the_wire() -> None:
    with AgentThread("ietf") as agent:
        unit = agent.unit
        unit.device.mains(False)
        status = tool("snmpget", agent, f"{UPS}.4.1.0", f"{UPS}.2.1.0")
        assert lines(status) == [f".{UPS}.4.1.0 = INTEGER: 5", f".{UPS}.2.1.0 = INTEGER: 2"]
        assert tool("snmpset", agent, f"{UPS}.8.2.0", "i", "10").returncode == 0
        unit.physics.advance(11)
        off = tool("snmpget", agent, f"{UPS}.4.1.0", f"{UPS}.4.4.1.2.1")
        assert lines(off) == [f".{UPS}.4.1.0 = INTEGER: 2", f".{UPS}.4.4.1.2.1 = INTEGER: 0"]
        unit.device.mains(True)
        assert lines(tool("snmpget", agent, f"{UPS}.4.1.0")) == [f".{UPS}.4.1.0 = INTEGER: 3"]


def test_many_communities_on_one_port() -> None:
    with AgentThread("pw", {"community": "ups", "count": "50"}) as agent:
        agent.served.units[9].device.mains(False)  # ups10
        source = "1.3.6.1.4.1.534.1.4.5.0"
        for community, expected in (("ups1", 3), ("ups10", 5), ("ups50", 3)):
            result = tool("snmpget", agent, source, community=community)
            assert lines(result) == [f".{source} = INTEGER: {expected}"], result.stderr
        assert tool("snmpget", agent, source, community="ups51", timeout=0.3).returncode != 0


def test_slow_and_silent_faults_over_udp() -> None:
    with AgentThread("ietf", {"fault": "slow", "delay": "1.5"}) as agent:
        impatient = tool("snmpget", agent, "1.3.6.1.2.1.1.2.0", timeout=0.3)
        assert impatient.returncode != 0 and "Timeout" in impatient.stderr + impatient.stdout
        patient = tool("snmpget", agent, "1.3.6.1.2.1.1.2.0", timeout=10)
        assert patient.returncode == 0 and ".1.3.6.1.2.1.33" in patient.stdout
        agent.unit.device.fault("silence")
        assert tool("snmpget", agent, "1.3.6.1.2.1.1.2.0", timeout=0.3).returncode != 0
        agent.unit.device.fault(None)
        assert tool("snmpget", agent, "1.3.6.1.2.1.1.2.0").returncode == 0
