"""GET VAR replies remembered between requests never outlive what they were made of."""

from __future__ import annotations

from tests.server.conftest import LineClient, Served, make_device


async def test_a_remembered_reply_follows_every_change(served: Served,
                                                      client: LineClient) -> None:
    device = served.device
    ask = client.ask
    assert await ask("GET VAR ups1 battery.charge") == 'VAR ups1 battery.charge "100"'
    assert await ask("GET VAR ups1 battery.charge") == 'VAR ups1 battery.charge "100"'
    assert served.server.commands._recent  # the second answer came from memory
    device.set("battery.charge", "99")
    assert await ask("GET VAR ups1 battery.charge") == 'VAR ups1 battery.charge "99"'
    device.set("battery.charge", "100")
    assert await ask("GET VAR ups1 battery.charge") == 'VAR ups1 battery.charge "100"'
    device.data_stale()
    assert await ask("GET VAR ups1 battery.charge") == "ERR DATA-STALE"
    device.data_ok()
    device.set_connected(False)
    assert await ask("GET VAR ups1 battery.charge") == "ERR DRIVER-NOT-CONNECTED"
    device.set_connected(True)
    assert await ask("GET VAR ups1 battery.charge") == 'VAR ups1 battery.charge "100"'
    device.delete("battery.charge")
    assert await ask("GET VAR ups1 battery.charge") == "ERR VAR-NOT-SUPPORTED"
    device.set("battery.charge", "100")
    assert await ask("GET VAR ups1 battery.charge") == 'VAR ups1 battery.charge "100"'


async def test_status_under_fsd_and_a_replaced_ups(served: Served, client: LineClient) -> None:
    device, registry = served.device, served.registry
    status = await client.ask("GET VAR ups ups.status")
    assert status.startswith("VAR ups ups.status ") and "FSD" not in status
    assert await client.ask("GET VAR ups ups.status") == status
    device.set_fsd()
    assert "FSD" in await client.ask("GET VAR ups ups.status")
    registry.remove("ups1")
    assert await client.ask("GET VAR ups ups.status") == "ERR UNKNOWN-UPS"
    other = make_device("ups1")
    other.set("ups.status", "OB")
    registry.add(other, aliases=["ups"])
    other.set_connected(True)
    other.data_ok()
    assert await client.ask("GET VAR ups ups.status") == 'VAR ups ups.status "OB"'


async def test_case_variants_are_answered_alike(client: LineClient) -> None:
    for _ in range(2):
        assert await client.ask("GET VAR UPS1 BATTERY.CHARGE") == \
            'VAR UPS1 BATTERY.CHARGE "100"'
        assert await client.ask("get var ups1 battery.charge") == \
            'VAR ups1 battery.charge "100"'
