"""The UPS vendor tables against agents written here from the MIBs' facts and served
by one snmpsim: detection by sysObjectID (and what happens when a sysObjectID lies),
the values and status each table publishes, and commands and settings checked on the
agent."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.drivers.snmp.pdu_support import on_agent, started, system
from tests.transport.snmp.agents import Record, Snmpsim, snmpsim
from upskit.drivers.snmp.detect import NoMibFits
from upskit.model import CmdResult

pytestmark = pytest.mark.asyncio(loop_scope="module")

APC = "1.3.6.1.4.1.318.1.1.1"
XUPS = "1.3.6.1.4.1.534.1"
MGE = "1.3.6.1.4.1.705.1"
CPS = "1.3.6.1.4.1.3808.1.1.1"
XPPC = "1.3.6.1.4.1.935.1.1.1"
HW = "1.3.6.1.4.1.2011.6.174.1"
DELTA = "1.3.6.1.4.1.2254.2.4"
NV = "1.3.6.1.4.1.4555.1.1.1.1"
CPQ = "1.3.6.1.4.1.232.165.3"
BEST = "1.3.6.1.4.1.2947.1"
LGP = "1.3.6.1.4.1.476.1.42"
POINT = f"{LGP}.3.9.30.1.20.1.2.1"
IETF = "1.3.6.1.2.1.33.1"


def apc(output_status: int = 2, battery_status: int = 2, replace: int = 1) -> list[Record]:
    return [
        *system("1.3.6.1.4.1.318.1.3.27", "APC Web/SNMP Management Card"),
        (f"{APC}.1.1.1.0", "4", "Smart-UPS 1500"),
        (f"{APC}.1.2.1.0", "4", "UPS 09.3"),
        (f"{APC}.1.2.3.0", "4", "AS1234567890"),
        (f"{APC}.2.1.1.0", "2", battery_status),
        (f"{APC}.2.2.1.0", "66", 97),
        (f"{APC}.2.2.3.0", "67", 123400),             # TimeTicks: 1234 s
        (f"{APC}.2.2.4.0", "2", replace),
        (f"{APC}.2.3.1.0", "66", 975),                # high precision: 97.5 %
        (f"{APC}.2.3.4.0", "2", 273),
        (f"{APC}.3.2.1.0", "66", 229),
        (f"{APC}.3.3.1.0", "66", 2294),
        (f"{APC}.4.1.1.0", "2", output_status),
        (f"{APC}.4.2.3.0", "66", 31),
        (f"{APC}.4.3.3.0", "66", 312),
        (f"{APC}.5.2.2.0", "2:writecache", 253),
        (f"{APC}.5.2.3.0", "2:writecache", 196),
        (f"{APC}.5.2.7.0", "2:writecache", 3),
        (f"{APC}.5.2.4.0", "2:writecache", 2),        # upsAdvConfigAlarm: atLowBattery
        (f"{APC}.5.2.10.0", "67:writecache", 9000),   # upsAdvConfigShutoffDelay: 90 s
        (f"{APC}.6.1.1.0", "2:writecache", 1),
        (f"{APC}.6.2.1.0", "2:writecache", 1),
        (f"{APC}.6.2.2.0", "2:writecache", 1),
        (f"{APC}.6.2.6.0", "2:writecache", 1),
        (f"{APC}.7.2.2.0", "2:writecache", 1),
        (f"{APC}.7.2.6.0", "2", 1),
    ]


def xups(sysoid: str = XUPS, source: int = 3, abm: int = 4,
         alarms: tuple[int, ...] = ()) -> list[Record]:
    return [
        *system(sysoid, "ConnectUPS Web/SNMP Card"),
        (f"{XUPS}.1.1.0", "4", "EATON"),
        (f"{XUPS}.1.2.0", "4", "PW9130 1000VA-R"),
        (f"{XUPS}.1.3.0", "4", "INV: 1.29"),
        (f"{XUPS}.2.1.0", "2", 1948),
        (f"{XUPS}.2.2.0", "2", 39),
        (f"{XUPS}.2.4.0", "2", 100),
        (f"{XUPS}.2.5.0", "2", abm),
        (f"{XUPS}.2.6.0", "4", "08/17/2024"),
        (f"{XUPS}.3.1.0", "2", 500),
        (f"{XUPS}.3.3.0", "2", 1),
        (f"{XUPS}.3.4.1.2.1", "2", 234),
        (f"{XUPS}.4.1.0", "2", 35),
        (f"{XUPS}.4.2.0", "2", 500),
        (f"{XUPS}.4.3.0", "2", 1),
        (f"{XUPS}.4.4.1.2.1", "2", 229),
        (f"{XUPS}.4.5.0", "2", source),
        (f"{XUPS}.7.1.0", "66", len(alarms)),
        *((f"{XUPS}.7.2.1.1.{n}", "2", n) for n in range(1, len(alarms) + 1)),
        *((f"{XUPS}.7.2.1.2.{n}", "6", f"{XUPS}.7.{a}") for n, a in enumerate(alarms, 1)),
        (f"{XUPS}.8.1.0", "2:writecache", 0),
        (f"{XUPS}.8.2.0", "2", 2),
        (f"{XUPS}.9.1.0", "2:writecache", -1),
        (f"{XUPS}.9.2.0", "2:writecache", -1),
        (f"{XUPS}.9.6.0", "2:writecache", -1),
        (f"{XUPS}.12.1.0", "2", 2),
        *((f"{XUPS}.12.2.1.1.{n}", "2", n) for n in (1, 2)),
        (f"{XUPS}.12.2.1.2.1", "2", 1),
        (f"{XUPS}.12.2.1.2.2", "2", 2),
        *((f"{XUPS}.12.2.1.3.{n}", "2:writecache", -1) for n in (1, 2)),
        *((f"{XUPS}.12.2.1.4.{n}", "2:writecache", -1) for n in (1, 2)),
        (f"{IETF}.1.5.0", "4", "GG435A0270"),
    ]


def mge(on_battery: int = 2, low: int = 2, phases: int = 1) -> list[Record]:
    return [
        *system(MGE, "Eaton 9PX"),
        (f"{MGE}.1.1.0", "4", "Eaton 9PX"),
        (f"{MGE}.1.4.0", "4", "01.16.4638"),
        (f"{MGE}.1.7.0", "4", "GA10J05109"),
        (f"{MGE}.5.1.0", "2", 1132),
        (f"{MGE}.5.2.0", "2", 91),
        (f"{MGE}.5.5.0", "2", 550),
        (f"{MGE}.5.11.0", "2", 2),
        (f"{MGE}.5.14.0", "2", low),
        (f"{MGE}.5.16.0", "2", 2),
        (f"{MGE}.7.1.0", "2", phases),
        *((f"{MGE}.7.2.1.2.{n}", "2", 2300 + n) for n in range(1, phases + 1)),
        *((f"{MGE}.7.2.1.4.{n}", "2", 20 + n) for n in range(1, phases + 1)),
        (f"{MGE}.7.3.0", "2", on_battery),
        (f"{MGE}.7.4.0", "2", 2),
        (f"{MGE}.7.10.0", "2", 2),
        (f"{IETF}.8.2.0", "2:writecache", -1),
        (f"{IETF}.9.8.0", "2:writecache", 2),
    ]


def cyberpower(sysoid: str = "1.3.6.1.4.1.3808.1.1.3") -> list[Record]:
    return [
        *system(sysoid, "Power Manager"),
        (f"{CPS}.1.1.1.0", "4", "OL2200RTXL2U"),
        (f"{CPS}.1.2.3.0", "4", "ABCFT1000001"),
        (f"{CPS}.2.1.1.0", "2", 3),                   # batteryLow
        (f"{CPS}.2.2.1.0", "66", 12),
        (f"{CPS}.2.2.4.0", "67", 30000),              # 300 s
        (f"{CPS}.2.2.5.0", "2", 2),                   # replace the battery
        (f"{CPS}.3.2.1.0", "66", 1195),
        (f"{CPS}.4.1.1.0", "2", 3),                   # onBattery
        (f"{CPS}.4.2.1.0", "66", 1202),
        (f"{CPS}.6.1.1.0", "2:writecache", 1),
        (f"{CPS}.7.2.2.0", "2:writecache", 1),
    ]


def rfc1628(sysoid: str, *, mfr: bool = True) -> list[Record]:
    """A plain RFC 1628 agent (what PowerWalker and Generex cards serve)."""
    return [
        *system(sysoid, "Power Management Card"),
        *([(f"{IETF}.1.1.0", "4", "TRIPP LITE")] if mfr else []),
        (f"{IETF}.1.2.0", "4", "500R"),
        (f"{IETF}.2.4.0", "2", 100),
        (f"{IETF}.4.1.0", "2", 3),
    ]


def huawei() -> list[Record]:
    return [
        *system("1.3.6.1.4.1.8072.3.2.10", "Linux GSE200M"),
        (f"{HW}.2.100.1.2.1", "4", "UPS5000-E"),
        (f"{HW}.2.100.1.5.1", "4", "2102310NYJ10EB000045"),
        (f"{HW}.2.101.1.1.1", "2", 4),                # battery supply
        (f"{HW}.2.101.1.3.1", "2", 6),                # discharging
        (f"{HW}.3.100.1.1.1", "66", 2347),
        (f"{HW}.3.100.1.4.1", "66", 5000),
        (f"{HW}.4.100.1.17.1", "66", 4),              # 380 V rating
        (f"{HW}.6.100.1.3.1", "66", 64),
    ]


def netvision() -> list[Record]:
    return [
        *system("1.3.6.1.4.1.4555.1.1.1", "NET VISION"),
        (f"{NV}.1.1.0", "4", "MASTERYS 60"),
        (f"{NV}.1.4.0", "4", "SN123"),
        (f"{NV}.2.1.0", "2", 5),                      # discharging
        (f"{NV}.2.3.0", "2", 12),                     # minutes
        (f"{NV}.2.4.0", "2", 80),
        (f"{NV}.3.1.0", "2", 3),
        *((f"{NV}.3.3.1.5.{n}", "2", 2300 + n) for n in (1, 2, 3)),
        (f"{NV}.4.1.0", "2", 5),                      # battery
        (f"{NV}.4.3.0", "2", 1),
        (f"{NV}.4.4.1.2.1", "2", 2290),
        (f"{NV}.4.4.1.4.1", "2", 41),
    ]


def cpqpower() -> list[Record]:
    return [
        *system(CPQ, "HP UPS Network Module"),
        (f"{CPQ}.1.1.0", "4", "HP"),
        (f"{CPQ}.1.2.0", "4", "R1500 G3"),
        (f"{CPQ}.2.4.0", "2", 99),
        (f"{CPQ}.2.5.0", "2", 1),                     # charging
        (f"{CPQ}.3.1.0", "2", 600),
        (f"{CPQ}.4.1.0", "2", 22),
        (f"{CPQ}.4.3.0", "2", 1),
        (f"{CPQ}.4.4.1.2.1", "2", 120),
        (f"{CPQ}.4.5.0", "2", 3),
        (f"{CPQ}.7.1.0", "2:writecache", 0),
        (f"{CPQ}.8.1.0", "2:writecache", -1),
        (f"{CPQ}.10.1.0", "2", 2),
        (f"{CPQ}.10.2.1.2.1", "2", 1),
        (f"{CPQ}.10.2.1.2.2", "2", 2),
        *((f"{CPQ}.10.2.1.3.{n}", "2:writecache", -1) for n in (1, 2)),
    ]


AGENTS: dict[str, list[Record]] = {
    "apc": apc(),
    "apc-onbattery": apc(output_status=3, battery_status=3, replace=2),
    "apc-commands": apc(),
    "xups": xups(alarms=(11, 7)),
    "xups-onbattery": xups(source=5, abm=2, alarms=(3, 4)),
    "xups-commands": xups(),
    "pxg": xups(sysoid="1.3.6.1.4.1.534.2.12"),
    "mge": mge(),
    "mge-onbattery": mge(on_battery=1, low=1),
    "mge-3phase": mge(phases=3),
    # Eaton NMC cards answer XUPS identity too, and their sysObjectID is also claimed by
    # the NMC ATS table: the sysObjectID's tables are tried before probing all of them
    "mge-and-xups": [*mge(), (f"{XUPS}.1.2.0", "4", "Eaton 9PX")],
    "cyberpower": cyberpower(),
    "powerwalker": rfc1628("1.3.6.1.4.1.3808.1.1.1", mfr=False),
    "tripplite": [*rfc1628("1.3.6.1.4.1.850.1"),
                  ("1.3.6.1.4.1.850.10.1.1.0", "2", 1)],
    "rfc1628-unknown": rfc1628("1.3.6.1.4.1.99999.3"),
    "huawei": huawei(),
    "linux-host": [*system("1.3.6.1.4.1.8072.3.2.10", "Linux server")],
    "netvision": netvision(),
    "cpqpower": cpqpower(),
    "bestpower": [*system("1.3.6.1.4.1.99999.9", "ConnectUPS"),
                  (f"{BEST}.1.2.0", "4", "FE850VA"),
                  (f"{BEST}.2.1.0", "2", 2),
                  (f"{BEST}.2.3.0", "2", 9),
                  (f"{BEST}.2.4.0", "2", 1275)],
    "vertiv": [*system("1.3.6.1.4.1.476.1.42", "Liebert IS-UNITY"),
               (f"{LGP}.2.1.1.0", "4", "Vertiv"),
               (f"{LGP}.2.4.2.1.4.1", "4", "PSI5-1500RT120"),
               (f"{POINT}.4872", "2", 3),
               (f"{POINT}.4153", "2", 100),
               (f"{POINT}.4150", "2", 45),
               (f"{POINT}.4096", "2", 1201),
               (f"{POINT}.6188", "2:writecache", 1)],
    "xppc": [*system("1.3.6.1.4.1.935.1.1.1", "My UPS"),
             (f"{XPPC}.1.1.1.0", "4", ""),
             (f"{XPPC}.2.1.1.0", "2", 2),
             (f"{XPPC}.2.2.1.0", "2", 100),
             (f"{XPPC}.2.2.3.0", "2", 315),
             (f"{XPPC}.4.1.1.0", "2", 2),
             (f"{XPPC}.4.2.1.0", "2", 2307)],
    "delta": [*system("1.3.6.1.4.1.2254.2.4", "UPS SNMP Agent"),
              (f"{DELTA}.1.1.0", "4", "Minuteman"),
              (f"{DELTA}.1.2.0", "4", "E1500RTXL2U"),
              (f"{DELTA}.5.1.0", "2", 1)],
}


@pytest.fixture(scope="module")
def agent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Snmpsim]:
    with snmpsim(tmp_path_factory.mktemp("ups-mibs"), AGENTS) as sim:
        yield sim


@pytest.mark.parametrize(("community", "table"), [
    ("apc", "apcc"), ("xups", "pw"), ("pxg", "eaton_pxg_ups"), ("mge", "mge"),
    ("mge-and-xups", "mge"),
    ("cyberpower", "cyberpower"), ("tripplite", "tripplite"), ("huawei", "huawei"),
    ("xppc", "xppc"), ("delta", "delta_ups"), ("netvision", "netvision"),
    ("cpqpower", "cpqpower"), ("vertiv", "vertiv"),
    # no sysObjectID names Best Power cards: found by their model OID
    ("bestpower", "bestpower"),
    # a card announcing CyberPower's sysObjectID but serving RFC 1628 only
    ("powerwalker", "ietf"),
    # RFC 1628 of a vendor no table knows: ietf, not tripplite (NUT 2.8.0's choice)
    ("rfc1628-unknown", "ietf"),
])
async def test_detection(agent: Snmpsim, community: str, table: str) -> None:
    drv = await started(agent.port, community)
    assert drv.mib is not None and drv.mib.name == table


async def test_a_linux_host_is_not_a_huawei_ups(agent: Snmpsim) -> None:
    with pytest.raises(NoMibFits):
        await started(agent.port, "linux-host")


async def test_apcc_values_and_status(agent: Snmpsim) -> None:
    dev = (await started(agent.port, "apc")).device
    assert dev.get("ups.mfr") == "APC" and dev.get("device.mfr") == "APC"
    assert dev.get("ups.model") == "Smart-UPS 1500"
    assert dev.get("ups.serial") == "AS1234567890"
    assert dev.get("battery.charge") == "97.50"      # the precise OID wins
    assert dev.get("battery.runtime") == "1234"
    assert dev.get("battery.voltage") == "27.30"
    assert dev.get("input.voltage") == "229.40"
    assert dev.get("ups.load") == "31.20"
    assert dev.get("input.sensitivity") == "medium"
    assert dev.get("ups.status") == "OL"
    dev = (await started(agent.port, "apc-onbattery")).device
    assert dev.get("ups.status") == "OB LB RB"


async def test_apcc_commands_and_settings(agent: Snmpsim) -> None:
    drv = await started(agent.port, "apc-commands")
    assert await drv.instcmd("shutdown.return", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{APC}.6.1.1.0") == 2
    assert await drv.instcmd("shutdown.stayoff", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{APC}.6.2.1.0") == 3
    assert await drv.instcmd("load.off", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{APC}.6.2.1.0") == 2
    assert await drv.instcmd("load.on", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{APC}.6.2.6.0") == 2
    assert await drv.instcmd("shutdown.reboot", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{APC}.6.2.2.0") == 2
    assert await drv.instcmd("test.battery.start", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{APC}.7.2.2.0") == 2
    assert "bypass.start" not in drv.commands      # the agent has no such OID
    assert await drv.setvar("input.transfer.low", "180") is CmdResult.HANDLED
    assert await on_agent(drv, f"{APC}.5.2.3.0") == 180
    assert await drv.setvar("input.sensitivity", "high") is CmdResult.HANDLED
    assert await on_agent(drv, f"{APC}.5.2.7.0") == 4
    assert await drv.setvar("input.transfer.high", "900") is CmdResult.INVALID
    assert drv.device.get("ups.delay.shutdown") == "90"
    assert drv.device.get("ups.beeper.status") == "enabled"
    assert await drv.instcmd("beeper.mute", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{APC}.5.2.4.0") == 4
    assert await drv.setvar("ups.beeper.status", "disabled") is CmdResult.HANDLED
    assert await on_agent(drv, f"{APC}.5.2.4.0") == 3
    assert await drv.setvar("ups.delay.shutdown", "180") is CmdResult.HANDLED
    assert await on_agent(drv, f"{APC}.5.2.10.0") == 18000   # TimeTicks on the wire


async def test_pw_values_status_and_alarms(agent: Snmpsim) -> None:
    dev = (await started(agent.port, "xups")).device
    assert dev.get("ups.mfr") == "EATON" and dev.get("ups.model") == "PW9130 1000VA-R"
    assert dev.get("ups.serial") == "GG435A0270"   # from RFC 1628
    assert dev.get("battery.date") == "2024-08-17"
    assert dev.get("battery.charger.status") == "resting"
    assert dev.get("input.frequency") == "50" and dev.get("output.voltage") == "229"
    assert dev.get("outlet.count") == "2" and dev.get("outlet.2.status") == "off"
    assert dev.get("ups.status") == "ALARM OL BYPASS OVER"
    assert dev.get("ups.alarm") == "Output overload"
    dev = (await started(agent.port, "xups-onbattery")).device
    assert dev.get("ups.status") == "OB LB DISCHRG"


async def test_pw_commands(agent: Snmpsim) -> None:
    drv = await started(agent.port, "xups-commands")
    assert await drv.setvar("ups.delay.shutdown", "60") is CmdResult.HANDLED
    assert await drv.instcmd("shutdown.return", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{XUPS}.9.6.0") == 60
    assert await drv.instcmd("load.off", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{XUPS}.9.1.0") == 1   # 0 would cancel
    assert await drv.instcmd("shutdown.stop", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{XUPS}.9.1.0") == 0
    assert await drv.instcmd("load.on", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{XUPS}.9.2.0") == 1
    assert await drv.instcmd("test.battery.start", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{XUPS}.8.1.0") == 1
    assert await drv.instcmd("outlet.2.load.off", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{XUPS}.12.2.1.3.2") == 0


async def test_mge_status_phases_and_commands(agent: Snmpsim) -> None:
    drv = await started(agent.port, "mge")
    dev = drv.device
    assert dev.get("ups.mfr") == "Eaton" and dev.get("ups.model") == "Eaton 9PX"
    assert dev.get("battery.voltage") == "55" and dev.get("output.voltage") == "230.10"
    assert dev.get("ups.status") == "OL" and dev.get("ups.beeper.status") == "enabled"
    assert await drv.instcmd("load.off", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{IETF}.8.2.0") == 0
    assert await drv.setvar("ups.beeper.status", "disabled") is CmdResult.HANDLED
    assert await on_agent(drv, f"{IETF}.9.8.0") == 1
    dev = (await started(agent.port, "mge-onbattery")).device
    assert dev.get("ups.status") == "OB LB"
    dev = (await started(agent.port, "mge-3phase")).device
    assert [dev.get(f"output.L{n}-N.voltage") for n in (1, 2, 3)] == \
        ["230.10", "230.20", "230.30"]
    assert dev.get("ups.L3.load") == "23"


async def test_cyberpower_values_status_and_commands(agent: Snmpsim) -> None:
    drv = await started(agent.port, "cyberpower")
    dev = drv.device
    assert dev.get("ups.mfr") == "CYBERPOWER" and dev.get("ups.model") == "OL2200RTXL2U"
    assert dev.get("battery.runtime") == "300" and dev.get("input.voltage") == "119.50"
    assert dev.get("ups.status") == "OB LB RB"
    assert await drv.instcmd("shutdown.return", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{CPS}.6.1.1.0") == 2
    assert await drv.instcmd("test.battery.start", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{CPS}.7.2.2.0") == 2


async def test_small_tables(agent: Snmpsim) -> None:
    dev = (await started(agent.port, "huawei")).device
    assert dev.get("ups.mfr") == "Huawei" and dev.get("ups.model") == "UPS5000-E"
    assert dev.get("ups.status") == "OB DISCHRG"
    assert dev.get("input.L1-N.voltage") == "234.70" and dev.get("input.frequency") == "50"
    assert dev.get("output.voltage.nominal") == "380" and dev.get("input.phases") == "3"
    dev = (await started(agent.port, "xppc")).device
    assert dev.get("ups.mfr") == "Tripp Lite / Phoenixtec" and dev.get("ups.status") == "OL"
    assert dev.get("ups.temperature") == "31.50" and dev.get("output.voltage") == "230.70"
    dev = (await started(agent.port, "delta")).device
    assert dev.get("ups.model") == "E1500RTXL2U" and dev.get("ups.status") == "OB"
    dev = (await started(agent.port, "tripplite")).device
    assert dev.get("ups.model") == "500R" and dev.get("ups.status") == "OL"


async def test_netvision_cpqpower_bestpower_vertiv(agent: Snmpsim) -> None:
    dev = (await started(agent.port, "netvision")).device
    assert dev.get("ups.mfr") == "SOCOMEC SICON UPS" and dev.get("ups.model") == "MASTERYS 60"
    assert dev.get("ups.status") == "OB DISCHRG" and dev.get("battery.runtime") == "720"
    assert [dev.get(f"input.L{n}-N.voltage") for n in (1, 2, 3)] == \
        ["230.10", "230.20", "230.30"]
    drv = await started(agent.port, "cpqpower")
    dev = drv.device
    assert dev.get("ups.mfr") == "HP" and dev.get("ups.status") == "OL CHRG"
    assert dev.get("input.frequency") == "60" and dev.get("outlet.2.status") == "off"
    assert await drv.instcmd("load.off", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{CPQ}.8.1.0") == 1
    assert await drv.instcmd("test.battery.start", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{CPQ}.7.1.0") == 1
    assert await drv.instcmd("outlet.1.load.off", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{CPQ}.10.2.1.3.1") == 0
    dev = (await started(agent.port, "bestpower")).device
    assert dev.get("ups.mfr") == "EATON" and dev.get("ups.status") == "OB"
    assert dev.get("battery.runtime") == "540" and dev.get("battery.voltage") == "127.50"
    drv = await started(agent.port, "vertiv")
    dev = drv.device
    assert dev.get("device.model") == "PSI5-1500RT120" and dev.get("ups.status") == "OL"
    assert dev.get("battery.runtime") == "2700" and dev.get("input.voltage") == "120.10"
    assert await drv.instcmd("beeper.disable", None) is CmdResult.HANDLED
    assert await on_agent(drv, f"{POINT}.6188") == 2
    assert dev.get("ups.beeper.status") == "enabled"
