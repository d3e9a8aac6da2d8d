"""Helpers for the PDU and ATS table tests: a driver on an snmpsim agent, read-back."""

from __future__ import annotations

from upskit.drivers.context import DriverContext
from upskit.drivers.snmp.driver import SnmpDriver
from upskit.model import Device
from upskit.transport.snmp.client import SnmpEngineService, SnmpPort, Value

ENGINE = SnmpEngineService()

SYSTEM = "1.3.6.1.2.1.1"


def system(sysoid: str, descr: str = "test agent") -> list[tuple[str, str, str | int]]:
    """sysDescr and sysObjectID."""
    return [(f"{SYSTEM}.1.0", "4", descr), (f"{SYSTEM}.2.0", "6", sysoid)]


async def started(port: int, community: str, **options: str) -> SnmpDriver:
    """An initialised snmp-ups driver on ``community`` of the agent on ``port``."""
    given = {"port": f"127.0.0.1:{port}", "community": community, "snmp_version": "v2c",
             "snmp_timeout": "2", "snmp_retries": "2", **options}
    context = DriverContext()
    context.services.get(SnmpEngineService, lambda: ENGINE)
    ENGINE.devices = 0  # no start-up spread
    drv = SnmpDriver(Device(community), given, context=context)
    await drv.open()
    await drv.initialise()
    return drv


async def on_agent(drv: SnmpDriver, oid: str) -> Value | None:
    """What the agent holds at ``oid`` now (read through the driver's own port)."""
    port = drv.port
    assert isinstance(port, SnmpPort)
    return (await port.get([oid]))[oid]
