"""EVER (NUT's ever-hid subdriver; VID 0x2e51, and 0x0483:a113).

Facts from NUT's documentation: EVER units keep most data in a page-0xff00 tree under a
collection with usage 0 (named ``EVER1``, its usages ``EVER2`` ... ``EVER104`` in
NUT's numbering); NUT publishes them under its own names (``id.*``, ``control.*``,
``config.*``, ``statistics.*``, ``networkcard.*``, ``powersummary.*``), firmware
versions as ``v<major>.<minor>b<build>`` and the hardware revision as
``rev.<letter>v<nn>``. NUT's readings of the network card's MAC and IP addresses,
packet counters, work mode, messages and alarms read raw report buffers directly
and are not mapped here.
"""

from __future__ import annotations

from upskit.drivers.hid.subdriver import HidCommand, HidVar, Poll, StatusRule, Subdriver
from upskit.drivers.hid.subdrivers import generic
from upskit.model.mapping import Lookup

EVER_VENDOR, STMICRO_VENDOR = 0x2E51, 0x0483

#: NUT's EVER<n> names number these usages of page 0xff00 in order.
_EVER_USAGES = (*range(0x00, 0x0A), *range(0x10, 0x24), *range(0x30, 0x3A),
                *range(0x40, 0x47), *range(0x50, 0x55), *range(0x60, 0x65),
                *range(0x66, 0x8C), *range(0x90, 0x98))
USAGES = {0x00000000: "EVER1",
          **{0xFF000000 | usage: f"EVER{n}" for n, usage in enumerate(_EVER_USAGES, 2)}}

YES_NO = Lookup({0: "no", 1: "yes"}, name="yes/no")
_REVISIONS = "0ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def version(value: float) -> str:
    """A packed firmware or protocol version."""
    raw = int(value)
    return f"v{(raw & 0xF000) >> 12:X}.{(raw & 0x0F00) >> 8:X}b{raw & 0xFF:02d}"


def hardware(value: float) -> str | None:
    """A packed hardware revision (letter index in the high byte)."""
    raw = int(value)
    index = (raw & 0xFF00) >> 8
    return f"rev.{_REVISIONS[index]}v{raw & 0xFF:02d}" if index < len(_REVISIONS) else None


_E = "UPS.EVER1."
_RWN, _RWS = generic.RW_NUMBER, generic.RW_STRING


def _plain(*pairs: tuple[str, str]) -> tuple[HidVar, ...]:
    return tuple(HidVar(name, path) for name, path in pairs)


VARIABLES: tuple[HidVar, ...] = (
    *_plain(("battery.batteryid", "UPS.BatterySystem.Battery.BatteryID"),
            ("battery.systemid", "UPS.BatterySystem.BatterySystemID"),
            ("battery.chargerid", "UPS.BatterySystem.Charger.ChargerID")),
    HidVar("id.firmware_version_inverter", _E + "EVER13", convert=version),
    HidVar("id.firmware_version_interfaces", _E + "EVER14", convert=version),
    HidVar("id.hardware_version", _E + "EVER15", convert=hardware),
    HidVar("id.protocol_version_inverter", _E + "EVER16", convert=version),
    HidVar("id.protocol_version_interfaces", _E + "EVER17", convert=version),
    HidVar("inverter_info.heatsink_temperature", _E + "EVER42",
           convert=generic.kelvin_to_celsius),
    HidVar("inverter_info.battery_temperature", _E + "EVER43",
           convert=generic.kelvin_to_celsius),
    HidVar("ups_info.output_powerfactor", _E + "EVER44"),
    *(HidVar(name, _E + path, flags=_RWN) for name, path in (
        ("control.ups_on", "EVER45.EVER46"), ("control.clear_fault", "EVER45.EVER47"),
        ("control.clear_battery_fault", "EVER45.EVER48"),
        ("control.epo_blocked", "EVER49.EVER50"), ("control.green_mode", "EVER49.EVER51"),
        ("control.button_sound", "EVER49.EVER52"),
        ("control.audible_alarm", "EVER49.EVER53"))),
    HidVar("config.output_voltage", _E + "EVER54", flags=_RWS, aux=3),
    HidVar("config.overload_clearance_threshold", _E + "EVER59", flags=_RWS, aux=2),
    HidVar("config.stb_charge", _E + "EVER60", flags=_RWS, aux=2),
    HidVar("config.number_of_ebms", _E + "EVER61", flags=_RWS, aux=1),
    *_plain(*((f"statistics.{name}", _E + f"EVER{n}") for n, name in enumerate((
        "mains_loss_counter", "lowering_AVR_trigger_counter",
        "rising_AVR_trigger_counter", "overload_counter", "short_circuit_counter",
        "discharge_counter", "overheat_counter", "mains_operation_time",
        "autonomous_operation_time", "overload_operation_time"), 62))),
    *_plain(*((f"networkcard.config_{name}", _E + f"EVER85.EVER{n}") for n, name in (
        (86, "dhcp_enabled"), (87, "ethernet_enabled"), (88, "http_enabled"),
        (89, "snmp_enabled"), (90, "snmp_trap_enabled"), (91, "readonly"),
        (96, "restart_eth")))),
    *_plain(("id.config_active_power", "UPS.Flow.ConfigActivePower"),
            ("id.config_apparent_power", "UPS.Flow.ConfigApparentPower"),
            ("ups.config_frequency", "UPS.Flow.ConfigFrequency"),
            ("ups.config_voltage", "UPS.Flow.ConfigVoltage"),
            ("outlet.outlet_id", "UPS.OutletSystem.Outlet.OutletID")),
    HidVar("outlet.present", "UPS.OutletSystem.Outlet.PresentStatus.Present",
           lookup=YES_NO),
    HidVar("outlet.switchable", "UPS.OutletSystem.Outlet.PresentStatus.Switchable",
           lookup=YES_NO),
    HidVar("outlet.switch_off_control", "UPS.OutletSystem.Outlet.SwitchOffControl",
           flags=_RWN),
    HidVar("outlet.switch_on_control", "UPS.OutletSystem.Outlet.SwitchOnControl",
           flags=_RWN),
    *_plain(*((f"powerconverter.{name}", f"UPS.PowerConverter.{path}") for name, path in (
        ("input_frequency", "Input.Frequency"), ("input_voltage", "Input.Voltage"),
        ("output_active_power", "Output.ActivePower"),
        ("output_apparent_power", "Output.ApparentPower"),
        ("output_current", "Output.Current"), ("output_frequency", "Output.Frequency"),
        ("output_percent_load", "Output.PercentLoad"), ("output_voltage", "Output.Voltage")))),
    HidVar("powersummary.delay_before_shutdown", "UPS.PowerSummary.DelayBeforeShutdown",
           flags=_RWS, aux=10, default="20", setting=True),
    HidVar("powersummary.remaining_capacity", "UPS.PowerSummary.RemainingCapacity",
           Poll.QUICK),
    HidVar("powersummary.remaining_time_limit", "UPS.PowerSummary.RemainingTimeLimit",
           flags=_RWN),
    *_plain(*((f"powersummary.{name}", f"UPS.PowerSummary.{path}") for name, path in (
        ("design_capacity", "DesignCapacity"), ("full_charge_capacity", "FullChargeCapacity"),
        ("percent_load", "PercentLoad"), ("run_time_to_empty", "RunTimeToEmpty"),
        ("voltage", "Voltage")))),
)

_P = "UPS.PowerSummary.PresentStatus."
STATUS: tuple[StatusRule, ...] = (
    StatusRule(_P + "ACPresent", "online"),
    StatusRule(_P + "AwaitingPower", "awaitingpower"),
    StatusRule(_P + "BatteryPresent", "nobattery", when=0),
    StatusRule(_P + "CommunicationLost", "commfault"),
    StatusRule(_P + "Discharging", "discharging"),
    StatusRule(_P + "NeedReplacement", "replacebatt"),
    StatusRule(_P + "Overload", "overload"),
    StatusRule(_P + "OverTemperature", "overheat"),
    StatusRule(_P + "ShutdownImminent", "shutdownimm"),
    StatusRule(_E + "EVER18.EVER19", "overload"),
    StatusRule(_E + "EVER18.EVER20", "lowbatt"),
    StatusRule(_E + "EVER18.EVER21", "boost"),
    StatusRule(_E + "EVER18.EVER22", "trim"),
    StatusRule(_E + "EVER18.EVER25", "charging"),
    StatusRule(_E + "EVER18.EVER28", "replacebatt"),
    StatusRule(_E + "EVER32.EVER33", "overload"),
    StatusRule(_E + "EVER32.EVER40", "commfault"),
)

COMMANDS: tuple[HidCommand, ...] = (
    HidCommand("load.off.delay", "UPS.PowerSummary.DelayBeforeShutdown", "20"),
    HidCommand("shutdown.return", "UPS.PowerSummary.DelayBeforeShutdown", "20"),
)

EVER = Subdriver(
    name="ever", version="0.1", label="Ever HID 0.1", usages=USAGES, variables=VARIABLES,
    commands=COMMANDS, status=STATUS,
    supported=((STMICRO_VENDOR, 0xA113), (EVER_VENDOR, 0xFFFF)),
    possibly=((EVER_VENDOR, None),),
)
