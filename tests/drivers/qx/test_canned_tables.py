"""Each Megatec-family dialect against NUT's canned test table (NUT's TESTING mode)."""

from __future__ import annotations

import itertools

import pytest

from tests.drivers.qx.util import running
from upskit.drivers.qx.dialect import get_dialect
from upskit.model import CmdResult
from upskit.sim.canned import canned_table
from upskit.sim.ports import sim_device

_ids = itertools.count()

Q1_VALUES = {
    "input.voltage": "215.0", "input.voltage.fault": "195.0", "output.voltage": "230.0",
    "ups.load": "14", "input.frequency": "49.0", "battery.voltage": "22.70",
    "ups.temperature": "30.0", "ups.status": "OL", "ups.type": "online",
    "ups.beeper.status": "disabled", "ups.delay.start": "180", "ups.delay.shutdown": "30",
}
F_VALUES = {
    "input.voltage.nominal": "230", "input.current.nominal": "0.0",
    "battery.voltage.nominal": "24.0", "input.frequency.nominal": "50",
    # guesstimation from the 24 V nominal: 104/120 and 130/120 of it, then linear charge
    "battery.voltage.low": "20.80", "battery.voltage.high": "26.00", "battery.charge": "37",
}
I_VALUES = {"device.mfr": "NOT_A_LIVE_UPS", "device.model": "TESTING", "ups.firmware": "TESTING"}
COMMANDS = ["beeper.toggle", "load.off", "load.on", "shutdown.return", "shutdown.stayoff",
            "shutdown.stop", "test.battery.start", "test.battery.start.deep",
            "test.battery.start.quick", "test.battery.stop"]

CASES = {
    "megatec": ("Megatec 0.10", "Q1", "I", {**Q1_VALUES, **F_VALUES, **I_VALUES}),
    "mustek": ("Mustek 0.08", "QS", "I", {**Q1_VALUES, **F_VALUES, **I_VALUES}),
    "megatec/old": ("Megatec/old 0.08", "D", "I", {**Q1_VALUES, **F_VALUES, **I_VALUES}),
    "zinto": ("Zinto 0.07", "Q1", "FW?", {**Q1_VALUES, **F_VALUES, **I_VALUES}),
    "q1": ("Q1 0.08", "Q1", None, Q1_VALUES),
}


def table_url(protocol: str) -> tuple[str, str]:
    key = f"table{next(_ids)}"
    return f"sim://{protocol}?mode=table&id={key}", key


@pytest.mark.parametrize("protocol", list(CASES))
async def test_autodetect_init_and_values(protocol: str) -> None:
    label, status_query, vendor_query, values = CASES[protocol]
    url, key = table_url(protocol)
    async with running(url) as drv:
        dev = drv.device
        assert drv.dialect is not None and drv.dialect.name == protocol
        assert dev.get("driver.version.data") == label
        for name, value in values.items():
            assert dev.get(name) == value, name
        absent = set(F_VALUES) | set(I_VALUES) if protocol == "q1" else set()
        for name in absent:
            assert dev.get(name) is None, name
        assert dev.commands() == COMMANDS
        for name in ("ups.delay.start", "ups.delay.shutdown"):
            var = dev.variable(name)
            assert var is not None and var.writable
        assert dev.variable("ups.delay.start").ranges == [(0, 599940)]
        assert dev.variable("ups.delay.shutdown").ranges == [(12, 600)]
        # init sends each static query exactly once after detection
        sent = [c.decode("latin-1") for c in sim_device(key).received]
        if vendor_query:
            assert sent.count("F\r") == 1
        # quick walks: only the status query, once per walk
        sim_device(key).received.clear()
        n = len(sim_device(key).received)
        while len(sim_device(key).received) < n + 5:
            import asyncio
            await asyncio.sleep(0.01)
        assert set(sim_device(key).received) == {f"{status_query}\r".encode()}


@pytest.mark.parametrize("protocol", list(CASES))
async def test_commands_and_setvars(protocol: str) -> None:
    url, key = table_url(protocol)
    sim = None
    async with running(url) as drv:
        dev = drv.device
        sim = sim_device(key)

        async def cmd(name: str, param: str | None = None) -> tuple[CmdResult, list[bytes]]:
            sim.received.clear()
            result = await dev.instcmd(name, param)
            return result, [c for c in sim.received if c not in (b"Q1\r", b"QS\r", b"D\r")]

        # commands in the canned table return nothing: handled
        assert await cmd("beeper.toggle") == (CmdResult.HANDLED, [b"Q\r"])
        assert await cmd("shutdown.stop") == (CmdResult.HANDLED, [b"C\r"])
        assert await cmd("load.on") == (CmdResult.HANDLED, [b"C\r"])
        assert await cmd("test.battery.start.deep") == (CmdResult.HANDLED, [b"TL\r"])
        assert await cmd("test.battery.start.quick") == (CmdResult.HANDLED, [b"T\r"])
        assert await cmd("test.battery.stop") == (CmdResult.HANDLED, [b"CT\r"])
        assert await cmd("test.battery.start", "240") == (CmdResult.HANDLED, [b"T04\r"])
        assert await cmd("shutdown.stayoff") == (CmdResult.HANDLED, [b"S.5R0000\r"])
        # not in the table: the device echoes it, which means "failed"
        assert await cmd("load.off") == (CmdResult.FAILED, [b"S00R0000\r"])
        assert await cmd("shutdown.return") == (CmdResult.FAILED, [b"S.5R0003\r"])
        assert (await cmd("test.battery.start", "30"))[0] is CmdResult.INVALID
        assert (await cmd("no.such.command"))[0] is CmdResult.UNKNOWN
        # server-side delays: range-checked, truncated, then used in the commands
        assert await dev.setvar("ups.delay.shutdown", "5") is CmdResult.INVALID
        assert await dev.setvar("ups.delay.shutdown", "125") is CmdResult.HANDLED
        assert dev.get("ups.delay.shutdown") == "120"
        assert await dev.setvar("ups.delay.start", "333") is CmdResult.HANDLED
        assert dev.get("ups.delay.start") == "300"
        assert await cmd("shutdown.return") == (CmdResult.HANDLED, [b"S02R0005\r"])
        assert await dev.setvar("ups.delay.start", "0") is CmdResult.HANDLED
        assert await dev.setvar("ups.delay.shutdown", "180") is CmdResult.HANDLED
        assert await cmd("shutdown.return") == (CmdResult.HANDLED, [b"S03\r"])
        assert await dev.setvar("ups.delay.shutdown", "45") is CmdResult.HANDLED
        assert dev.get("ups.delay.shutdown") == "42"
        assert await dev.setvar("ups.load", "5") is CmdResult.UNKNOWN


def test_testing_tables_match_the_item_tables() -> None:
    for protocol in CASES:
        dialect = get_dialect(protocol)
        assert dialect is not None
        queries = {i.query for i in dialect.items if i.query and not i.has(i.flags.CMD)}
        assert queries <= set(canned_table(protocol).replies), protocol
