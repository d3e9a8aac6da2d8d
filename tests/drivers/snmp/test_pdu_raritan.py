"""raritan against a Raritan PDU-MIB agent written from the MIB's facts (snmpsim)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.drivers.snmp.pdu_support import on_agent, started, system
from tests.transport.snmp.agents import Record, Snmpsim, snmpsim
from upskit.model import CmdResult

pytestmark = pytest.mark.asyncio(loop_scope="module")

RARITAN = "1.3.6.1.4.1.13742"
OUTLET = f"{RARITAN}.1.2.2.1"

PX: list[Record] = [
    *system(RARITAN, "Raritan Dominion PX"),
    (f"{RARITAN}.1.1.1.0", "4", "01.05.10"),
    (f"{RARITAN}.1.1.2.0", "4", "AFC8700079"),
    (f"{RARITAN}.1.1.12.0", "4", "DPXS12-20"),
    (f"{RARITAN}.1.1.13.0", "4", "rack-b3"),
    (f"{RARITAN}.1.2.1.0", "2", 2),
    (f"{RARITAN}.1.3.1.1.0", "2", 3210),
    (f"{RARITAN}.1.3.1.2.0", "2", 229500),
    (f"{RARITAN}.1.3.1.3.0", "2", 690),
    *((f"{OUTLET}.1.{n}", "2", n) for n in (1, 2)),
    (f"{OUTLET}.2.1", "4:writecache", "web"),
    (f"{OUTLET}.2.2", "4:writecache", "db"),
    (f"{OUTLET}.3.1", "2:writecache", 1),
    (f"{OUTLET}.3.2", "2:writecache", 0),
    (f"{OUTLET}.4.1", "2", 1500),
    (f"{OUTLET}.4.2", "2", 0),
    (f"{OUTLET}.6.1", "2", 229500),
    (f"{OUTLET}.7.1", "2", 330),
    (f"{OUTLET}.9.1", "2", 96),
]


@pytest.fixture(scope="module")
def agent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Snmpsim]:
    with snmpsim(tmp_path_factory.mktemp("raritan"), {"px": PX}) as sim:
        yield sim


async def test_outlets_readings_and_commands(agent: Snmpsim) -> None:
    drv = await started(agent.port, "px")
    assert drv.mib is not None and drv.mib.name == "raritan"
    values = drv.device.snapshot()
    expected = {
        "device.mfr": "Raritan", "device.model": "DPXS12-20", "device.serial": "AFC8700079",
        "ups.id": "rack-b3", "ups.firmware": "01.05.10", "outlet.count": "2",
        "outlet.current": "3.21", "outlet.voltage": "229.50", "outlet.realpower": "690",
        "outlet.1.desc": "web", "outlet.1.status": "on", "outlet.2.status": "off",
        "outlet.1.current": "1.50", "outlet.1.voltage": "229.50", "outlet.1.realpower": "330",
        "outlet.1.powerfactor": "0.96", "outlet.2.switchable": "yes", "outlet.1.id": "1",
    }
    assert {k: values.get(k) for k in expected} == expected
    assert await drv.instcmd("outlet.2.load.on", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{OUTLET}.3.2") == 1
    assert await drv.instcmd("outlet.1.load.cycle", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{OUTLET}.3.1") == 2
    assert await drv.instcmd("outlet.1.load.off", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{OUTLET}.3.1") == 0
    await drv.poll()
    assert drv.device.get("outlet.1.status") == "off"
