"""eaton_ats16_nm2 and eaton_ats16_nmc against EATON-ATS2-MIB agents (snmpsim): the two
cards told apart by sysObjectID, sources, output status, settings on the wire; and
eaton_ats30's status from its failure bitmap."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.drivers.snmp.pdu_support import on_agent, started, system
from tests.transport.snmp.agents import Record, Snmpsim, snmpsim
from upskit.model import CmdResult

pytestmark = pytest.mark.asyncio(loop_scope="module")

ATS2 = "1.3.6.1.4.1.534.10.2"


def ats16(sysoid: str, mode: int = 4, output: int = 2) -> list[Record]:
    return [
        *system(sysoid, "Eaton ATS"),
        (f"{ATS2}.1.1.0", "4", "EATON"),
        (f"{ATS2}.1.2.0", "4", "Eaton ATS 16"),
        (f"{ATS2}.1.3.0", "4", "00.00.0009"),
        (f"{ATS2}.1.4.0", "4", "JF"),
        (f"{ATS2}.1.5.0", "4", "GA04F23009"),
        (f"{ATS2}.1.6.0", "4", "EATS16N"),
        (f"{ATS2}.1.7.0", "4", "1.7.5"),
        (f"{ATS2}.2.1.1.0", "2", 2),
        (f"{ATS2}.2.2.1.1.1", "2", 1),
        (f"{ATS2}.2.2.1.1.2", "2", 2),
        (f"{ATS2}.2.2.1.2.1", "2", 2292),
        (f"{ATS2}.2.2.1.2.2", "2", 2432),
        (f"{ATS2}.2.2.1.3.1", "2", 500),
        (f"{ATS2}.2.2.1.3.2", "2", 499),
        (f"{ATS2}.2.3.1.0", "2", 2304),
        (f"{ATS2}.2.3.2.0", "2", 5),
        (f"{ATS2}.2.4.0", "2", mode),
        (f"{ATS2}.3.2.1.2.1", "2", 1),
        (f"{ATS2}.3.2.1.5.2", "2", 3),
        (f"{ATS2}.3.3.2.0", "2", output),
        (f"{ATS2}.4.5.0", "2:writecache", 1),
        (f"{ATS2}.4.6.0", "2:writecache", 1),
        (f"{ATS2}.4.8.0", "2", 6),
        (f"{ATS2}.5.4.1.3.1", "2", 2),
    ]


ATS30 = "1.3.6.1.4.1.534.10.1"


def ats30(failures: int) -> list[Record]:
    return [
        *system(ATS30, "Eaton ATS30"),
        (f"{ATS30}.1.1.0", "4", "Eaton"),
        (f"{ATS30}.2.1.0", "4", "STS30002SR10019 "),
        (f"{ATS30}.2.4.0", "4", "JA00E52021          "),
        (f"{ATS30}.3.1.1.2.1", "2", 2379),
        (f"{ATS30}.3.1.1.2.2", "2", 0),
        (f"{ATS30}.3.2.1.0", "2", 2375),
        (f"{ATS30}.3.3.0", "2", 25),
        (f"{ATS30}.3.7.0", "2", 4),
        (f"{ATS30}.4.5.0", "2", failures),
    ]


@pytest.fixture(scope="module")
def agent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Snmpsim]:
    with snmpsim(tmp_path_factory.mktemp("ats16"), {
        "nm2": ats16(ATS2), "nmc": ats16("1.3.6.1.4.1.705.1", mode=7, output=1),
        "ats30ok": ats30(0), "ats30over": ats30(4 | 8), "ats30off": ats30(2 | 4 | 1),
    }) as sim:
        yield sim


async def test_network_m2(agent: Snmpsim) -> None:
    drv = await started(agent.port, "nm2")
    assert drv.mib is not None and drv.mib.name == "eaton_ats16_nm2"
    values = drv.device.snapshot()
    expected = {
        "device.type": "ats", "device.mfr": "EATON", "device.model": "Eaton ATS 16",
        "device.serial": "GA04F23009", "device.part": "EATS16N", "ups.firmware.aux": "1.7.5",
        "input.1.voltage": "229.20", "input.2.voltage": "243.20", "input.2.frequency": "49.90",
        "input.1.frequency.status": "good", "input.2.voltage.status": "out-of-range",
        "input.source": "1", "input.source.preferred": "1", "input.sensitivity": "normal",
        "output.voltage": "230.40", "output.current": "0.50", "ups.status": "OL",
        "ups.test.result": "no test initiated", "input.phase.shift": "2",
    }
    assert {k: values.get(k) for k in expected} == expected
    assert await drv.setvar("input.sensitivity", "low") is CmdResult.HANDLED
    assert await on_agent(drv, f"{ATS2}.4.6.0") == 3
    assert await drv.setvar("input.source.preferred", "2") is CmdResult.HANDLED
    assert await on_agent(drv, f"{ATS2}.4.5.0") == 2


async def test_legacy_nmc(agent: Snmpsim) -> None:
    drv = await started(agent.port, "nmc")
    assert drv.mib is not None and drv.mib.name == "eaton_ats16_nmc"
    values = drv.device.snapshot()
    expected = {"ups.firmware.aux": "JF", "input.source": "fault", "ups.status": "OFF",
                "ambient.contacts.1.status": "closed"}
    assert {k: values.get(k) for k in expected} == expected


@pytest.mark.parametrize(("community", "status"), [
    ("ats30ok", "OL"), ("ats30over", "OL OVER"), ("ats30off", "OFF OVER")])
async def test_ats30_status_from_the_failure_bits(agent: Snmpsim, community: str,
                                                   status: str) -> None:
    drv = await started(agent.port, community)
    assert drv.mib is not None and drv.mib.name == "eaton_ats30"
    assert drv.device.get("ups.status") == status
    expected = {"device.model": "STS30002SR10019", "device.serial": "JA00E52021",
                "input.1.voltage": "237.90", "input.2.voltage": "0", "input.source": "1",
                "output.voltage": "237.50", "ups.temperature": "25"}
    values = drv.device.snapshot()
    assert {k: values.get(k) for k in expected} == expected
