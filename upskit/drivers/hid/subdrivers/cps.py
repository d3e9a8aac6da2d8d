"""CyberPower (NUT's cps-hid subdriver; VID 0x0764, and Cyber Energy units on 0x0483).

Facts from NUT's documentation and device dumps: CyberPower units keep their timers,
test and load under ``UPS.Output``, report a battery charge above 100 % (clamped),
a ``battery.status`` from ``FullChargeCapacity``, and name two vendor usages on page
0xff01. Several models (CP900EPFCLCD, CP1500PFCLCD) declare the output voltage with
the logical range of the high transfer voltage, or an input/output voltage whose
logical maximum was mis-encoded; the descriptor fix-up widens those ranges to 0..511.
Some 0764:0501 units read their battery voltage 1.5 times too high, which the first
reading against the nominal voltage reveals (NUT's battery scale).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from upskit.drivers.hid.descriptor import Field, ReportDescriptor
from upskit.drivers.hid.subdriver import HidCommand, HidVar, Poll, StatusRule, Subdriver
from upskit.drivers.hid.subdrivers import generic
from upskit.drivers.hid.usages import make_table
from upskit.model.mapping import Lookup

CPS_VENDOR = 0x0764
STMICRO_VENDOR = 0x0483  # Cyber Energy branded units

USAGES = make_table(0xFF01, "43 CPSInputSensitivity d0 CPSFirmwareVersion")

SENSITIVITY = Lookup({0: "low", 1: "normal", 2: "high"}, name="CyberPower sensitivity")

_SUMMARY, _OUT = "UPS.PowerSummary.", "UPS.Output."

VARIABLES: tuple[HidVar, ...] = (
    HidVar("battery.mfr.date", "UPS.Battery.ManufacturerDate", Poll.STATIC,
           convert=generic.hid_date),
    HidVar("battery.charge.warning", _SUMMARY + "WarningCapacityLimit"),
    HidVar("battery.charge.low", _SUMMARY + "RemainingCapacityLimit",
           flags=generic.RW_STRING, aux=10),
    HidVar("battery.charge", _SUMMARY + "RemainingCapacity", Poll.QUICK,
           convert=lambda v: f"{min(v, 100.0):.0f}"),
    HidVar("battery.runtime", _SUMMARY + "RunTimeToEmpty", Poll.QUICK),
    HidVar("battery.runtime.low", _SUMMARY + "RemainingTimeLimit",
           flags=generic.RW_STRING, aux=10),
    HidVar("battery.voltage.nominal", _SUMMARY + "ConfigVoltage", Poll.STATIC),
    HidVar("battery.voltage", _SUMMARY + "Voltage", fmt="%.1f"),
    HidVar("battery.status", _SUMMARY + "FullChargeCapacity", fmt="%.0f%%"),
    HidVar("ups.load", _OUT + "PercentLoad"),
    HidVar("ups.beeper.status", _SUMMARY + "AudibleAlarmControl", lookup=generic.BEEPER),
    HidVar("ups.test.result", _OUT + "Test", lookup=generic.TEST_RESULT),
    HidVar("ups.power", _OUT + "ApparentPower"),
    HidVar("ups.power.nominal", _OUT + "ConfigApparentPower", Poll.STATIC),
    HidVar("ups.realpower", _OUT + "ActivePower"),
    HidVar("ups.realpower.nominal", _OUT + "ConfigActivePower", Poll.STATIC),
    *generic.delay_rows(_OUT, offdelay="60", ondelay="120"),
    HidVar("ups.timer.start", _OUT + "DelayBeforeStartup", Poll.QUICK),
    HidVar("ups.timer.shutdown", _OUT + "DelayBeforeShutdown", Poll.QUICK),
    HidVar("ups.timer.reboot", _OUT + "DelayBeforeReboot", Poll.QUICK),
    HidVar("ups.temperature", _SUMMARY + "Temperature", convert=generic.kelvin_to_celsius),
    HidVar("input.frequency", "UPS.Input.Frequency", fmt="%.1f"),
    HidVar("input.voltage.nominal", "UPS.Input.ConfigVoltage", Poll.STATIC),
    HidVar("input.voltage", "UPS.Input.Voltage", fmt="%.1f"),
    HidVar("input.transfer.low", "UPS.Input.LowVoltageTransfer",
           flags=generic.RW_STRING, aux=10),
    HidVar("input.transfer.high", "UPS.Input.HighVoltageTransfer",
           flags=generic.RW_STRING, aux=10),
    # CP1350EPFCLCD keeps its transfer voltages under Output
    HidVar("input.transfer.low", _OUT + "LowVoltageTransfer",
           flags=generic.RW_STRING, aux=10),
    HidVar("input.transfer.high", _OUT + "HighVoltageTransfer",
           flags=generic.RW_STRING, aux=10),
    HidVar("input.sensitivity", _OUT + "CPSInputSensitivity", lookup=SENSITIVITY,
           flags=generic.RW_STRING),
    HidVar("output.frequency", _OUT + "Frequency", fmt="%.1f"),
    HidVar("output.voltage", _OUT + "Voltage", fmt="%.1f"),
    HidVar("output.voltage.nominal", _OUT + "ConfigVoltage", Poll.STATIC),
)

_ALARM = _SUMMARY + "AudibleAlarmControl"
COMMANDS: tuple[HidCommand, ...] = (
    *generic.battery_test_commands(_OUT + "Test"),
    HidCommand("load.off.delay", _OUT + "DelayBeforeShutdown", "ups.delay.shutdown"),
    HidCommand("load.on.delay", _OUT + "DelayBeforeStartup", "ups.delay.start"),
    HidCommand("shutdown.stop", _OUT + "DelayBeforeShutdown", "-1"),
    HidCommand("shutdown.reboot", _OUT + "DelayBeforeReboot", "10"),
    HidCommand("beeper.on", _ALARM, "2"),
    HidCommand("beeper.off", _ALARM, "3"),
    HidCommand("beeper.enable", _ALARM, "2"),
    HidCommand("beeper.disable", _ALARM, "1"),
    HidCommand("beeper.mute", _ALARM, "3"),
)

_PRESENT = _SUMMARY + "PresentStatus."
STATUS: tuple[StatusRule, ...] = (
    StatusRule(_PRESENT + "ACPresent", "online"),
    StatusRule(_PRESENT + "Charging", "charging"),
    StatusRule(_PRESENT + "Discharging", "discharging"),
    StatusRule(_PRESENT + "BelowRemainingCapacityLimit", "lowbatt"),
    StatusRule(_PRESENT + "FullyCharged", "fullycharged"),
    StatusRule(_PRESENT + "RemainingTimeLimitExpired", "timelimitexp"),
    StatusRule(_OUT + "Boost", "boost"),
    StatusRule(_OUT + "Overload", "overload"),
)

VOLTAGE, HIGH_TRANSFER = 0x840030, 0x840054
INPUT_REPORT, HIGH_TRANSFER_REPORT, OUTPUT_REPORT = 0x0F, 0x10, 0x12
VOLTAGE_RANGE = (0, 511)  # what CyberPower's voltages really span, with a margin


def _find(desc: ReportDescriptor, report_id: int, usage: int) -> Field | None:
    return next((f for f in desc.fields if f.report_id == report_id and f.usage == usage),
                None)


def fix_voltages(desc: ReportDescriptor) -> ReportDescriptor:
    """Widen the logical ranges of the input (report 0x0f) and output (0x12) voltages
    that CyberPower firmware declares wrongly (see the module docstring)."""
    out_v, in_v = _find(desc, OUTPUT_REPORT, VOLTAGE), _find(desc, INPUT_REPORT, VOLTAGE)
    hvt = _find(desc, HIGH_TRANSFER_REPORT, HIGH_TRANSFER)
    ranges: dict[Field, tuple[int, int]] = {}
    if out_v is not None and hvt is not None:
        hvt_range = (hvt.logical_min, hvt.logical_max)
        if (out_v.logical_min, out_v.logical_max) == hvt_range:
            ranges[out_v] = VOLTAGE_RANGE
            if in_v is not None and (in_v.logical_min, in_v.logical_max) == hvt_range:
                ranges[in_v] = VOLTAGE_RANGE
    if out_v is not None and in_v is not None and out_v not in ranges and (
            out_v.logical_max_fixed or in_v.logical_max_fixed):
        ranges.update(_assumed_maxima(in_v, out_v))
    if not ranges:
        return desc
    fields = tuple(dataclasses.replace(f, logical_min=ranges[f][0], logical_max=ranges[f][1])
                   if f in ranges else f for f in desc.fields)
    return dataclasses.replace(desc, fields=fields)


def _assumed_maxima(in_v: Field, out_v: Field) -> dict[Field, tuple[int, int]]:
    """Mis-encoded logical maxima (read as 255 or 65535): at least 511, the two
    aligned, no more than each field's bits can hold."""
    top = {f: f.logical_max for f in (in_v, out_v)}
    for f in top:
        if f.logical_max_fixed and top[f] < VOLTAGE_RANGE[1]:
            top[f] = VOLTAGE_RANGE[1]
    if out_v.logical_max_fixed and top[out_v] < top[in_v]:
        top[out_v] = top[in_v]
    elif in_v.logical_max_fixed and top[in_v] < top[out_v]:
        top[in_v] = top[out_v]
    for f in top:
        if f.logical_max_fixed and 1 < f.size <= 64:
            top[f] = min(top[f], (1 << f.size) - 1)
    return {f: (f.logical_min, top[f]) for f in top if top[f] != f.logical_max}


#: A battery voltage this far above the nominal one is read 1.5 times too high.
BATTERY_SANITY = 1.4


def _scaled_battery(sub: Subdriver) -> Subdriver:
    rows = tuple(dataclasses.replace(row, fmt="%.1f", convert=lambda v: f"{v * 2 / 3:.1f}")
                 if row.name == "battery.voltage" else row for row in sub.variables)
    return dataclasses.replace(sub, variables=rows, settle=None)


def settle_battery_scale(get: Callable[[str], str | None]) -> Subdriver | None:
    """Some CP*AVR units (0764:0501) report their battery voltage 1.5 times too high:
    when the first reading is above 1.4 times the nominal voltage, scale it by 2/3."""
    try:
        volts = float(get("battery.voltage") or "")
        nominal = float(get("battery.voltage.nominal") or "")
    except ValueError:
        return None
    if nominal and volts / nominal > BATTERY_SANITY:
        return _scaled_battery(CPS_0501)
    return None


CPS = Subdriver(
    name="cps", version="0.82", label="CyberPower HID 0.82", usages=USAGES,
    variables=VARIABLES, commands=COMMANDS, status=STATUS,
    supported=((CPS_VENDOR, 0x0005), (CPS_VENDOR, 0x0601), (STMICRO_VENDOR, 0xA430)),
    possibly=((CPS_VENDOR, None),),
    fix_descriptor=fix_voltages,
)
#: 0764:0501 (CP1200AVR, CP1500C, CP550HG ...): the same table, with the battery check.
CPS_0501 = dataclasses.replace(CPS, supported=((CPS_VENDOR, 0x0501),), possibly=(),
                               settle=settle_battery_scale)
#: Both, the general one first (the one ``subdriver = cps`` names).
FAMILIES = (CPS, CPS_0501)
