"""apc_ats against an APC ATS agent written from PowerNet-MIB facts (snmpsim): the
selected source, both inputs, output banks as outlet groups, OL / OFF, a setting."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.drivers.snmp.pdu_support import on_agent, started, system
from tests.transport.snmp.agents import Record, Snmpsim, snmpsim
from upskit.model import CmdResult

pytestmark = pytest.mark.asyncio(loop_scope="module")

ATS = "1.3.6.1.4.1.318.1.1.8"


def ap4423(out_status: int = 2, bank_state: int = 1) -> list[Record]:
    return [
        *system("1.3.6.1.4.1.318.1.3.11", "APC Rack ATS"),
        (f"{ATS}.1.1.0", "4", "R01"),
        (f"{ATS}.1.2.0", "4", "3.0.5"),
        (f"{ATS}.1.4.0", "4", "04/18/2015"),
        (f"{ATS}.1.5.0", "4", "AP4423"),
        (f"{ATS}.1.6.0", "4", "5A1516T15268"),
        (f"{ATS}.1.7.0", "2", 230),
        (f"{ATS}.1.8.0", "2", 50),
        (f"{ATS}.4.1.0", "4", "m-ats-04"),
        (f"{ATS}.4.2.0", "2:writecache", 2),
        (f"{ATS}.4.4.0", "2:writecache", 1),
        (f"{ATS}.5.1.2.0", "2", 2),
        (f"{ATS}.5.1.15.0", "2", out_status),
        (f"{ATS}.5.3.1.0", "2", 2),
        (f"{ATS}.5.3.2.1.4.1", "2", 50),
        (f"{ATS}.5.3.2.1.4.2", "2", 49),
        (f"{ATS}.5.3.3.1.3.1.1.1", "2", 216),
        (f"{ATS}.5.3.3.1.3.2.1.1", "2", 215),
        (f"{ATS}.5.4.2.1.4.1", "2", 50),
        (f"{ATS}.5.4.4.0", "2", 3),
        *((f"{ATS}.5.4.5.1.1.{n}", "2", n) for n in (1, 2, 3)),
        *((f"{ATS}.5.4.5.1.3.{n}", "2", n) for n in (1, 2, 3)),
        *((f"{ATS}.5.4.5.1.4.{n}", "66", 40 * n) for n in (1, 2, 3)),
        *((f"{ATS}.5.4.5.1.5.{n}", "2", bank_state if n == 3 else 1) for n in (1, 2, 3)),
        *((f"{ATS}.5.4.5.1.6.{n}", "2", 215) for n in (1, 2, 3)),
        *((f"{ATS}.5.4.5.1.15.{n}", "2", -1 if n == 2 else 900) for n in (1, 2, 3)),
    ]


@pytest.fixture(scope="module")
def agent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Snmpsim]:
    with snmpsim(tmp_path_factory.mktemp("ats"), {
        "ok": ap4423(), "failed": ap4423(out_status=1, bank_state=4),
    }) as sim:
        yield sim


async def test_sources_inputs_and_banks(agent: Snmpsim) -> None:
    drv = await started(agent.port, "ok")
    assert drv.mib is not None and drv.mib.name == "apc_ats"
    values = drv.device.snapshot()
    expected = {
        "device.type": "ats", "device.mfr": "APC", "device.model": "AP4423",
        "device.serial": "5A1516T15268", "ups.status": "OL", "input.source": "2",
        "input.source.preferred": "2", "input.sensitivity": "high", "input.count": "2",
        "input.1.voltage": "216", "input.2.voltage": "215", "input.2.frequency": "49",
        "output.voltage": "215", "output.frequency": "50", "outlet.group.count": "3",
        "outlet.group.1.name": "total", "outlet.group.3.name": "bank2",
        "outlet.group.2.current": "8", "outlet.group.1.status": "OL",
        "outlet.group.1.realpower": "900", "outlet.group.2.realpower": None,
    }
    assert {k: values.get(k) for k in expected} == expected


async def test_output_failure_and_overload(agent: Snmpsim) -> None:
    drv = await started(agent.port, "failed")
    assert drv.device.get("ups.status") == "OFF"
    assert drv.device.get("outlet.group.3.status") == "OVER"


async def test_settings_reach_the_agent(agent: Snmpsim) -> None:
    drv = await started(agent.port, "ok")
    assert await drv.setvar("input.source.preferred", "1") is CmdResult.HANDLED
    assert await on_agent(drv, f"{ATS}.4.2.0") == 1
    assert await drv.setvar("input.source.preferred", "3") is CmdResult.INVALID
    assert await drv.setvar("input.sensitivity", "low") is CmdResult.HANDLED
    assert await on_agent(drv, f"{ATS}.4.4.0") == 2
