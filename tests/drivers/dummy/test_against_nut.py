"""Our dummy driver next to Debian's dummy-ups + upsd (skipped without them or without root)."""

import asyncio
import shutil
from pathlib import Path

import pytest

from tests.support import eventually, free_port
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
        await eventually(lambda: not dev.stale, 15)
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
        await eventually(lambda: dev.get("ups.id") == "rack-3", 15)
        assert (nut_stack.upsc("meg") or {}).get("ups.id") == "rack-3"
        # NUT's dummy mode refuses instant commands: the upstream's answer is relayed
        assert await dev.instcmd("load.off") is CmdResult.UNKNOWN

        # upstream driver gone -> stale; back -> fresh
        nut_stack.stop("driver:meg")
        await eventually(lambda: dev.stale, 15)
        nut_stack.start_driver("meg")
        await eventually(lambda: not dev.stale, 15)

        # upstream server gone -> stale; back -> reconnected and fresh
        nut_stack.stop("upsd")
        await eventually(lambda: dev.stale, 15)
        assert not drv.repeater._client  # type: ignore[union-attr]
        nut_stack.start_upsd()
        await eventually(lambda: not dev.stale, 15)
        assert dev.get("battery.charge") == "100"


#: Every variable NUT's dummy-ups knows by name, plus names it does not know (strings
#: and numbers): each gets the type NUT gives it.
TYPED = """\
ups.serial: S12345
ups.load: 20
ups.alarm: none
ups.time: 12:00:00
ups.date: 2024/01/01
ups.mfr.date: 2020/05/05
ups.firmware: 1.2
ups.firmware.aux: 0.9
ups.temperature: 30
ups.id: myups
ups.delay.start: 20
ups.delay.reboot: 10
ups.delay.shutdown: 30
ups.test.interval: 604800
ups.test.result: Done and passed
input.voltage: 230.0
input.voltage.maximum: 240
input.voltage.minimum: 220
input.voltage.nominal: 230
input.transfer.reason: none
input.transfer.low: 180
input.transfer.high: 260
input.sensitivity: H
input.quality: good
input.frequency: 50.0
input.transfer.boost.low: 190
input.transfer.boost.high: 200
input.transfer.trim.low: 245
input.transfer.trim.high: 250
output.voltage: 230.0
output.frequency: 50.0
output.current: 1.2
battery.charge: 97
battery.charge.low: 10
battery.voltage: 27.0
battery.current: 0.5
battery.runtime: 1800
battery.runtime.low: 120
battery.charge.restart: 20
battery.temperature: 25
battery.voltage.nominal: 24
ups.contacts: x:y:z
ups.power.nominal: 700
outlet.1.desc: Main outlet
"""


class Line:
    """One NUT protocol connection: a request line in, its reply (or whole list) out."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> "Line":
        return cls(*await asyncio.open_connection("127.0.0.1", port))

    async def ask(self, request: str) -> str:
        self.writer.write(request.encode() + b"\n")
        first = (await asyncio.wait_for(self.reader.readline(), 10)).decode().rstrip("\n")
        lines = [first]
        if first.startswith("BEGIN "):
            end = "END " + first[len("BEGIN "):]
            while lines[-1] != end:
                lines.append((await asyncio.wait_for(self.reader.readline(), 10))
                              .decode().rstrip("\n"))
        return "\n".join(lines)

    async def listing(self, request: str) -> dict[str, str]:
        """``LIST VAR`` / ``LIST RW`` as name -> quoted value."""
        return {words[2]: words[3] for words in
                (line.split(" ", 3) for line in (await self.ask(request)).split("\n")[1:-1])}

    def close(self) -> None:
        self.writer.close()


def _upskit_beside(nut_stack: NutStack) -> tuple[Path, int]:
    """The same ups.conf, users and data files in a second directory, on another port."""

    mine = nut_stack.conf.parent / "upskit"
    shutil.copytree(nut_stack.conf, mine)
    port = free_port()
    (mine / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {port}\n")
    return mine, port


async def test_types_lengths_and_writability_match_nut(nut_stack: NutStack) -> None:
    from upskit.config.nutfiles import load_nut_dir
    from upskit.runtime import Runtime

    (nut_stack.conf / "typed.dev").write_text(TYPED)
    (nut_stack.conf / "empty.dev").write_text("")
    nut_stack.add_ups("typed", port="typed.dev")
    nut_stack.add_ups("empty", port="empty.dev")
    # upsdrvctl's own settings: NUT's drivers never publish them
    conf = nut_stack.conf / "ups.conf"
    conf.write_text("maxretry = 3\nretrydelay = 5\npollinterval = 2\n" + conf.read_text())
    mine, port = _upskit_beside(nut_stack)
    nut_stack.start_driver("typed", "empty")
    nut_stack.start_upsd()
    runtime = Runtime(load_nut_dir(mine))
    await runtime.start()
    theirs, ours_ = await Line.open(nut_stack.port), await Line.open(port)
    try:
        names = ("typed", "empty")
        for ups in names:
            await nut_stack.wait_upsc(ups)
        await eventually(lambda: not any(runtime.devices[ups].stale for ups in names), 15)
        for ups in names:
            await _same_types(theirs, ours_, ups)
        for line in (theirs, ours_):
            for request in (f"USERNAME {ADMIN}", f"PASSWORD {SECRET}"):
                assert await line.ask(request) == "OK"
        for ups in names:
            rw = await theirs.listing(f"LIST RW {ups}")
            for name in sorted(set(rw) - {"ups.status"}):
                words = (await theirs.ask(f"GET TYPE {ups} {name}")).split()[3:]
                length = next((int(w[7:]) for w in words if w.startswith("STRING:")), 8)
                for value in ("x" * (length + 1), "y" * length, "12"):
                    request = f'SET VAR {ups} {name} "{value}"'
                    assert await ours_.ask(request) == await theirs.ask(request), request
            # upsd answers before its driver has stored the value
            settled = {name: '"12"' for name in rw if name != "ups.status"}
            for _ in range(100):
                if (await theirs.listing(f"LIST RW {ups}")).items() >= settled.items():
                    break
                await asyncio.sleep(0.1)
            await _same_types(theirs, ours_, ups)
    finally:
        theirs.close()
        ours_.close()
        await runtime.stop()


async def _same_types(theirs: Line, ours_: Line, ups: str) -> None:
    """Same writable variables with the same values and types; same driver parameters."""
    rw = await theirs.listing(f"LIST RW {ups}")
    assert await ours_.listing(f"LIST RW {ups}") == rw, ups
    for name in rw:
        request = f"GET TYPE {ups} {name}"
        assert await ours_.ask(request) == await theirs.ask(request), request

    def parameters(values: dict[str, str]) -> dict[str, str]:
        return {k: v for k, v in values.items()
                if k.startswith("driver.parameter.") and k not in CORE_ONLY}

    assert parameters(await ours_.listing(f"LIST VAR {ups}")) == parameters(
        await theirs.listing(f"LIST VAR {ups}")), ups


async def test_ignorelb_matches_nut(nut_stack: NutStack) -> None:
    """ups.conf's ignorelb: the device's LB is ignored, LB comes from the .low thresholds."""
    from upskit.config.nutfiles import load_nut_dir
    from upskit.runtime import Runtime

    (nut_stack.conf / "device-lb.dev").write_text(
        "ups.status: OB LB\nbattery.charge: 80\nbattery.charge.low: 20\n")
    (nut_stack.conf / "low-charge.dev").write_text(
        "ups.status: OB\nbattery.charge: 10\nbattery.charge.low: 20\n")
    (nut_stack.conf / "low-runtime.dev").write_text(
        "ups.status: OL\nbattery.charge: 90\nbattery.runtime: 100\nbattery.runtime.low: 120\n")
    names = ("devicelb", "lowcharge", "lowruntime")
    for name, dev in zip(names, ("device-lb.dev", "low-charge.dev", "low-runtime.dev"),
                         strict=True):
        nut_stack.add_ups(name, port=dev)
    conf = nut_stack.conf / "ups.conf"
    conf.write_text(conf.read_text().replace("  driver = dummy-ups\n",
                                             "  driver = dummy-ups\n  ignorelb\n"))
    mine, port = _upskit_beside(nut_stack)
    nut_stack.start_driver(*names)
    nut_stack.start_upsd()
    runtime = Runtime(load_nut_dir(mine))
    await runtime.start()
    theirs, ours_ = await Line.open(nut_stack.port), await Line.open(port)
    try:
        for ups in names:
            await nut_stack.wait_upsc(ups)
        await eventually(lambda: not any(runtime.devices[ups].stale for ups in names), 15)
        seen = {}
        for ups in names:
            request = f"GET VAR {ups} ups.status"
            seen[ups] = await theirs.ask(request)
            assert await ours_.ask(request) == seen[ups], ups
        assert seen == {"devicelb": 'VAR devicelb ups.status "OB"',
                        "lowcharge": 'VAR lowcharge ups.status "OB LB"',
                        "lowruntime": 'VAR lowruntime ups.status "OL LB"'}
    finally:
        theirs.close()
        ours_.close()
        await runtime.stop()
