"""apc_pdu against an APC rack PDU agent written from PowerNet-MIB facts (snmpsim):
detection by sysObjectID, identity, outlets, the load, outlet commands on the wire."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.drivers.snmp.pdu_support import on_agent, started, system
from tests.transport.snmp.agents import Record, Snmpsim, snmpsim
from upskit.model import CmdResult

pytestmark = pytest.mark.asyncio(loop_scope="module")

SPDU = "1.3.6.1.4.1.318.1.1.4"
RPDU = "1.3.6.1.4.1.318.1.1.12"


def ap7900(sysoid: str = "1.3.6.1.4.1.318.1.3.4.5") -> list[Record]:
    records: list[Record] = [
        *system(sysoid, "APC Web/SNMP Management Card"),
        (f"{SPDU}.1.1.0", "4", "B2"),
        (f"{SPDU}.1.2.0", "4", "v3.7.3"),
        (f"{SPDU}.1.3.0", "4", "08/13/2012"),
        (f"{SPDU}.1.4.0", "4", "AP7900"),
        (f"{SPDU}.1.5.0", "4", "5A1234E00874"),
        (f"{SPDU}.4.1.0", "2", 4),
        (f"{RPDU}.1.1.0", "4", "RackPDU"),
        (f"{RPDU}.1.15.0", "2", 230),
        (f"{RPDU}.1.16.0", "2", 412),
        (f"{RPDU}.2.3.1.1.2.1", "66", 18),
    ]
    for n in range(1, 5):
        records += [
            (f"{SPDU}.4.2.1.1.{n}", "2", n),
            (f"{SPDU}.4.2.1.3.{n}", "2:writecache", 2 if n == 3 else 1),
            (f"{SPDU}.4.2.1.4.{n}", "4:writecache", f"Server {n}"),
        ]
    return records


@pytest.fixture(scope="module")
def agent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Snmpsim]:
    with snmpsim(tmp_path_factory.mktemp("apcpdu"), {
        "ap7900": ap7900(),
        "unknownsysoid": ap7900(sysoid="1.3.6.1.4.1.318.1.3.4.99"),
    }) as sim:
        yield sim


async def test_identity_outlets_and_load(agent: Snmpsim) -> None:
    drv = await started(agent.port, "ap7900")
    assert drv.mib is not None and drv.mib.name == "apc_pdu"
    values = drv.device.snapshot()
    expected = {
        "device.type": "pdu", "device.mfr": "APC", "device.model": "AP7900",
        "device.serial": "5A1234E00874", "device.part": "AP7900", "ups.firmware": "v3.7.3",
        "input.realpower": "412", "input.current": "1.80", "input.voltage.nominal": "230",
        "outlet.count": "4", "outlet.1.id": "1", "outlet.1.desc": "Server 1",
        "outlet.1.status": "on", "outlet.3.status": "off", "outlet.4.switchable": "yes",
        "driver.version.data": "apc_pdu MIB 0.3",
    }
    assert {k: values.get(k) for k in expected} == expected
    assert "outlet.5.status" not in values
    assert {"outlet.1.load.off", "outlet.4.load.cycle"} <= set(drv.device.commands())


async def test_probing_finds_the_pdu_without_a_known_sysoid(agent: Snmpsim) -> None:
    drv = await started(agent.port, "unknownsysoid")
    assert drv.mib is not None and drv.mib.name == "apc_pdu"


async def test_outlet_commands_and_names_reach_the_agent(agent: Snmpsim) -> None:
    drv = await started(agent.port, "ap7900")
    assert await drv.instcmd("outlet.2.load.off", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{SPDU}.4.2.1.3.2") == 2
    assert await drv.instcmd("outlet.2.load.cycle", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{SPDU}.4.2.1.3.2") == 3
    assert await drv.instcmd("outlet.2.load.on", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{SPDU}.4.2.1.3.2") == 1
    assert await drv.instcmd("outlet.9.load.on", None) is CmdResult.UNKNOWN
    assert await drv.setvar("outlet.4.desc", "NAS") is CmdResult.HANDLED
    assert await on_agent(drv, f"{SPDU}.4.2.1.4.4") == "NAS"
    assert await drv.setvar("outlet.4.desc", "x" * 21) is CmdResult.INVALID
