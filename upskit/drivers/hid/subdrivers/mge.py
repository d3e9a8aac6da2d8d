"""Eaton / MGE Office Protection Systems, and the Dell, HP, IBM, Powerware and AEG
units built on them (NUT's mge-hid subdriver).

Facts from NUT's documentation and device dumps: these units describe themselves
through ``UPS.PowerConverter``, ``UPS.BatterySystem``, ``UPS.Flow.[n]`` (1: input,
4: output) and ``UPS.OutletSystem.Outlet.[n]`` (1: the main outlet, 2 and 3: the
PowerShare outlets 1 and 2), with vendor usages on page 0xffff; the charger mode of
Advanced Battery Monitoring becomes ``battery.charger.status`` and
``UPS.PowerSummary.Time`` (Unix seconds) ``ups.date`` and ``ups.time``.
"""

from __future__ import annotations

import time

from upskit.drivers.hid.subdriver import HidCommand, HidVar, Poll, StatusRule, Subdriver
from upskit.drivers.hid.subdrivers import generic
from upskit.drivers.hid.usages import make_table
from upskit.model.mapping import Lookup

MGE_VENDOR, DELL_VENDOR, POWERWARE_VENDOR = 0x0463, 0x047C, 0x0592
HP_VENDOR, AEG_VENDOR, IBM_VENDOR = 0x03F0, 0x2B2D, 0x04B3

USAGES = make_table(0xFFFF, """
00 Undefined 01 STS 02 Environment 03 Statistic 04 StatisticSystem 05 USB 10 Phase
11 PhaseID 12 Chopper 13 ChopperID 14 Inverter 15 InverterID 16 Rectifier 17 RectifierID
18 LCMSystem 19 LCMSystemID 1a LCMAlarm 1b LCMAlarmID 1c HistorySystem 1d HistorySystemID
1e Event 1f EventID 20 CircuitBreaker 21 TransferForbidden 22 OverallAlarm 23 Dephasing
24 BypassBreaker 25 PowerModule 26 PowerRate 27 PowerSource 28 CurrentPowerSource
29 RedundancyLevel 2a RedundancyLost 2b NotificationStatus 2c ProtectionLost
2d ConfigurationFailure 2e CompatibilityFailure 40 SwitchType 41 ConverterType
42 FrequencyConverterMode 43 AutomaticRestart 44 ForcedReboot 45 TestPeriod
46 EnergySaving 47 StartOnBattery 48 Schedule 49 DeepDischargeProtection 4a ShortCircuit
4b ExtendedVoltageMode 4c SensitivityMode 4d RemainingCapacityLimitSetting
4e ExtendedFrequencyMode 4f FrequencyConverterModeSetting 50 LowVoltageBoostTransfer
51 HighVoltageBoostTransfer 52 LowVoltageBuckTransfer 53 HighVoltageBuckTransfer
54 OverloadTransferEnable 55 OutOfToleranceTransferEnable 56 ForcedTransferEnable
57 LowVoltageBypassTransfer 58 HighVoltageBypassTransfer 59 FrequencyRangeBypassTransfer
5a LowVoltageEcoTransfer 5b HighVoltageEcoTransfer 5c FrequencyRangeEcoTransfer
5d ShutdownTimer 5e StartupTimer 5f RestartLevel 60 PhaseOutOfRange 61 CurrentLimitation
62 ThermalOverload 63 SynchroSource 64 FuseFault 65 ExternalProtectedTransfert
66 ExternalForcedTransfert 67 Compensation 68 EmergencyStop 69 PowerFactor 6a PeakFactor
6b ChargerType 6c HighPositiveDCBusVoltage 6d LowPositiveDCBusVoltage
6e HighNegativeDCBusVoltage 6f LowNegativeDCBusVoltage 70 FrequencyRangeTransfer
71 WiringFaultDetection 72 ControlStandby 73 ShortCircuitTolerance 74 VoltageTooHigh
75 VoltageTooLow 76 DCBusUnbalanced 77 FanFailure 78 WiringFault 79 Floating
7a OverCurrent 7b RemainingActivePower 7c Energy 7d Threshold 7e OverThreshold 80 Sensor
81 LowHumidity 82 HighHumidity 83 LowTemperature 84 HighTemperature 85 ECOControl
86 Efficiency 87 ABMEnable 88 NegativeCurrent 89 AutomaticStart 90 Count 91 Timer
92 Interval 93 TimerExpired 94 Mode 95 Country 96 State 97 Time 98 Code 99 DataValid
9a ToggleTimer 9b BypassTransferDelay 9c HysteresisVoltageTransfer 9d SlewRate a0 PDU
a1 Breaker a2 BreakerID a3 OverVoltage a4 Tripped a5 OverEnergy a6 OverHumidity
a7 ConfigurationReset a8 Level a9 PDUType aa ReactivePower ab Pole ac PoleID ad Reset
ae WatchdogReset ba iDesignator e0 COPIBridge e1 Gateway e5 System e9 Status f0 iModel
f1 iVersion f2 iTechnicalLevel f3 iPartNumber f4 iReferenceNumber f5 iGang
""")

YES_NO = Lookup({0: "no", 1: "yes"}, name="yes/no")
ON_OFF = Lookup({0: "off", 1: "on"}, name="on/off")
#: Advanced Battery Monitoring charger modes (5: ABM not active, not published).
ABM_MODE = Lookup({1: "charging", 2: "discharging", 3: "floating", 4: "resting",
                   6: "off"}, name="ABM charger mode")
PROTECTION = Lookup({0: "not powered", 1: "not protected", 2: "protected"},
                    name="outlet protection")


def unix_date(value: float) -> str:
    """Unix seconds as the local date, ``YYYY/MM/DD``."""
    return time.strftime("%Y/%m/%d", time.localtime(value))


def unix_time(value: float) -> str:
    """Unix seconds as the local time of day, ``HH:MM:SS``."""
    return time.strftime("%H:%M:%S", time.localtime(value))


_SUMMARY, _PRESENT = "UPS.PowerSummary.", "UPS.PowerSummary.PresentStatus."
_BATT, _CONV = "UPS.BatterySystem.", "UPS.PowerConverter."
_IN, _OUT = _CONV + "Input.[1].", _CONV + "Output."
_OUTLET = "UPS.OutletSystem.Outlet."
_RW = generic.RW_STRING


def _outlet(number: int) -> tuple[HidVar, ...]:
    base = f"{_OUTLET}[{number + 1}]."
    name = f"outlet.{number}."
    return (
        HidVar(name + "id", base + "OutletID", Poll.STATIC),
        HidVar(name + "desc", base + "OutletID", default=f"PowerShare Outlet {number}",
               flags=_RW, aux=20, setting=True),
        HidVar(name + "switchable", base + "PresentStatus.Switchable", Poll.STATIC,
               lookup=YES_NO),
        HidVar(name + "status", base + "PresentStatus.SwitchOn/Off", lookup=ON_OFF),
        HidVar(name + "autoswitch.charge.low", base + "RemainingCapacityLimit",
               flags=_RW, aux=3),
        HidVar(name + "delay.shutdown", base + "ShutdownTimer", flags=_RW, aux=5),
        HidVar(name + "delay.start", base + "StartupTimer", flags=_RW, aux=5),
        HidVar(name + "power", base + "ApparentPower"),
        HidVar(name + "realpower", base + "ActivePower"),
        HidVar(name + "current", base + "Current", fmt="%.2f"),
    )


VARIABLES: tuple[HidVar, ...] = (
    HidVar("battery.charge", _SUMMARY + "RemainingCapacity", Poll.QUICK),
    HidVar("battery.charge.low", _SUMMARY + "RemainingCapacityLimitSetting",
           flags=_RW, aux=5),
    HidVar("battery.charge.low", _SUMMARY + "RemainingCapacityLimit", Poll.STATIC),
    HidVar("battery.charge.restart", _SUMMARY + "RestartLevel", flags=_RW, aux=3),
    HidVar("battery.runtime", _SUMMARY + "RunTimeToEmpty", Poll.QUICK),
    HidVar("battery.runtime.low", _SUMMARY + "RemainingTimeLimit", flags=_RW, aux=10),
    HidVar("battery.runtime.elapsed", "UPS.StatisticSystem.Input.[1].Statistic.[1].Time",
           Poll.QUICK),
    HidVar("battery.temperature", _BATT + "Battery.Temperature",
           convert=generic.kelvin_to_celsius),
    HidVar("battery.voltage", _BATT + "Voltage", fmt="%.1f"),
    HidVar("battery.voltage.nominal", _BATT + "ConfigVoltage", Poll.STATIC),
    HidVar("battery.protection", _BATT + "Battery.DeepDischargeProtection",
           lookup=YES_NO, flags=_RW),
    HidVar("battery.energysave", _CONV + "Input.[3].EnergySaving", lookup=YES_NO,
           flags=_RW),
    HidVar("battery.charger.status", _BATT + "Charger.Mode", Poll.QUICK, lookup=ABM_MODE),
    HidVar("ups.efficiency", _OUT + "Efficiency"),
    HidVar("ups.load", _SUMMARY + "PercentLoad"),
    HidVar("ups.load.high", "UPS.Flow.[4].ConfigPercentLoad", flags=_RW, aux=5),
    *generic.delay_rows(_SUMMARY),
    HidVar("ups.timer.start", _SUMMARY + "DelayBeforeStartup", Poll.QUICK),
    HidVar("ups.timer.shutdown", _SUMMARY + "DelayBeforeShutdown", Poll.QUICK),
    HidVar("ups.timer.reboot", _SUMMARY + "DelayBeforeReboot", Poll.QUICK),
    HidVar("ups.test.result", _BATT + "Battery.Test", lookup=generic.TEST_RESULT),
    HidVar("ups.test.interval", _BATT + "Battery.TestPeriod", flags=_RW, aux=8),
    HidVar("ups.beeper.status", _BATT + "Battery.AudibleAlarmControl",
           lookup=generic.BEEPER),
    HidVar("ups.beeper.status", _SUMMARY + "AudibleAlarmControl", lookup=generic.BEEPER),
    HidVar("ups.beeper.status", "UPS.AudibleAlarmControl", lookup=generic.BEEPER),
    HidVar("ups.temperature", _SUMMARY + "Temperature", convert=generic.kelvin_to_celsius),
    HidVar("ups.power", _OUT + "ApparentPower"),
    HidVar("ups.power.nominal", "UPS.Flow.[4].ConfigApparentPower", Poll.STATIC),
    HidVar("ups.realpower", _OUT + "ActivePower"),
    HidVar("ups.realpower.nominal", "UPS.Flow.[4].ConfigActivePower", Poll.STATIC),
    HidVar("ups.start.auto", _IN + "AutomaticRestart", lookup=YES_NO, flags=_RW),
    HidVar("ups.start.battery", _CONV + "Input.[3].StartOnBattery", lookup=YES_NO,
           flags=_RW),
    HidVar("ups.start.reboot", _OUT + "ForcedReboot", lookup=YES_NO, flags=_RW),
    HidVar("ups.date", _SUMMARY + "Time", convert=unix_date),
    HidVar("ups.time", _SUMMARY + "Time", convert=unix_time),
    HidVar("input.voltage", _IN + "Voltage", fmt="%.1f"),
    HidVar("input.voltage.nominal", "UPS.Flow.[1].ConfigVoltage", Poll.STATIC),
    HidVar("input.current", _IN + "Current", fmt="%.2f"),
    HidVar("input.current.nominal", "UPS.Flow.[1].ConfigCurrent", Poll.STATIC, "%.2f"),
    HidVar("input.frequency", _IN + "Frequency", fmt="%.1f"),
    HidVar("input.frequency.nominal", "UPS.Flow.[1].ConfigFrequency", Poll.STATIC),
    HidVar("input.transfer.low", _OUT + "LowVoltageTransfer", flags=_RW, aux=5),
    HidVar("input.transfer.boost.low", _OUT + "LowVoltageBoostTransfer", flags=_RW, aux=5),
    HidVar("input.transfer.boost.high", _OUT + "HighVoltageBoostTransfer", flags=_RW,
           aux=5),
    HidVar("input.transfer.trim.low", _OUT + "LowVoltageBuckTransfer", flags=_RW, aux=5),
    HidVar("input.transfer.high", _OUT + "HighVoltageTransfer", flags=_RW, aux=5),
    HidVar("output.voltage", _OUT + "Voltage", fmt="%.1f"),
    HidVar("output.current", _OUT + "Current", fmt="%.2f"),
    HidVar("output.current.nominal", "UPS.Flow.[4].ConfigCurrent", fmt="%.2f"),
    HidVar("output.frequency", _OUT + "Frequency", fmt="%.1f"),
    HidVar("output.frequency.nominal", "UPS.Flow.[4].ConfigFrequency", Poll.STATIC),
    HidVar("outlet.id", _OUTLET + "[1].OutletID", Poll.STATIC),
    HidVar("outlet.desc", _OUTLET + "[1].OutletID", default="Main Outlet", flags=_RW,
           aux=20, setting=True),
    HidVar("outlet.switchable", _OUTLET + "[1].PresentStatus.Switchable", Poll.STATIC,
           lookup=YES_NO),
    HidVar("outlet.power", _OUTLET + "[1].ApparentPower"),
    HidVar("outlet.realpower", _OUTLET + "[1].ActivePower"),
    HidVar("outlet.current", _OUTLET + "[1].Current", fmt="%.2f"),
    HidVar("outlet.1.protect.status", _OUTLET + "[1].Status", lookup=PROTECTION),
    *_outlet(1),
    # low-end units with one outlet not on battery
    HidVar("outlet.1.status", _PRESENT + "ACPresent", lookup=ON_OFF),
    HidVar("outlet.2.protect.status", _OUTLET + "[3].Status", lookup=PROTECTION),
    *_outlet(2),
)

_BEEPER_PATHS = (_BATT + "Battery.AudibleAlarmControl", _SUMMARY + "AudibleAlarmControl")
COMMANDS: tuple[HidCommand, ...] = (
    *generic.battery_test_commands(_BATT + "Battery.Test"),
    HidCommand("load.off.delay", _SUMMARY + "DelayBeforeShutdown", "ups.delay.shutdown"),
    HidCommand("load.on.delay", _SUMMARY + "DelayBeforeStartup", "ups.delay.start"),
    HidCommand("shutdown.stop", _SUMMARY + "DelayBeforeShutdown", "-1"),
    HidCommand("shutdown.reboot", _SUMMARY + "DelayBeforeReboot", "10"),
    HidCommand("beeper.off", _SUMMARY + "AudibleAlarmControl", "1"),
    HidCommand("beeper.on", _SUMMARY + "AudibleAlarmControl", "2"),
    *(HidCommand("beeper.mute", path, "3") for path in _BEEPER_PATHS),
    *(HidCommand("beeper.disable", path, "1") for path in _BEEPER_PATHS),
    *(HidCommand("beeper.enable", path, "2") for path in _BEEPER_PATHS),
    HidCommand("beeper.disable", "UPS.AudibleAlarmControl", "1"),
    HidCommand("beeper.enable", "UPS.AudibleAlarmControl", "2"),
    HidCommand("outlet.1.load.off", _OUTLET + "[2].DelayBeforeShutdown", "0"),
    HidCommand("outlet.1.load.on", _OUTLET + "[2].DelayBeforeStartup", "0"),
    HidCommand("outlet.2.load.off", _OUTLET + "[3].DelayBeforeShutdown", "0"),
    HidCommand("outlet.2.load.on", _OUTLET + "[3].DelayBeforeStartup", "0"),
    HidCommand("ecomode.disable", _CONV + "Input.[5].Switchable", "0"),
    HidCommand("ecomode.enable", _CONV + "Input.[5].Switchable", "1"),
    HidCommand("essmode.enable", _CONV + "Input.[5].Switchable", "2"),
    HidCommand("essmode.disable", _CONV + "Input.[5].Switchable", "0"),
    HidCommand("bypass.start", _CONV + "Input.[2].SwitchOnControl", "1"),
    HidCommand("bypass.stop", _CONV + "Input.[2].SwitchOffControl", "1"),
)

STATUS: tuple[StatusRule, ...] = (
    StatusRule(_PRESENT + "ACPresent", "online"),
    StatusRule(_PRESENT + "Discharging", "discharging"),
    StatusRule(_PRESENT + "Charging", "charging"),
    StatusRule(_PRESENT + "BelowRemainingCapacityLimit", "lowbatt"),
    StatusRule(_OUT + "Overload.[1].PresentStatus.OverThreshold", "overload"),
    StatusRule(_OUT + "Overload.[2].PresentStatus.OverThreshold", "overload"),
    StatusRule(_PRESENT + "Overload", "overload"),
    StatusRule(_PRESENT + "NeedReplacement", "replacebatt"),
    StatusRule("UPS.LCMSystem.LCMAlarm.[2].PresentStatus.TimerExpired", "replacebatt"),
    StatusRule(_IN + "PresentStatus.Buck", "trim"),
    StatusRule(_IN + "PresentStatus.Boost", "boost"),
    StatusRule(_IN + "PresentStatus.VoltageOutOfRange", "vrange"),
    StatusRule(_IN + "PresentStatus.FrequencyOutOfRange", "frange"),
    StatusRule(_PRESENT + "Good", "off", when=0),
    StatusRule(_CONV + "Input.[2].PresentStatus.Used", "bypass"),
    StatusRule(_CONV + "Input.[4].PresentStatus.Used", "bypass"),
    StatusRule(_PRESENT + "FanFailure", "fanfail"),
    StatusRule(_BATT + "Battery.PresentStatus.Present", "nobattery", when=0),
    StatusRule(_BATT + "Charger.PresentStatus.InternalFailure", "chargerfail"),
    StatusRule(_BATT + "Charger.PresentStatus.VoltageTooHigh", "battvolthi"),
    StatusRule(_BATT + "Battery.PresentStatus.VoltageTooHigh", "battvolthi"),
    StatusRule(_BATT + "Charger.PresentStatus.VoltageTooLow", "battvoltlo"),
    StatusRule(_PRESENT + "InternalFailure", "commfault"),
    StatusRule(_PRESENT + "OverTemperature", "overheat"),
    StatusRule(_PRESENT + "ShutdownImminent", "shutdownimm"),
)

MGE = Subdriver(
    name="mge", version="1.51", label="MGE HID 1.51", usages=USAGES,
    variables=VARIABLES, commands=COMMANDS, status=STATUS,
    supported=((MGE_VENDOR, 0x0001), (MGE_VENDOR, 0xFFFF), (DELL_VENDOR, 0xFFFF),
               (POWERWARE_VENDOR, 0x0004), (HP_VENDOR, 0x1FE5), (HP_VENDOR, 0x1FE6),
               (HP_VENDOR, 0x1FE7), (HP_VENDOR, 0x1FE8), (AEG_VENDOR, 0xFFFF),
               (IBM_VENDOR, 0x0001)),
    possibly=((MGE_VENDOR, None),),
)
