"""Our dummy driver next to Debian's dummy-ups + upsd (skipped without them or without root)."""

import asyncio
import shutil
from pathlib import Path

import pytest

from upskit.client.aio import AsyncClient
from upskit.drivers.dummy.driver import DummyDriver
from upskit.drivers.supervisor import Supervisor
from upskit.model import CmdResult, Device

from .conftest import ADMIN, SECRET, NutStack

pytestmark = pytest.mark.nut

DATA = Path(__file__).parents[3] / "upskit" / "drivers" / "dummy" / "data"

#: Published by NUT's driver core only (documented in docs/dummy.md).
CORE_ONLY = {"driver.parameter.synchronous", "driver.version.internal"}

TRICKY = """\
# spacing, quoting and comments the way NUT's reader takes them
ups.model:   Foo    1000
ups.mfr: "Quoted  Mfr"
ups.firmware: a\\"b
ups.id: it's
ups.contacts: x:y:z
  input.voltage: 230 # trailing comment
ups.delay.shutdown: 30   #COMMENT: from the DDL
ups.status: OB
"""


async def ours(path: Path, port: str) -> dict[str, str]:
    drv = DummyDriver(Device("x"), {"port": port, "_confdir": str(path)})
    await drv.open()
    await drv.initialise()
    await drv.poll()
    await drv.close()
    return dict(drv.device.snapshot())


async def test_parsing_matches_nut(nut_stack: NutStack) -> None:
    shutil.copy(DATA / "megatec-1000va.dev", nut_stack.conf / "meg.dev")
    (nut_stack.conf / "tricky.dev").write_text(TRICKY)
    (nut_stack.conf / "empty.dev").write_text("")
    (nut_stack.conf / "partial.dev").write_text("battery.charge: 50\nups.serial: S1\n")
    names = ("meg", "tricky", "empty", "partial")
    for name in names:
        nut_stack.add_ups(name, port=f"{name}.dev")
    nut_stack.start_driver(*names)
    nut_stack.start_upsd()
    for name in names:
        theirs = await nut_stack.wait_upsc(name)
        mine = await ours(nut_stack.conf, f"{name}.dev")
        for key in CORE_ONLY:
            theirs.pop(key, None)
            mine.pop(key, None)
        assert mine == theirs, name
    # the same variables are writable (NUT 2.8.0 makes every file variable writable)
    drv = DummyDriver(Device("x"), {"port": "meg.dev", "_confdir": str(nut_stack.conf)})
    await drv.initialise()
    await drv.poll()
    async with AsyncClient("127.0.0.1", nut_stack.port) as client:
        assert set(await client.list_rw("meg")) == {v.name for v in drv.device.rw_variables()}


async def wait_until(cond, timeout: float = 15.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not cond():
        assert loop.time() < end, "condition not reached"
        await asyncio.sleep(0.02)


async def test_repeater_mirrors_forwards_and_recovers(nut_stack: NutStack) -> None:
    shutil.copy(DATA / "megatec-1000va.dev", nut_stack.conf / "meg.dev")
    nut_stack.add_ups("meg", port="meg.dev")
    nut_stack.start_driver("meg")
    nut_stack.start_upsd()
    upstream = await nut_stack.wait_upsc("meg")

    dev = Device("relay")
    drv = DummyDriver(dev, {"port": f"meg@127.0.0.1:{nut_stack.port}", "pollinterval": "0.2",
                            "username": ADMIN, "password": SECRET})
    drv.max_backoff = 0.5
    assert dev.get("driver.parameter.mode") == "repeater"
    assert "driver.parameter.password" not in dev
    async with Supervisor([drv]):
        await wait_until(lambda: not dev.stale)
        # every upstream variable but its driver.* is mirrored; driver.* is ours
        mirrored = {k: v for k, v in dev.snapshot().items() if not k.startswith("driver.")}
        assert mirrored == {k: v for k, v in upstream.items() if not k.startswith("driver.")}
        assert dev.get("driver.name") == "dummy-ups"
        async with AsyncClient("127.0.0.1", nut_stack.port) as client:
            rw = await client.list_rw("meg")
            assert {v.name for v in dev.rw_variables()} == set(rw)
            assert dev.variable("ups.id").type_words() == await client.get_type("meg", "ups.id")  # type: ignore[union-attr]
            assert dev.commands() == sorted(await client.list_commands("meg"))

        # SET VAR goes upstream, the verdict comes back, the mirror follows
        assert await dev.setvar("ups.id", "rack-3") is CmdResult.HANDLED
        await wait_until(lambda: dev.get("ups.id") == "rack-3")
        assert (nut_stack.upsc("meg") or {}).get("ups.id") == "rack-3"
        # NUT's dummy mode refuses instant commands: the upstream's answer is relayed
        assert await dev.instcmd("load.off") is CmdResult.UNKNOWN

        # upstream driver gone -> stale; back -> fresh
        nut_stack.stop("driver:meg")
        await wait_until(lambda: dev.stale)
        nut_stack.start_driver("meg")
        await wait_until(lambda: not dev.stale)

        # upstream server gone -> stale; back -> reconnected and fresh
        nut_stack.stop("upsd")
        await wait_until(lambda: dev.stale)
        assert not drv.repeater._client  # type: ignore[union-attr]
        nut_stack.start_upsd()
        await wait_until(lambda: not dev.stale)
        assert dev.get("battery.charge") == "100"
