"""The clients against Debian's real upsd with dummy-ups drivers."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from tests.nutreal import NutReal, nut_server, requires_nut
from upskit.client import AsyncClient, Client, NutError

pytestmark = [requires_nut, pytest.mark.nut]

DEV = """\
battery.charge: 100
ups.status: OL
ups.mfr: Acme
ups.delay.shutdown: 20
ups.id: myid
#RW:ups.id:STRING:16
"""


@pytest.fixture(scope="module")
def nut(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NutReal]:
    with nut_server(
        tmp_path_factory.mktemp("realnut"),
        {"dummy": DEV, "other": "ups.status: OB LB\n", "fsdups": "ups.status: OL\n"},
        descriptions={"dummy": 'Rack "A" \\ left'},
    ) as server:
        yield server


async def wait_value(client: AsyncClient, ups: str, var: str, want: str) -> str:
    value = ""
    for _ in range(60):
        value = await client.get_var(ups, var)
        if value == want:
            break
        await asyncio.sleep(0.05)
    return value


async def test_reads(nut: NutReal) -> None:
    async with AsyncClient(nut.host, nut.port) as client:
        assert await client.list_ups() == {
            "dummy": 'Rack "A" \\ left',
            "fsdups": "Description unavailable",
            "other": "Description unavailable",
        }
        values = await client.list_vars("dummy")
        assert values["ups.mfr"] == "Acme"
        assert values["driver.name"] == "dummy-ups"
        assert await client.get_var("other", "ups.status") == "OB LB"
        assert await client.get_type("dummy", "ups.id") == ["RW", "STRING:16"]
        assert await client.get_desc("dummy", "ups.id") == "UPS system identifier"
        assert await client.get_upsdesc("dummy") == 'Rack "A" \\ left'
        assert await client.get_upsdesc("other") == "Unavailable"
        assert "ups.id" in await client.list_rw("dummy")
        commands = await client.list_commands("dummy")
        assert commands
        assert (await client.get_cmddesc("dummy", "load.off")).startswith("Turn off the load")
        assert await client.list_enum("dummy", "ups.id") == []
        assert await client.list_range("dummy", "ups.delay.shutdown") == []
        assert (await client.ver()).startswith("Network UPS Tools upsd ")
        assert await client.netver() == "1.3"
        assert (await client.help()).startswith("Commands: HELP VER")


async def test_read_errors(nut: NutReal) -> None:
    async with AsyncClient(nut.host, nut.port) as client:
        for call, code in [
            (client.get_var("dummy", "no.such"), "VAR-NOT-SUPPORTED"),
            (client.get_var("nope", "ups.status"), "UNKNOWN-UPS"),
            (client.list_vars("nope"), "UNKNOWN-UPS"),
            (client.request("GET VAR dummy"), None),
        ]:
            if code is None:
                assert await call == "ERR INVALID-ARGUMENT"
                continue
            with pytest.raises(NutError) as info:
                await call
            assert info.value.code == code
        assert await client.get_var("dummy", "ups.status") == "OL"


async def test_set_var_round_trips_hostile_value(nut: NutReal) -> None:
    async with AsyncClient(nut.host, nut.port) as client:
        with pytest.raises(NutError) as info:
            await client.set_var("dummy", "ups.id", "x")
        assert info.value.code == "USERNAME-REQUIRED"
        await client.authenticate("admin", "secret")
        spaced = " two  words "
        assert await client.set_var("dummy", "ups.id", spaced) is None
        assert await wait_value(client, "dummy", "ups.id", spaced) == spaced
        # a bare '#' would make upsd swallow the line and never answer
        assert await client.set_var("dummy", "ups.id", 'a "b" \\ #c') is None
        for var, value, code in [
            ("ups.id", "x" * 20, "TOO-LONG"),
            ("no.such", "1", "VAR-NOT-SUPPORTED"),
        ]:
            with pytest.raises(NutError) as info:
                await client.set_var("dummy", var, value)
            assert info.value.code == code


async def test_rights_are_checked(nut: NutReal) -> None:
    async with AsyncClient(nut.host, nut.port) as client:
        await client.authenticate("reader", "pw")
        with pytest.raises(NutError) as info:
            await client.set_var("dummy", "ups.id", "x")
        assert info.value.code == "ACCESS-DENIED"
        with pytest.raises(NutError) as info:
            await client.authenticate("admin", "secret")
        assert info.value.code == "ALREADY-SET-USERNAME"


async def test_instcmd_and_tracking(nut: NutReal) -> None:
    async with AsyncClient(nut.host, nut.port) as client:
        await client.authenticate("admin", "secret")
        assert await client.instcmd("dummy", "load.off") is None
        with pytest.raises(NutError) as info:
            await client.instcmd("dummy", "test.battery.start")
        assert info.value.code == "CMD-NOT-SUPPORTED"
        await client.set_tracking(True)
        ident = await client.set_var("dummy", "ups.delay.shutdown", "30")
        assert ident
        assert await client.wait_for_tracking(ident, timeout=5, interval=0.1) == "SUCCESS"
        cmd_id = await client.instcmd("dummy", "load.off", "5")
        assert cmd_id
        # dummy-ups accepts but cannot carry out commands
        assert await client.wait_for_tracking(cmd_id, timeout=5, interval=0.1) == "ERR UNKNOWN"
        await client.set_tracking(False)
        assert await client.set_var("dummy", "ups.delay.shutdown", "20") is None


async def test_upsmon_roles(nut: NutReal) -> None:
    async with AsyncClient(nut.host, nut.port) as client:
        await client.authenticate("monpri", "pw")
        await client.login("fsdups")
        await client.primary("fsdups")
        assert await client.get_numlogins("fsdups") == 1
        assert await client.list_clients("fsdups") == ["127.0.0.1"]
        await client.fsd("fsdups")
        assert await client.get_var("fsdups", "ups.status") == "FSD OL"
        with pytest.raises(NutError) as info:
            await client.login("fsdups")
        assert info.value.code == "ALREADY-LOGGED-IN"
        with pytest.raises(NutError) as info:
            await client.starttls()
        assert info.value.code == "FEATURE-NOT-CONFIGURED"
        assert client.connected
        await client.logout()
        assert not client.connected
    async with AsyncClient(nut.host, nut.port) as client:
        for _ in range(40):
            if await client.get_numlogins("fsdups") == 0:
                break
            await asyncio.sleep(0.05)
        assert await client.get_numlogins("fsdups") == 0


def test_sync_client(nut: NutReal) -> None:
    with Client(nut.host, nut.port) as client:
        assert client.get_var("other", "ups.status") == "OB LB"
        assert client.list_ups()["dummy"] == 'Rack "A" \\ left'
        assert client.get_type("dummy", "ups.status")[-1].startswith("STRING")
        with pytest.raises(NutError) as info:
            client.get_var("dummy", "no.such")
        assert info.value.code == "VAR-NOT-SUPPORTED"
        client.authenticate("admin", "secret")
        client.set_tracking(True)
        ident = client.set_var("dummy", "ups.delay.shutdown", "25")
        assert ident is not None
        assert client.wait_for_tracking(ident, timeout=5, interval=0.1) == "SUCCESS"
        assert client.get_var("dummy", "ups.delay.shutdown") == "25"
        client.logout()
        assert not client.connected
