"""eaton_epdu against Eaton ePDU agents written from EATON-EPDU-MIB facts (snmpsim): one
unit, and a daisy chain of two published as NUT's device.N.* with commands per unit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.drivers.snmp.pdu_support import on_agent, started, system
from tests.transport.snmp.agents import Record, Snmpsim, snmpsim
from upskit.model import CmdResult

pytestmark = pytest.mark.asyncio(loop_scope="module")

BASE = "1.3.6.1.4.1.534.6.6.7"


def unit(u: int, model: str, outlets: int, groups: int) -> list[Record]:
    """The objects of unit ``u`` of a chain."""
    records: list[Record] = [
        (f"{BASE}.1.2.1.2.{u}", "4", model),
        (f"{BASE}.1.2.1.3.{u}", "4", f"PART-{u}"),
        (f"{BASE}.1.2.1.4.{u}", "4", f"SN00{u}"),
        (f"{BASE}.1.2.1.5.{u}", "4", "02.00.0051"),
        (f"{BASE}.1.2.1.21.{u}", "2", groups),
        (f"{BASE}.1.2.1.22.{u}", "2", outlets),
        (f"{BASE}.3.1.1.2.{u}.1", "2", 1),
        (f"{BASE}.3.1.1.3.{u}.1", "2", 500),
        (f"{BASE}.3.2.1.3.{u}.1.1", "2", 230120 + u),
        (f"{BASE}.3.3.1.4.{u}.1.1", "2", 4210 + u),
        (f"{BASE}.3.5.1.4.{u}.1", "2", 950 + u),
    ]
    for n in range(1, outlets + 1):
        records += [
            (f"{BASE}.6.1.1.3.{u}.{n}", "4:writecache", f"U{u} outlet {n}"),
            (f"{BASE}.6.1.1.2.{u}.{n}", "4", f"A{n}"),
            (f"{BASE}.6.4.1.3.{u}.{n}", "2", 100 * n + u),
            (f"{BASE}.6.6.1.2.{u}.{n}", "2", 0 if n == 2 else 1),
            (f"{BASE}.6.6.1.3.{u}.{n}", "2:writecache", -1),
            (f"{BASE}.6.6.1.4.{u}.{n}", "2:writecache", -1),
            (f"{BASE}.6.6.1.5.{u}.{n}", "2:writecache", -1),
            (f"{BASE}.6.6.1.9.{u}.{n}", "2", 1),
        ]
    for g in range(1, groups + 1):
        records += [
            (f"{BASE}.5.1.1.2.{u}.{g}", "4", chr(64 + g)),
            (f"{BASE}.5.1.1.3.{u}.{g}", "4", f"Group {g}"),
            (f"{BASE}.5.1.1.4.{u}.{g}", "2", 4),
            (f"{BASE}.5.4.1.3.{u}.{g}", "2", 2500),
            (f"{BASE}.5.6.1.2.{u}.{g}", "2", 1),
            (f"{BASE}.5.6.1.3.{u}.{g}", "2:writecache", -1),
        ]
    return records


SINGLE: list[Record] = [*system(BASE, "Eaton ePDU"), (f"{BASE}.1.1.0", "2", 1),
                        *unit(0, "EMAB04", 3, 1)]
CHAIN: list[Record] = [*system(BASE, "Eaton ePDU"), (f"{BASE}.1.1.0", "2", 2),
                       *unit(0, "EMAB04", 3, 1), *unit(1, "EMAB10", 2, 2)]


@pytest.fixture(scope="module")
def agent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Snmpsim]:
    with snmpsim(tmp_path_factory.mktemp("epdu"), {"single": SINGLE, "chain": CHAIN}) as sim:
        yield sim


async def test_one_unit_publishes_plain_names(agent: Snmpsim) -> None:
    drv = await started(agent.port, "single")
    assert drv.mib is not None and drv.mib.name == "eaton_epdu"
    values = drv.device.snapshot()
    expected = {
        "device.count": "1", "device.type": "pdu", "device.mfr": "EATON",
        "device.model": "EMAB04", "device.serial": "SN000", "device.part": "PART-0",
        "input.phases": "1", "input.frequency": "50", "input.voltage": "230.12",
        "input.current": "4.21", "input.realpower": "950", "outlet.count": "3",
        "outlet.1.desc": "U0 outlet 1", "outlet.1.name": "A1", "outlet.2.status": "off",
        "outlet.3.status": "on", "outlet.3.current": "0.30", "outlet.1.switchable": "yes",
        "outlet.group.count": "1", "outlet.group.1.id": "A", "outlet.group.1.name": None,
        "outlet.group.1.desc": "Group 1", "outlet.group.1.type": "outlet-section",
        "outlet.group.1.current": "2.50", "outlet.group.1.status": "on",
    }
    assert {k: values.get(k) for k in expected} == expected
    assert not any(k.startswith("device.1.") for k in values)


async def test_a_chain_of_two_publishes_device_n(agent: Snmpsim) -> None:
    drv = await started(agent.port, "chain")
    values = drv.device.snapshot()
    expected = {
        "device.count": "2", "device.model": "EMAB04", "outlet.count": "3",
        "device.1.model": "EMAB04", "device.2.model": "EMAB10",
        "device.1.serial": "SN000", "device.2.serial": "SN001",
        "device.2.outlet.count": "2", "device.2.outlet.1.desc": "U1 outlet 1",
        "device.2.outlet.2.status": "off", "device.2.outlet.1.current": "0.10",
        "device.1.outlet.3.current": "0.30", "device.2.input.voltage": "230.12",
        "device.2.outlet.group.2.desc": "Group 2", "device.1.input.realpower": "950",
        "device.2.input.realpower": "951",
    }
    assert {k: values.get(k) for k in expected} == expected
    # the second unit has two outlets only: no third
    assert "device.2.outlet.3.status" not in values
    commands = set(drv.device.commands())
    assert {"outlet.1.load.off", "device.2.outlet.2.load.on",
            "device.1.outlet.3.load.cycle", "device.2.outlet.group.2.load.off"} <= commands
    assert "device.2.outlet.3.load.off" not in commands


async def test_commands_address_the_right_unit(agent: Snmpsim) -> None:
    drv = await started(agent.port, "chain")
    assert await drv.instcmd("device.2.outlet.2.load.off", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{BASE}.6.6.1.3.1.2") == 0
    assert await on_agent(drv, f"{BASE}.6.6.1.3.0.2") == -1
    assert await drv.instcmd("outlet.1.load.cycle", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{BASE}.6.6.1.5.0.1") == 0
    assert await drv.instcmd("device.2.outlet.group.1.load.off", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{BASE}.5.6.1.3.1.1") == 0
    assert await drv.setvar("device.2.outlet.1.desc", "db") is CmdResult.HANDLED
    assert await on_agent(drv, f"{BASE}.6.1.1.3.1.1") == "db"
