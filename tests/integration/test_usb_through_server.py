"""USB-bridged Q* UPSes end to end: simulated USB device -> pyusb -> bridge -> Q* driver
-> device model -> NUT server -> client."""

from __future__ import annotations

import pytest

from tests.support import eventually, free_port, has_value
from upskit.client.aio import AsyncClient
from upskit.client.errors import NutError
from upskit.config.settings import Listen, Settings, UpsSettings, UserSettings
from upskit.runtime import Runtime
from upskit.sim.ports import sim_device
from upskit.sim.usb.ports import usb_bus

BRIDGES = {
    "cyp": ("cypress", "0665", "5161"),
    "ippon": ("ippon-backpro", "06da", "0003"),
    "krauler": ("krauler", "0001", "0000"),
    "armac": ("armac-r3000i", "0925", "1234"),
}


def settings_for(port: int, tag: str) -> Settings:
    settings = Settings()
    settings.upsd.listen = [Listen("127.0.0.1", port)]
    for name, (unit, _, _) in BRIDGES.items():
        url = f"sim://usb/{unit}?id={tag}-{name}"
        settings.ups.ups[name] = UpsSettings(
            name, "nutdrv_qx", url, options={"port": url, "pollfreq": "2"})
    settings.users["admin"] = UserSettings("admin", "pw", actions={"SET"}, instcmds={"ALL"})
    return settings


@pytest.fixture
async def stack():
    port = free_port()
    tag = f"e2e{port}"
    runtime = Runtime(settings_for(port, tag), with_monitor=False)
    await runtime.start()
    client = AsyncClient("127.0.0.1", port, timeout=3)
    await client.connect()
    try:
        yield runtime, client, tag
    finally:
        await client.close()
        await runtime.stop()


async def test_every_bridge_serves_through_the_server(stack) -> None:
    _, client, tag = stack
    for name, (_, vid, pid) in BRIDGES.items():
        await eventually(lambda n=name: has_value(client, n, "ups.status", "OL"), ignore=(NutError,))
        variables = await client.list_vars(name)
        assert variables["ups.vendorid"] == vid
        assert variables["ups.productid"] == pid
        assert float(variables["input.voltage"]) > 100
        assert variables["driver.name"] == "nutdrv_qx"
    # mains loss travels through every bridge
    for name in BRIDGES:
        sim_device(f"{tag}-{name}").mains(False)
    for name in BRIDGES:
        await eventually(lambda n=name: _has_token(client, n, "OB"), ignore=(NutError,))
    for name in BRIDGES:
        sim_device(f"{tag}-{name}").mains(True)
    for name in BRIDGES:
        await eventually(lambda n=name: _has_token(client, n, "OL"), ignore=(NutError,))


async def test_command_reaches_the_ups_over_usb(stack) -> None:
    _, client, tag = stack
    await client.authenticate("admin", "pw")
    for name in ("cyp", "ippon", "armac"):
        await eventually(lambda n=name: has_value(client, n, "ups.status", "OL"), ignore=(NutError,))
        before = sim_device(f"{tag}-{name}").physics.beeper
        await client.instcmd(name, "beeper.toggle")
        assert sim_device(f"{tag}-{name}").physics.beeper is not before


async def test_unplug_goes_stale_and_replug_recovers(stack) -> None:
    runtime, client, tag = stack
    await eventually(lambda: has_value(client, "ippon", "ups.status", "OL"), ignore=(NutError,))
    driver = runtime.supervisor.drivers["ippon"]
    driver.stale_seconds = 0.3  # type: ignore[attr-defined]
    bus = usb_bus(f"{tag}-ippon")
    bus.unplug()
    await eventually(lambda: _stale(client, "ippon"), ignore=(NutError,))
    # the other UPSes are not disturbed
    assert await client.get_var("cyp", "ups.status") == "OL"
    bus.replug()
    await eventually(lambda: has_value(client, "ippon", "ups.status", "OL"), timeout=15, ignore=(NutError,))


async def _has_token(client: AsyncClient, ups: str, token: str) -> bool:
    return token in (await client.get_var(ups, "ups.status")).split()


async def _stale(client: AsyncClient, ups: str) -> bool:
    try:
        await client.get_var(ups, "ups.status")
    except NutError as exc:
        return exc.code == "DATA-STALE"
    return False
