"""The generic subdriver: the standard Power Device paths every HID UPS tends to use,
for units no vendor subdriver claims (NUT's explore fallback), and the conversions and
lookups the vendor subdrivers share."""

from __future__ import annotations

from upskit.drivers.hid.subdriver import HidCommand, HidVar, Poll, StatusRule, Subdriver
from upskit.model.flags import VarFlag
from upskit.model.mapping import Lookup

RW_NUMBER = VarFlag.RW | VarFlag.NUMBER
RW_STRING = VarFlag.RW | VarFlag.STRING

BEEPER = Lookup({1: "disabled", 2: "enabled", 3: "muted"}, name="beeper")
TEST_RESULT = Lookup({1: "Done and passed", 2: "Done and warning", 3: "Done and error",
                      4: "Aborted", 5: "In progress", 6: "No test initiated"},
                     name="test result")


def hid_date(value: float) -> str:
    """A HID date (``(year - 1980) << 9 | month << 5 | day``) as ``YYYY/MM/DD``."""
    packed = int(value)
    year, month, day = 1980 + (packed >> 9), (packed >> 5) & 0xF, packed & 0x1F
    return f"{year:04d}/{month:02d}/{day:02d}"


def kelvin_to_celsius(value: float) -> str:
    """A temperature in kelvin as degrees Celsius, one decimal."""
    return f"{value - 273.15:.1f}"


def delay_rows(prefix: str, offdelay: str = "20", ondelay: str = "30") -> tuple[HidVar, ...]:
    """``ups.delay.shutdown``/``ups.delay.start``: settings of the driver that the
    two-step shutdown writes to the unit's ``<prefix>DelayBeforeShutdown`` and
    ``DelayBeforeStartup``, published when the unit has them (as usbhid-ups does)."""
    return (
        HidVar("ups.delay.shutdown", prefix + "DelayBeforeShutdown", flags=RW_STRING,
               aux=10, default=offdelay, setting=True),
        HidVar("ups.delay.start", prefix + "DelayBeforeStartup", flags=RW_STRING, aux=10,
               default=ondelay, setting=True),
    )


def battery_test_commands(path: str) -> tuple[HidCommand, ...]:
    """The quick and deep battery tests and their stop, written to the Test field at
    ``path`` (1, 2 and 3, as the Power Device class defines them)."""
    return (
        HidCommand("test.battery.start.quick", path, "1"),
        HidCommand("test.battery.start.deep", path, "2"),
        HidCommand("test.battery.stop", path, "3"),
    )


_SUMMARY = "UPS.PowerSummary."

VARIABLES: tuple[HidVar, ...] = (
    HidVar("battery.charge", _SUMMARY + "RemainingCapacity", Poll.QUICK),
    HidVar("battery.charge", "UPS.Battery.RemainingCapacity", Poll.QUICK),
    HidVar("battery.charge.low", _SUMMARY + "RemainingCapacityLimit", flags=RW_NUMBER),
    HidVar("battery.charge.warning", _SUMMARY + "WarningCapacityLimit"),
    HidVar("battery.runtime", _SUMMARY + "RunTimeToEmpty", Poll.QUICK),
    HidVar("battery.runtime", "UPS.Battery.RunTimeToEmpty", Poll.QUICK),
    HidVar("battery.runtime.low", _SUMMARY + "RemainingTimeLimit", flags=RW_NUMBER),
    HidVar("battery.runtime.low", "UPS.Battery.RemainingTimeLimit", flags=RW_NUMBER),
    HidVar("battery.voltage", _SUMMARY + "Voltage", fmt="%.1f"),
    HidVar("battery.voltage", "UPS.Battery.Voltage", fmt="%.1f"),
    HidVar("battery.voltage.nominal", "UPS.Battery.ConfigVoltage", Poll.STATIC, "%.1f"),
    HidVar("battery.voltage.nominal", _SUMMARY + "ConfigVoltage", Poll.STATIC, "%.1f"),
    HidVar("battery.temperature", "UPS.Battery.Temperature", convert=kelvin_to_celsius),
    HidVar("battery.mfr.date", "UPS.Battery.ManufacturerDate", Poll.STATIC,
           convert=hid_date),
    HidVar("battery.mfr.date", _SUMMARY + "ManufacturerDate", Poll.STATIC,
           convert=hid_date),
    HidVar("battery.type", _SUMMARY + "iDeviceChemistry", Poll.STATIC, string=True),
    HidVar("battery.type", "UPS.Battery.iDeviceChemistry", Poll.STATIC, string=True),
    HidVar("input.voltage", "UPS.Input.Voltage", fmt="%.1f"),
    HidVar("input.voltage.nominal", "UPS.Input.ConfigVoltage", Poll.STATIC),
    HidVar("input.frequency", "UPS.Input.Frequency", fmt="%.1f"),
    HidVar("input.transfer.low", "UPS.Input.LowVoltageTransfer", flags=RW_NUMBER),
    HidVar("input.transfer.high", "UPS.Input.HighVoltageTransfer", flags=RW_NUMBER),
    HidVar("output.voltage", "UPS.Output.Voltage", fmt="%.1f"),
    HidVar("output.frequency", "UPS.Output.Frequency", fmt="%.1f"),
    HidVar("ups.load", "UPS.Output.PercentLoad"),
    HidVar("ups.load", "UPS.PowerConverter.PercentLoad"),
    HidVar("ups.realpower.nominal", "UPS.Output.ConfigActivePower", Poll.STATIC),
    HidVar("ups.realpower.nominal", "UPS.PowerConverter.ConfigActivePower", Poll.STATIC),
    HidVar("ups.beeper.status", "UPS.AudibleAlarmControl", lookup=BEEPER),
    HidVar("ups.beeper.status", _SUMMARY + "AudibleAlarmControl", lookup=BEEPER),
    HidVar("ups.test.result", "UPS.Battery.Test", lookup=TEST_RESULT),
    HidVar("ups.timer.shutdown", _SUMMARY + "DelayBeforeShutdown", Poll.QUICK),
    HidVar("ups.timer.start", _SUMMARY + "DelayBeforeStartup", Poll.QUICK),
    HidVar("ups.timer.reboot", _SUMMARY + "DelayBeforeReboot", Poll.QUICK),
    HidVar("ups.mfr.date", "UPS.ManufacturerDate", Poll.STATIC, convert=hid_date),
    *delay_rows(_SUMMARY),
)

COMMANDS: tuple[HidCommand, ...] = (
    HidCommand("load.off.delay", _SUMMARY + "DelayBeforeShutdown", "ups.delay.shutdown"),
    HidCommand("load.on.delay", _SUMMARY + "DelayBeforeStartup", "ups.delay.start"),
    HidCommand("shutdown.stop", _SUMMARY + "DelayBeforeShutdown", "-1"),
    HidCommand("shutdown.reboot", _SUMMARY + "DelayBeforeReboot", "10"),
    *battery_test_commands("UPS.Battery.Test"),
    HidCommand("beeper.disable", "UPS.AudibleAlarmControl", "1"),
    HidCommand("beeper.enable", "UPS.AudibleAlarmControl", "2"),
    HidCommand("beeper.mute", "UPS.AudibleAlarmControl", "3"),
    HidCommand("beeper.off", "UPS.AudibleAlarmControl", "1"),
    HidCommand("beeper.on", "UPS.AudibleAlarmControl", "2"),
)


def status_rules(prefix: str) -> tuple[StatusRule, ...]:
    """The standard status bits under ``prefix`` (``UPS.PowerSummary.PresentStatus.``)."""
    return (
        StatusRule(prefix + "ACPresent", "online"),
        StatusRule(prefix + "Discharging", "discharging"),
        StatusRule(prefix + "Charging", "charging"),
        StatusRule(prefix + "BelowRemainingCapacityLimit", "lowbatt"),
        StatusRule(prefix + "RemainingTimeLimitExpired", "timelimitexp"),
        StatusRule(prefix + "ShutdownImminent", "shutdownimm"),
        StatusRule(prefix + "Overload", "overload"),
        StatusRule(prefix + "NeedReplacement", "replacebatt"),
        StatusRule(prefix + "Boost", "boost"),
        StatusRule(prefix + "Buck", "trim"),
        StatusRule(prefix + "FullyCharged", "fullycharged"),
        StatusRule(prefix + "FullyDischarged", "depleted"),
        StatusRule(prefix + "OverTemperature", "overheat"),
        StatusRule(prefix + "InternalFailure", "internalfailure"),
        StatusRule(prefix + "CommunicationLost", "commfault"),
        StatusRule(prefix + "AwaitingPower", "awaitingpower"),
        StatusRule(prefix + "VoltageOutOfRange", "vrange"),
        StatusRule(prefix + "FrequencyOutOfRange", "frange"),
        StatusRule(prefix + "BatteryPresent", "nobattery", when=0),
    )


STATUS: tuple[StatusRule, ...] = (
    *status_rules(_SUMMARY + "PresentStatus."),
    *status_rules(_SUMMARY),
    *status_rules("UPS.PresentStatus."),
)

GENERIC = Subdriver(name="generic", version="0.1", variables=VARIABLES,
                    commands=COMMANDS, status=STATUS, label="generic HID 0.1")
