"""snmp-ups against agents written here from RFC 1628 facts and served by snmpsim:
detection, the published values and status, alarms, three phases, commands and
settings checked on the agent, and faults (silent, slow, garbage, missing OIDs)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterator

import pytest

from tests.drivers.snmp.proxy import UdpRelay
from tests.support import eventually
from tests.transport.snmp.agents import Record, Snmpsim, snmpd, snmpsim
from upskit.drivers.base import CommunicationError
from upskit.drivers.context import DriverContext
from upskit.drivers.snmp.detect import NoMibFits
from upskit.drivers.snmp.driver import SnmpDriver
from upskit.model import CmdResult, Device
from upskit.transport.snmp.client import SnmpEngineService, SnmpPort, SnmpTimeout

pytestmark = pytest.mark.asyncio(loop_scope="module")

UPS = "1.3.6.1.2.1.33.1"
ALARM = f"{UPS}.6.3"


def rfc1628(*, source: int = 3, battery: int = 2, charge: int | str = 87,
            sysoid: str = "1.3.6.1.4.1.99999.1.1", extra: tuple[Record, ...] = (),
            without: tuple[str, ...] = ()) -> list[Record]:
    """An RFC 1628 agent of a vendor no table knows."""
    records: list[Record] = [
        ("1.3.6.1.2.1.1.1.0", "4", "ACME NetCard 2"),
        ("1.3.6.1.2.1.1.2.0", "6", sysoid),
        ("1.3.6.1.2.1.1.6.0", "4", "rack 7"),
        (f"{UPS}.1.1.0", "4", "ACME"),
        (f"{UPS}.1.2.0", "4", "PowerBox 1500"),
        (f"{UPS}.1.3.0", "4", "2.14"),
        (f"{UPS}.1.5.0", "4:writecache", "lab ups"),
        (f"{UPS}.2.1.0", "2", battery),
        (f"{UPS}.2.3.0", "2", 41),
        (f"{UPS}.2.4.0", "2" if isinstance(charge, int) else "4", charge),
        (f"{UPS}.2.5.0", "2", 546),
        (f"{UPS}.2.7.0", "2", 27),
        (f"{UPS}.3.2.0", "2", 1),
        (f"{UPS}.3.3.1.2.1", "2", 499),
        (f"{UPS}.3.3.1.3.1", "2", 229),
        (f"{UPS}.4.1.0", "2", source),
        (f"{UPS}.4.2.0", "2", 500),
        (f"{UPS}.4.3.0", "2", 1),
        (f"{UPS}.4.4.1.2.1", "2", 230),
        (f"{UPS}.4.4.1.3.1", "2", 38),
        (f"{UPS}.4.4.1.4.1", "2", 610),
        (f"{UPS}.4.4.1.5.1", "2", 41),
        (f"{UPS}.6.1.0", "66", 0),
        (f"{UPS}.7.1.0", "6:writecache", f"{UPS}.7.7.1"),
        (f"{UPS}.7.3.0", "2", 6),
        (f"{UPS}.8.2.0", "2:writecache", -1),
        (f"{UPS}.8.3.0", "2:writecache", -1),
        (f"{UPS}.8.5.0", "2:writecache", 1),
        (f"{UPS}.9.1.0", "2", 230),
        (f"{UPS}.9.7.0", "2:writecache", 2),
        (f"{UPS}.9.8.0", "2:writecache", 2),
        (f"{UPS}.9.9.0", "2:writecache", 170),
        (f"{UPS}.9.10.0", "2:writecache", 280),
        *extra,
    ]
    return [r for r in records if r[0] not in without]


THREE_PHASE: tuple[Record, ...] = (
    (f"{UPS}.3.2.0", "2", 3),
    *((f"{UPS}.3.3.1.3.{n}", "2", 228 + n) for n in (2, 3)),
    *((f"{UPS}.3.3.1.4.{n}", "2", 50 + n) for n in (1, 2, 3)),
)

ALARMS: tuple[Record, ...] = (
    (f"{UPS}.6.1.0", "66", 2),
    (f"{UPS}.6.2.1.2.1", "6", f"{ALARM}.1"),
    (f"{UPS}.6.2.1.2.2", "6", f"{ALARM}.16"),
)

AGENTS: dict[str, list[Record]] = {
    "online": rfc1628(),
    "onbattery": rfc1628(source=5, battery=3, charge=9),
    "alarms": rfc1628(extra=ALARMS, without=(f"{UPS}.6.1.0",)),
    "threephase": [r for r in rfc1628(extra=THREE_PHASE) if r != (f"{UPS}.3.2.0", "2", 1)],
    "rfc1628sysoid": rfc1628(sysoid="1.3.6.1.2.1.33"),
    "garbage": rfc1628(charge="lots"),
    "changing": rfc1628(),
    "commands": rfc1628(),
    "nomib": [("1.3.6.1.2.1.1.1.0", "4", "a switch"),
              ("1.3.6.1.2.1.1.2.0", "6", "1.3.6.1.4.1.99999.7")],
}


@pytest.fixture(scope="module")
def agent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Snmpsim]:
    with snmpsim(tmp_path_factory.mktemp("agents"), AGENTS) as sim:
        yield sim


ENGINE = SnmpEngineService()


class QuickRetries(SnmpDriver):
    """snmp-ups reconnecting within half a second."""

    max_backoff = 0.5


def driver_for(port: int, community: str, **options: str) -> SnmpDriver:
    given = {"port": f"127.0.0.1:{port}", "community": community, "snmp_version": "v2c",
             "snmp_timeout": "1", "snmp_retries": "1", **options}
    context = DriverContext()
    context.services.get(SnmpEngineService, lambda: ENGINE)
    ENGINE.devices = 0  # no start-up spread for the devices of this test
    return QuickRetries(Device(community), given, context=context)


async def started(port: int, community: str, **options: str) -> SnmpDriver:
    drv = driver_for(port, community, **options)
    await drv.open()
    await drv.initialise()
    return drv


async def test_an_rfc1628_agent_of_an_unknown_vendor_is_ietf(agent: Snmpsim) -> None:
    drv = await started(agent.port, "online")
    dev = drv.device
    assert drv.mib is not None and drv.mib.name == "ietf"
    values = dev.snapshot()
    expected = {
        "driver.version.data": "ietf MIB 1.0", "device.type": "ups",
        "device.mfr": "ACME", "device.model": "PowerBox 1500",
        "device.description": "ACME NetCard 2", "device.location": "rack 7",
        "ups.mfr": "ACME", "ups.model": "PowerBox 1500", "ups.firmware": "2.14",
        "ups.id": "lab ups", "battery.charge": "87", "battery.runtime": "2460",
        "battery.voltage": "54.60", "battery.temperature": "27", "input.phases": "1",
        "input.frequency": "49.90", "input.voltage": "229", "output.voltage": "230",
        "output.frequency": "50", "output.current": "3.80", "output.realpower": "610",
        "ups.load": "41", "ups.test.result": "no test initiated", "ups.start.auto": "yes",
        "input.voltage.nominal": "230", "battery.runtime.low": "120",
        "ups.beeper.status": "enabled", "input.transfer.low": "170",
        "input.transfer.high": "280", "ups.status": "OL",
    }
    assert {k: values.get(k) for k in expected} == expected
    assert "ups.alarm" not in values
    assert "input.L1-N.voltage" not in values  # a single-phase unit has no L1 copies
    assert {"load.off", "load.on", "shutdown.stop", "load.off.delay", "shutdown.return",
            "test.battery.start.quick", "beeper.disable"} <= set(dev.commands())
    assert values["ups.delay.shutdown"] == "20"


async def test_the_standard_sysobjectid_picks_ietf_without_probing(agent: Snmpsim) -> None:
    drv = await started(agent.port, "rfc1628sysoid")
    assert drv.mib is not None and drv.mib.name == "ietf"


async def test_an_agent_no_table_fits_is_refused_clearly(agent: Snmpsim) -> None:
    drv = driver_for(agent.port, "nomib")
    await drv.open()
    with pytest.raises(NoMibFits, match=r"1\.3\.6\.1\.4\.1\.99999\.7"):
        await drv.initialise()


async def test_on_battery_and_low(agent: Snmpsim) -> None:
    drv = await started(agent.port, "onbattery")
    assert drv.device.get("ups.status") == "OB LB"
    assert drv.device.get("battery.charge") == "9"


async def test_alarm_rows_give_status_words_and_alarm_text(agent: Snmpsim) -> None:
    drv = await started(agent.port, "alarms")
    assert drv.device.get("ups.status") == "ALARM OL RB"
    assert drv.device.get("ups.alarm") == "Battery bad Fan failure"


async def test_three_phase_values_are_per_line(agent: Snmpsim) -> None:
    drv = await started(agent.port, "threephase")
    values = drv.device.snapshot()
    assert values.get("input.phases") == "3"
    assert [values.get(f"input.L{n}-N.voltage") for n in (1, 2, 3)] == ["229", "230", "231"]
    assert [values.get(f"input.L{n}.current") for n in (1, 2, 3)] == ["5.10", "5.20", "5.30"]
    # as NUT: a three-line input has no plain names (they would be line 1's alone)
    assert "input.voltage" not in values and "input.current" not in values
    await drv.poll()
    assert "input.voltage" not in drv.device.snapshot()


async def test_garbage_values_are_skipped_and_the_rest_published(agent: Snmpsim) -> None:
    drv = await started(agent.port, "garbage")
    assert "battery.charge" not in drv.device.snapshot()
    assert drv.device.get("battery.voltage") == "54.60"
    await drv.poll()  # again: no exception escapes


async def test_commands_and_settings_reach_the_agent(agent: Snmpsim) -> None:
    drv = await started(agent.port, "commands")
    port = drv.port
    assert isinstance(port, SnmpPort)

    async def on_agent(oid: str) -> object:
        return (await port.get([oid]))[oid]

    assert await drv.instcmd("load.off", None) is CmdResult.HANDLED
    assert await on_agent(f"{UPS}.8.2.0") == 0
    assert await drv.setvar("ups.delay.shutdown", "45") is CmdResult.HANDLED
    assert await drv.instcmd("load.off.delay", None) is CmdResult.HANDLED
    assert await on_agent(f"{UPS}.8.2.0") == 45
    assert await drv.instcmd("shutdown.stop", None) is CmdResult.HANDLED
    assert await on_agent(f"{UPS}.8.2.0") == -1
    assert await drv.instcmd("test.battery.start.quick", None) is CmdResult.HANDLED
    assert await on_agent(f"{UPS}.7.1.0") == f"{UPS}.7.7.4"
    assert await drv.instcmd("no.such.command", None) is CmdResult.UNKNOWN

    assert await drv.setvar("input.transfer.low", "180") is CmdResult.HANDLED
    assert await on_agent(f"{UPS}.9.9.0") == 180
    assert await drv.setvar("battery.runtime.low", "300") is CmdResult.HANDLED
    assert await on_agent(f"{UPS}.9.7.0") == 5  # minutes on the wire
    assert await drv.setvar("ups.beeper.status", "disabled") is CmdResult.HANDLED
    assert await on_agent(f"{UPS}.9.8.0") == 1
    assert await drv.setvar("ups.id", "rack 9 ups") is CmdResult.HANDLED
    assert await on_agent(f"{UPS}.1.5.0") == "rack 9 ups"
    assert await drv.setvar("input.transfer.low", "9999") is CmdResult.INVALID
    assert await drv.setvar("ups.beeper.status", "loud") is CmdResult.INVALID
    assert await drv.setvar("ups.delay.shutdown", "soon") is CmdResult.INVALID
    assert await drv.setvar("battery.charge", "50") is CmdResult.UNKNOWN
    assert await on_agent(f"{UPS}.9.9.0") == 180

    var = drv.device.variable("input.transfer.low")
    assert var is not None and var.writable and var.ranges == [(0, 500)]
    beeper = drv.device.variable("ups.beeper.status")
    assert beeper is not None and beeper.enums == ["disabled", "enabled", "muted"]
    ident = drv.device.variable("ups.id")
    assert ident is not None and ident.aux == 63


async def test_polls_read_status_every_time_and_the_rest_every_pollfreq(
        agent: Snmpsim) -> None:
    drv = await started(agent.port, "online", pollfreq="30")
    before = ENGINE.requests
    await drv.poll()
    # status rows and upsAlarmsPresent (0: no alarm table walk) in one GET
    assert ENGINE.requests - before == 1
    drv._last_full = -1e9
    before = ENGINE.requests
    await drv.poll()
    assert ENGINE.requests - before == 1  # the slow rows join the same GET
    with_alarms = await started(agent.port, "alarms")
    before = ENGINE.requests
    await with_alarms.poll()
    assert ENGINE.requests - before == 2  # the GET, then the alarm column in a GETBULK


async def test_missing_oids_then_all_missing_then_back(agent: Snmpsim) -> None:
    drv = await started(agent.port, "changing", pollfreq="1", snmp_timeout="3")
    assert drv.device.get("battery.temperature") == "27"
    agent.write("changing", rfc1628(without=(f"{UPS}.2.7.0",)))
    drv._last_full = -1e9
    await eventually(lambda: _polled_without(drv, "battery.temperature"), 15)
    assert drv.device.get("battery.charge") == "87"
    agent.write("changing", [r for r in rfc1628() if not r[0].startswith(UPS)])
    await eventually(lambda: _poll_fails_with(drv, "none of the"), 20)
    agent.write("changing", rfc1628(charge=55))
    drv._last_full = -1e9
    await eventually(lambda: _polled_value(drv, "battery.charge", "55"), 15)


async def _poll_fails_with(drv: SnmpDriver, text: str) -> bool:
    """Whether a full poll fails saying ``text`` (snmpsim re-indexing a rewritten file
    may not answer for a moment: that is a timeout, and another try)."""
    drv._last_full = -1e9
    try:
        await drv.poll()
    except SnmpTimeout:
        return False
    except CommunicationError as exc:
        return text in str(exc)
    return False


async def _polled_without(drv: SnmpDriver, name: str) -> bool:
    drv._last_full = -1e9
    try:
        await drv.poll()
    except SnmpTimeout:  # snmpsim re-reading the file
        return False
    return name not in drv.device.snapshot()


async def _polled_value(drv: SnmpDriver, name: str, value: str) -> bool:
    drv._last_full = -1e9
    with contextlib.suppress(Exception):
        await drv.poll()
    return drv.device.get(name) == value


@contextlib.asynccontextmanager
async def relayed(agent_port: int) -> AsyncIterator[UdpRelay]:
    relay = UdpRelay(agent_port)
    await relay.start()
    try:
        yield relay
    finally:
        relay.close()


@contextlib.asynccontextmanager
async def running(drv: SnmpDriver) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(drv.run())
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_a_silent_agent_goes_stale_and_recovers(agent: Snmpsim) -> None:
    async with relayed(agent.port) as relay:
        drv = driver_for(relay.port, "online", pollinterval="0.2", snmp_timeout="0.3",
                         snmp_retries="0")
        other = driver_for(agent.port, "onbattery", pollinterval="0.2")
        async with running(drv), running(other):
            await eventually(lambda: drv.device.get("ups.status") == "OL", 15)
            relay.silent = True
            await eventually(lambda: drv.device.stale, 15)
            # the other device is polled all along
            other.device.delete("battery.charge")  # read again at every poll
            await eventually(lambda: other.device.get("battery.charge") == "9"
                             and not other.device.stale, 15)
            relay.silent = False
            await eventually(lambda: not drv.device.stale, 15)
            assert drv.device.get("ups.status") == "OL"


async def test_a_slow_agent_is_stale_only_while_slower_than_the_timeout(
        agent: Snmpsim) -> None:
    async with relayed(agent.port) as relay:
        drv = driver_for(relay.port, "online", pollinterval="0.2", snmp_timeout="1",
                         snmp_retries="0")
        async with running(drv):
            await eventually(lambda: drv.device.get("ups.status") == "OL", 15)
            relay.delay = 0.5  # slow, but inside the timeout
            await asyncio.sleep(1.5)
            assert not drv.device.stale
            relay.delay = 3.0
            await eventually(lambda: drv.device.stale, 15)
            relay.delay = 0.0
            await eventually(lambda: not drv.device.stale, 15)


async def test_silence_at_start_is_a_timeout_then_the_device_comes_up(
        agent: Snmpsim, caplog: pytest.LogCaptureFixture) -> None:
    async with relayed(agent.port) as relay:
        relay.silent = True
        drv = driver_for(relay.port, "online", snmp_timeout="0.2", snmp_retries="0")
        await drv.open()
        with pytest.raises(SnmpTimeout, match="no answer"):
            await drv.initialise()
        caplog.set_level(logging.WARNING)
        async with running(drv):
            await eventually(lambda: "no answer" in caplog.text, 15)
            relay.silent = False
            await eventually(lambda: drv.device.get("ups.status") == "OL", 15)


SNMPD_V3 = """\
rocommunity public 127.0.0.1
createUser upsadmin SHA "authpass123" AES "privpass123"
rouser upsadmin priv
"""


async def test_v3_wrong_credentials_log_a_clear_error_and_never_crash(
        tmp_path_factory: pytest.TempPathFactory, caplog: pytest.LogCaptureFixture) -> None:
    with snmpd(tmp_path_factory.mktemp("snmpd"), SNMPD_V3) as port:
        v3 = {"snmp_version": "v3", "secLevel": "authPriv", "secName": "upsadmin",
              "authProtocol": "SHA", "privProtocol": "AES", "privPassword": "privpass123",
              "mibs": "ietf"}
        good = driver_for(port, "x", authPassword="authpass123", **v3)
        await good.open()
        await good.initialise()
        assert good.device.get("device.description")
        bad = driver_for(port, "y", authPassword="wrongpass123", **v3)
        caplog.set_level(logging.WARNING)
        async with running(bad) as task:
            await eventually(lambda: "authPassword" in caplog.text, 15)
            assert not task.done()
            assert not bad.device.connected


async def test_the_first_requests_of_many_devices_are_spread(
        agent: Snmpsim, monkeypatch: pytest.MonkeyPatch) -> None:
    context = DriverContext()
    given = {"port": f"127.0.0.1:{agent.port}", "community": "online",
             "snmp_version": "v2c", "pollinterval": "0.6"}
    drivers = [SnmpDriver(Device(f"u{n}"), given, context=context) for n in range(3)]
    waits: list[float] = []

    def longest(low: float, high: float) -> float:
        waits.append(high)
        return high

    monkeypatch.setattr("upskit.drivers.snmp.driver.random.uniform", longest)
    loop = asyncio.get_running_loop()
    opened = []
    for drv in drivers:
        start = loop.time()
        await drv.open()
        opened.append(loop.time() - start)
        await drv.close()
    # the first device starts at once; the others wait a random part of the interval
    assert waits == [0.6, 0.6]
    assert opened[0] < 0.5 and min(opened[1:]) >= 0.55
    assert context.service(SnmpEngineService).devices == 3
    context.service(SnmpEngineService).devices = 1000
    assert drivers[0].start_window() == 20.0  # a thousand devices: over 20 s
