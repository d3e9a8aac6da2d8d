"""PowerCOM (NUT's powercom-hid subdriver, "PowerCOM HID 0.73"; VID 0x0d9f).

Facts from NUT's documentation and device dumps: status under
``UPS.PowerSummary.PresentStatus`` or ``UPS.PresentStatus``; ``UPS.PowerSummary.Voltage``
repeats the output voltage, so no battery voltage is published from it; the beeper
reads 1 enabled, 2 disabled. The delays are packed: the startup delay is minutes with
its two bytes swapped; the shutdown delay is minutes in the high byte and seconds in
the low byte, written with bit 6 (restart when power returns: ``shutdown.return``) or
bit 7 (stay off: ``shutdown.stayoff``), and 0 s (the longest delay) is sent as 1 s.
Some units (0d9f:0001) use a "PowercomUPS" tree on page 0x0002 with two bit-field
status words and voltages in units of 4 V. 0d9f:0002 is a serial-protocol unit for
NUT's powercom driver.
"""

from __future__ import annotations

from collections.abc import Callable

from upskit.drivers.hid.subdriver import HidCommand, HidVar, Poll, StatusRule, Subdriver
from upskit.drivers.hid.subdrivers import generic
from upskit.drivers.hid.usages import make_table
from upskit.model.mapping import Lookup

POWERCOM_VENDOR = 0x0D9F

USAGES = {
    **make_table(0x02, """
04 PowercomUPS 10 PowercomBatterySystem 16 PowercomPowerConverter 1a PowercomInput
1c PowercomOutput 30 PowercomVoltage 32 PowercomFrequency 35 PowercomPercentLoad
36 PowercomTemperature 56 PowercomDelayBeforeStartup 57 PowercomDelayBeforeShutdown
58 PowercomTest 68 PowercomShutdownRequested 81 PowercomInternalChargeController
82 PowercomPrimaryBatterySupport 83 PowercomDesignCapacity 84 PowercomSpecificationInfo
85 PowercomManufacturerDate 86 PowercomSerialNumber 87 PowercomManufacturerName
"""),
    **make_table(0x84, "2f POWERCOM1"),
    **make_table(0xFF86, "60 POWERCOM2 80 POWERCOM3"),
    **make_table(0xFF, "56 PCMDelayBeforeStartup 57 PCMDelayBeforeShutdown"),
}

BEEPER = Lookup({1: "enabled", 2: "disabled"}, name="PowerCOM beeper")
RESTART, STAY_OFF = 0x0040, 0x0080


def startup_seconds(value: float) -> str:
    """The startup timer: byte-swapped minutes, as seconds."""
    raw = int(value) & 0xFFFF
    return str(60 * (((raw & 0xFF) << 8) + (raw >> 8)))


def shutdown_seconds(value: float) -> str:
    """The shutdown timer: minutes in the high byte, seconds in the low byte."""
    raw = int(value) & 0xFFFF
    return str(60 * (raw >> 8) + (raw & 0xFF))


def encode_startup(seconds: float) -> float:
    """A startup delay in seconds as the unit's byte-swapped minutes."""
    minutes = int(seconds) // 60 & 0xFFFF
    return ((minutes << 8) + (minutes >> 8)) & 0xFFFF


def _encode_shutdown(flag: int) -> Callable[[float], float]:
    def encode(seconds: float) -> float:
        delay = int(seconds) or 1  # 0 would set the longest delay
        return (((delay // 60) << 8) + delay % 60 | flag) & 0xFFFF
    return encode


def fourfold(value: float) -> str:
    """A PowercomUPS voltage, in units of 4 V."""
    return f"{value * 4:.0f}"


_SUMMARY = "UPS.PowerSummary."
_PCM_BS, _PCM_CONV = "PowercomUPS.PowercomBatterySystem.", "PowercomUPS.PowercomPowerConverter."
_PCM_OUT = _PCM_CONV + "PowercomOutput."

VARIABLES: tuple[HidVar, ...] = (
    HidVar("battery.charge", _SUMMARY + "RemainingCapacity", Poll.QUICK),
    HidVar("battery.charge", "UPS.Battery.RemainingCapacity", Poll.QUICK),
    HidVar("battery.charge.low", _SUMMARY + "RemainingCapacityLimit"),
    HidVar("battery.charge.warning", _SUMMARY + "WarningCapacityLimit"),
    HidVar("battery.runtime", _SUMMARY + "RunTimeToEmpty", Poll.QUICK),
    HidVar("battery.date", "UPS.Battery.ManufacturerDate", Poll.STATIC,
           convert=generic.hid_date),
    HidVar("ups.beeper.status", _SUMMARY + "AudibleAlarmControl", lookup=BEEPER),
    HidVar("ups.beeper.status", "UPS.AudibleAlarmControl", lookup=BEEPER),
    HidVar("ups.load", "UPS.Output.PercentLoad"),
    HidVar("ups.date", _SUMMARY + "ManufacturerDate", Poll.STATIC, convert=generic.hid_date),
    HidVar("ups.test.result", "UPS.Battery.Test", lookup=generic.TEST_RESULT),
    HidVar("ups.delay.start", _SUMMARY + "DelayBeforeStartup", flags=generic.RW_STRING,
           aux=8, default="60", setting=True),
    HidVar("ups.timer.start", _SUMMARY + "DelayBeforeStartup", convert=startup_seconds),
    HidVar("ups.delay.shutdown", _SUMMARY + "DelayBeforeShutdown", flags=generic.RW_STRING,
           aux=8, default="20", setting=True),
    HidVar("ups.timer.shutdown", _SUMMARY + "DelayBeforeShutdown", Poll.QUICK,
           convert=shutdown_seconds),
    HidVar("ups.delay.shutdown", _SUMMARY + "PCMDelayBeforeShutdown",
           flags=generic.RW_STRING, aux=8, default="20", setting=True),
    HidVar("ups.timer.shutdown", _SUMMARY + "PCMDelayBeforeShutdown", Poll.QUICK,
           convert=shutdown_seconds),
    HidVar("input.voltage", "UPS.Input.Voltage", fmt="%.1f"),
    HidVar("input.voltage.nominal", "UPS.Input.ConfigVoltage", Poll.STATIC),
    HidVar("input.frequency", "UPS.Input.Frequency", fmt="%.1f"),
    HidVar("output.voltage", "UPS.Output.Voltage", fmt="%.1f"),
    HidVar("output.voltage.nominal", "UPS.Output.ConfigVoltage", Poll.STATIC),
    HidVar("output.frequency", "UPS.Output.Frequency", fmt="%.1f"),
    HidVar("ups.mfr.date", "PowercomUPS.PowercomManufacturerDate", Poll.STATIC,
           convert=generic.hid_date),
    HidVar("battery.temperature", _PCM_BS + "PowercomTemperature"),
    HidVar("battery.temperature", "UPS.Battery.Temperature", fmt="%.1f"),
    HidVar("battery.charge", _PCM_BS + "PowercomVoltage", Poll.QUICK),
    HidVar("input.frequency", _PCM_CONV + "PowercomInput.PowercomFrequency"),
    HidVar("input.voltage", _PCM_CONV + "PowercomInput.PowercomVoltage",
           convert=fourfold),
    HidVar("output.voltage", _PCM_OUT + "PowercomVoltage", convert=fourfold),
    HidVar("ups.load", _PCM_OUT + "PowercomPercentLoad"),
    HidVar("output.frequency", _PCM_OUT + "PowercomFrequency"),
    HidVar("ups.test.result", _PCM_CONV + "PowercomTest", lookup=generic.TEST_RESULT),
    HidVar("ups.delay.shutdown", _PCM_CONV + "PowercomDelayBeforeShutdown"),
    HidVar("ups.delay.start", _PCM_CONV + "PowercomDelayBeforeStartup"),
)

_ALARM = _SUMMARY + "AudibleAlarmControl"
_RETURN, _STAY = _encode_shutdown(RESTART), _encode_shutdown(STAY_OFF)
COMMANDS: tuple[HidCommand, ...] = (
    HidCommand("beeper.toggle", _ALARM, "1"),
    HidCommand("beeper.enable", _ALARM, "1"),
    HidCommand("beeper.disable", _ALARM, "0"),
    HidCommand("test.battery.start.quick", "UPS.Battery.Test", "1"),
    HidCommand("load.on.delay", _SUMMARY + "DelayBeforeStartup", "ups.delay.start",
               encode_startup),
    HidCommand("shutdown.return", _SUMMARY + "DelayBeforeShutdown", "ups.delay.shutdown",
               _RETURN),
    HidCommand("shutdown.stayoff", _SUMMARY + "DelayBeforeShutdown", "ups.delay.shutdown",
               _STAY),
    HidCommand("load.on", _SUMMARY + "PCMDelayBeforeStartup", "0", encode_startup),
    HidCommand("load.off", _SUMMARY + "PCMDelayBeforeShutdown", "0", _STAY),
    HidCommand("shutdown.return", _SUMMARY + "PCMDelayBeforeShutdown",
               "ups.delay.shutdown", _RETURN),
    HidCommand("shutdown.stayoff", _SUMMARY + "PCMDelayBeforeShutdown",
               "ups.delay.shutdown", _STAY),
    HidCommand("load.off", _PCM_CONV + "PowercomDelayBeforeShutdown", "0"),
)


def _status(prefix: str) -> tuple[StatusRule, ...]:
    return (
        StatusRule(prefix + "ACPresent", "online"),
        StatusRule(prefix + "BatteryPresent", "nobattery", when=0),
        StatusRule(prefix + "BelowRemainingCapacityLimit", "lowbatt"),
        StatusRule(prefix + "Charging", "charging"),
        StatusRule(prefix + "CommunicationLost", "commfault"),
        StatusRule(prefix + "Discharging", "discharging"),
        StatusRule(prefix + "NeedReplacement", "replacebatt"),
        StatusRule(prefix + "Overload", "overload"),
        StatusRule(prefix + "RemainingTimeLimitExpired", "timelimitexp"),
        StatusRule(prefix + "ShutdownImminent", "shutdownimm"),
    )


_CHARGER = _PCM_OUT + "PowercomInternalChargeController"
_SUPPORT = _PCM_OUT + "PowercomPrimaryBatterySupport"
STATUS: tuple[StatusRule, ...] = (
    *_status(_SUMMARY + "PresentStatus."),
    *_status("UPS.PresentStatus."),
    StatusRule("UPS.PresentStatus.Boost", "boost"),
    StatusRule("UPS.PresentStatus.Buck", "trim"),
    StatusRule(_CHARGER, "fanfail", when=0x01, mask=0x01),
    StatusRule(_CHARGER, "replacebatt", when=0x02, mask=0x02),
    StatusRule(_CHARGER, "calibration", when=0x04, mask=0x04),
    StatusRule(_CHARGER, "shutdownimm", when=0x10, mask=0x10),
    StatusRule(_SUPPORT, "online", when=0, mask=0x01),
    StatusRule(_SUPPORT, "lowbatt", when=0x02, mask=0x02),
    StatusRule(_SUPPORT, "trim", when=0x08, mask=0x18),
    StatusRule(_SUPPORT, "boost", when=0x18, mask=0x18),
    StatusRule(_SUPPORT, "overload", when=0x20, mask=0x20),
)

POWERCOM = Subdriver(
    name="powercom", version="0.73", label="PowerCOM HID 0.73", usages=USAGES,
    variables=VARIABLES, commands=COMMANDS, status=STATUS,
    supported=tuple((POWERCOM_VENDOR, pid)
                    for pid in (0x00A2, 0x00A3, 0x00A4, 0x00A5, 0x00A6, 0x0004, 0x0001)),
    possibly=((POWERCOM_VENDOR, None),),
)
