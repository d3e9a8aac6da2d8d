"""raritan-px2, hpe_epdu (a daisy chain of two), emerson_avocent_pdu and baytech against
agents written from their MIBs' facts (snmpsim): detection, outlets, commands."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import pytest

from tests.drivers.snmp.pdu_support import on_agent, started, system
from tests.transport.snmp.agents import Record, Snmpsim, snmpsim
from upskit.model import CmdResult

pytestmark = pytest.mark.asyncio(loop_scope="module")

PX2 = "1.3.6.1.4.1.13742.6"
HPE = "1.3.6.1.4.1.232.165.7"
AVOCENT = "1.3.6.1.4.1.10418.17"
BAYTECH = "1.3.6.1.4.1.4779"

PX2_AGENT: list[Record] = [
    *system(PX2, "Raritan PX2"),
    (f"{PX2}.3.2.1.1.2.1", "4", "Raritan"),
    (f"{PX2}.3.2.1.1.3.1", "4", "PX2-5475"),
    (f"{PX2}.3.2.1.1.4.1", "4", "QFC3950619"),
    (f"{PX2}.3.2.2.1.4.1", "2", 2),
    (f"{PX2}.3.2.2.1.13.1", "4", "my PX"),
    (f"{PX2}.5.2.3.1.4.1.1.1", "66", 52),
    (f"{PX2}.5.2.3.1.4.1.1.4", "66", 119),
    (f"{PX2}.5.2.3.1.4.1.1.5", "66", 580),
    *((f"{PX2}.3.5.3.1.2.1.{n}", "4", str(n)) for n in (1, 2)),
    *((f"{PX2}.3.5.3.1.3.1.{n}", "4:writecache", f"srv{n}") for n in (1, 2)),
    *((f"{PX2}.3.5.3.1.28.1.{n}", "2", 1) for n in (1, 2)),
    (f"{PX2}.4.1.2.1.3.1.1", "2", 7),
    (f"{PX2}.4.1.2.1.3.1.2", "2", 8),
    *((f"{PX2}.4.1.2.1.2.1.{n}", "2:writecache", 1) for n in (1, 2)),
    (f"{PX2}.5.4.3.1.4.1.1.1", "66", 25),
    (f"{PX2}.5.4.3.1.4.1.1.5", "66", 290),
]


def hpe_unit(u: int, outlets: int) -> list[Record]:
    records: list[Record] = [
        (f"{HPE}.1.2.1.3.{u}", "4", f"HP maPDU {u}"),
        (f"{HPE}.1.2.1.7.{u}", "4", f"CN9423010{u}"),
        (f"{HPE}.1.2.1.11.{u}", "2", 0),
        (f"{HPE}.1.2.1.12.{u}", "2", outlets),
        (f"{HPE}.2.1.1.1.{u}", "2", 1),
        (f"{HPE}.2.2.1.3.{u}.1", "2", 216790),
    ]
    for n in range(1, outlets + 1):
        records += [
            (f"{HPE}.5.1.1.2.{u}.{n}", "4", f"Outlet L1-{n}"),
            (f"{HPE}.5.1.1.5.{u}.{n}", "2", 1000 * n),
            (f"{HPE}.5.2.1.1.{u}.{n}", "2", 2),
            (f"{HPE}.5.2.1.2.{u}.{n}", "2:writecache", -1),
            (f"{HPE}.5.2.1.3.{u}.{n}", "2:writecache", -1),
            (f"{HPE}.5.2.1.4.{u}.{n}", "2:writecache", -1),
            (f"{HPE}.5.2.1.8.{u}.{n}", "2", 1),
        ]
    return records


HPE_AGENT: list[Record] = [*system(HPE, "HPE ePDU"), (f"{HPE}.1.1.0", "2", 2),
                           *hpe_unit(0, 2), *hpe_unit(1, 3)]

AVOCENT_AGENT: list[Record] = [
    *system(f"{AVOCENT}.1.7", "Avocent PM"),
    (f"{AVOCENT}.2.1.1.0", "4", "pm-rack1"),
    (f"{AVOCENT}.2.1.2.0", "4", "PM3000"),
    (f"{AVOCENT}.2.1.4.0", "4", "0123456789"),
    (f"{AVOCENT}.2.5.2.1.4.1", "2", 1),
    (f"{AVOCENT}.2.5.3.1.5.1.1", "4", "PM3000/10/30A"),
    (f"{AVOCENT}.2.5.3.1.8.1.1", "2", 2),
    *((f"{AVOCENT}.2.5.5.1.3.1.1.{n}", "2", n) for n in (1, 2)),
    *((f"{AVOCENT}.2.5.5.1.4.1.1.{n}", "4", f"out{n}") for n in (1, 2)),
    (f"{AVOCENT}.2.5.5.1.5.1.1.1", "2", 2),
    (f"{AVOCENT}.2.5.5.1.5.1.1.2", "2", 1),
    *((f"{AVOCENT}.2.5.5.1.6.1.1.{n}", "2:writecache", 1) for n in (1, 2)),
    (f"{AVOCENT}.2.5.5.1.50.1.1.1", "2", 12),
]

BAYTECH_AGENT: list[Record] = [
    *system("1.3.6.1.4.1.8072.3.2.10", "BayTech RPC3"),
    (f"{BAYTECH}.1.1.1.0", "4", "F4.12"),
    (f"{BAYTECH}.1.1.2.0", "4", "BT123"),
    (f"{BAYTECH}.1.3.5.2.1.15.1", "2", 2),
    (f"{BAYTECH}.1.3.5.2.1.24.1", "4", "RPC3-NC"),
    (f"{BAYTECH}.1.3.5.5.1.6.2.1", "2", 31),
    *((f"{BAYTECH}.1.3.5.3.1.1.1.{n}", "2", n) for n in (1, 2)),
    (f"{BAYTECH}.1.3.5.3.1.3.1.1", "2:writecache", 1),
    (f"{BAYTECH}.1.3.5.3.1.3.1.2", "2:writecache", 0),
    *((f"{BAYTECH}.1.3.5.3.1.4.1.{n}", "4", f"port {n}") for n in (1, 2)),
]


@pytest.fixture(scope="module")
def agent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Snmpsim]:
    with snmpsim(tmp_path_factory.mktemp("pdus"), {
        "px2": PX2_AGENT, "hpe": HPE_AGENT, "avocent": AVOCENT_AGENT, "baytech": BAYTECH_AGENT,
    }) as sim:
        yield sim


def subset(values: Mapping[str, str], expected: dict[str, str | None]) -> dict[str, str | None]:
    return {k: values.get(k) for k in expected}


async def test_raritan_px2(agent: Snmpsim) -> None:
    drv = await started(agent.port, "px2")
    assert drv.mib is not None and drv.mib.name == "raritan-px2"
    expected: dict[str, str | None] = {
        "device.mfr": "Raritan", "device.model": "PX2-5475", "ups.id": "my PX",
        "input.current": "5.20", "input.voltage": "119", "input.realpower": "580",
        "outlet.count": "2", "outlet.1.status": "on", "outlet.2.status": "off",
        "outlet.1.desc": "srv1", "outlet.1.switchable": "yes", "outlet.1.current": "2.50",
        "outlet.1.realpower": "290"}
    assert subset(drv.device.snapshot(), expected) == expected
    assert await drv.instcmd("outlet.2.load.off", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{PX2}.4.1.2.1.2.1.2") == 0
    assert await drv.instcmd("outlet.1.load.cycle", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{PX2}.4.1.2.1.2.1.1") == 2


async def test_hpe_epdu_chain_of_two(agent: Snmpsim) -> None:
    drv = await started(agent.port, "hpe")
    assert drv.mib is not None and drv.mib.name == "hpe_epdu"
    expected: dict[str, str | None] = {
        "device.count": "2", "device.model": "HP maPDU 0", "device.mfr": "HPE",
        "input.voltage": "216.79", "outlet.count": "2", "outlet.2.current": "2",
        "outlet.1.status": "on", "device.1.model": "HP maPDU 0",
        "device.2.model": "HP maPDU 1", "device.2.outlet.count": "3",
        "device.2.outlet.3.desc": "Outlet L1-3", "device.2.outlet.3.current": "3",
        "outlet.3.desc": None}
    assert subset(drv.device.snapshot(), expected) == expected
    assert await drv.instcmd("device.2.outlet.3.load.cycle", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{HPE}.5.2.1.4.1.3") == 0
    assert await drv.instcmd("outlet.1.load.off", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{HPE}.5.2.1.2.0.1") == 0


async def test_emerson_avocent_pdu(agent: Snmpsim) -> None:
    drv = await started(agent.port, "avocent")
    assert drv.mib is not None and drv.mib.name == "emerson_avocent_pdu"
    expected: dict[str, str | None] = {
        "device.model": "PM3000/10/30A", "ups.model": "PM3000", "ups.id": "pm-rack1",
        "outlet.count": "2", "outlet.1.status": "on", "outlet.2.status": "off",
        "outlet.2.desc": "out2", "outlet.1.current": "1.20", "device.count": "1"}
    assert subset(drv.device.snapshot(), expected) == expected
    assert await drv.instcmd("outlet.2.load.on", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{AVOCENT}.2.5.5.1.6.1.1.2") == 2
    assert await drv.instcmd("outlet.1.load.off", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{AVOCENT}.2.5.5.1.6.1.1.1") == 3


async def test_baytech_found_by_its_model_probe(agent: Snmpsim) -> None:
    drv = await started(agent.port, "baytech")
    assert drv.mib is not None and drv.mib.name == "baytech"
    expected: dict[str, str | None] = {
        "device.mfr": "BayTech", "device.model": "RPC3-NC", "ups.serial": "BT123",
        "outlet.count": "2", "outlet.current": "3.10", "outlet.1.status": "on",
        "outlet.2.status": "off", "outlet.2.desc": "port 2", "outlet.1.switchable": "yes"}
    assert subset(drv.device.snapshot(), expected) == expected
    assert await drv.instcmd("outlet.1.load.off", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{BAYTECH}.1.3.5.3.1.3.1.1") == 0
