"""upskit's own snmp-ups driver on ``port = sim://snmp/<mib>``: the URL starts a
simulated card in the driver's event loop; the driver follows its power failure and
its commands reach the card (checked on the agent side)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sim.snmp.support import AgentThread
from tests.sim.snmp.test_nut_snmp_ups import dump
from tests.support import nut_binary
from upskit.drivers.context import DriverContext
from upskit.drivers.snmp.driver import SnmpDriver
from upskit.drivers.snmp.mibs import MIBS
from upskit.model import CmdResult, Device
from upskit.sim import ports
from upskit.sim.snmp import serve
from upskit.transport.snmp.client import SnmpEngineService


@pytest.fixture(autouse=True)
def _clean() -> Iterator[None]:
    yield
    serve.stop_all()
    ports.forget()


_ENGINES: list[SnmpEngineService] = []


def _stop() -> None:
    """Close the cards and the client engines in the loop that serves them."""
    serve.stop_all()
    while _ENGINES:
        _ENGINES.pop().close()


def driver_for(url: str, **options: str) -> SnmpDriver:
    engine = SnmpEngineService()
    _ENGINES.append(engine)
    context = DriverContext()
    context.services.get(SnmpEngineService, lambda: engine)
    engine.devices = 0  # type: ignore[attr-defined]  # no start-up spread in a test
    return SnmpDriver(Device("sim"), {"port": url, "snmp_timeout": "1", "snmp_retries": "1",
                                      **options}, context=context)


@pytest.mark.asyncio
async def test_sim_snmp_ietf_through_a_power_failure_and_a_shutdown() -> None:
    drv = driver_for("sim://snmp/ietf?id=e2e&community=lab")
    await drv.open()
    try:
        await _power_failure_and_shutdown(drv)
    finally:
        await drv.close()
        _stop()


async def _power_failure_and_shutdown(drv: SnmpDriver) -> None:
    await drv.initialise()
    await drv.poll()
    unit = ports.sim_device("e2e")
    assert drv.mib is not None and drv.mib.name == "ietf"
    assert drv.device.get("ups.status") == "OL"
    assert drv.device.get("device.model") == "SIM-1628"
    unit.mains(False)
    unit.physics.advance(1800)
    await drv.poll()
    assert drv.device.get("ups.status") == "OB LB"
    assert await drv.instcmd("load.off", None) is CmdResult.HANDLED
    served = serve.served_agent("e2e")
    assert ("1.3.6.1.2.1.33.1.8.2.0", 0) in list(served.units[0].sets)
    await drv.poll()
    assert "OFF" in (drv.device.get("ups.status") or "")
    assert not unit.physics.output_on
    unit.mains(True)
    await drv.poll()
    assert "OL" in (drv.device.get("ups.status") or "")


@pytest.mark.asyncio
@pytest.mark.parametrize(("mib", "status"), [("apcc", "OB"), ("pw", "OB")])
async def test_sim_snmp_vendor_cards_on_battery(mib: str, status: str) -> None:
    if mib not in MIBS:
        pytest.skip(f"upskit has no {mib} mapping table yet")
    drv = driver_for(f"sim://snmp/{mib}?id={mib}&mains=off")
    await drv.open()
    try:
        await drv.initialise()
        await drv.poll()
        assert drv.mib is not None and drv.mib.name == mib
        assert status in (drv.device.get("ups.status") or "").split()
    finally:
        await drv.close()
        _stop()


def test_sim_snmp_is_no_port_for_other_drivers() -> None:
    from upskit.sim.urls import make_transport

    with pytest.raises(ValueError, match="serves snmp-ups only"):
        make_transport("sim://snmp/ietf", {})


#: Variables both drivers must agree on, whatever else their tables publish.
CORE = ("ups.status", "battery.charge", "battery.voltage", "input.voltage", "output.voltage",
        "output.frequency", "ups.load", "device.mfr", "device.model", "ups.firmware")


@pytest.mark.asyncio
@pytest.mark.skipif(nut_binary("snmp-ups") is None, reason="Debian's snmp-ups is not installed")
@pytest.mark.parametrize("mib", ["ietf", "apcc", "pw"])
@pytest.mark.parametrize("mains", ["on", "off"])
async def test_upskit_and_nut_agree_on_the_same_card(mib: str, mains: str,
                                                     tmp_path: Path) -> None:
    if mib not in MIBS:
        pytest.skip(f"upskit has no {mib} mapping table yet")
    # an almost frozen clock: both drivers read the same battery
    with AgentThread(mib, {"mains": mains, "speed": "1e-6"}) as agent:
        theirs = dump(agent, tmp_path)
        drv = driver_for(agent.address, community=agent.served.community, mibs=mib)
        await drv.open()
        try:
            await drv.initialise()
            await drv.poll()
            ours = drv.device.snapshot()
        finally:
            await drv.close()
            _stop()
    assert {k: ours.get(k) for k in CORE} == {k: theirs.get(k) for k in CORE}
