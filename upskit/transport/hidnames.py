"""HID usage names: the Power Device (0x84) and Battery System (0x85) pages, as NUT's
usbhid-ups spells them, and the vendor tables of the HID subdrivers by name.

Names come from the USB-IF "Usage Tables for HID Power Devices", spelt as NUT spells
them (including its ``iDevicename``, ``Usenext`` and ``Maxerror``).  They sit at the port
layer because both sides of a HID port use them: the driver names the fields of a
report descriptor, and a simulated device built from a NUT log that shows only usage
paths (no descriptor) needs the usage behind each name.

Vendor pages mean different things to different vendors, so each subdriver keeps its own
table; :data:`VENDOR_TABLES` names them (entry-point group ``upskit.hid_usage_names``,
resolved on first use, like the ``sim://`` scheme) for :func:`usage_for_name`.
"""

from __future__ import annotations

from collections.abc import Mapping

from upskit.plugins import PluginRegistry, PluginUnavailable

UsageTable = Mapping[int, str]

INDEX_NODE = 0x00FF0000

_POWER_DEVICE = """
00 Undefined 01 iName 02 PresentStatus 03 ChangedStatus 04 UPS 05 PowerSupply
10 BatterySystem 11 BatterySystemID 12 Battery 13 BatteryID 14 Charger 15 ChargerID
16 PowerConverter 17 PowerConverterID 18 OutletSystem 19 OutletSystemID 1a Input
1b InputID 1c Output 1d OutputID 1e Flow 1f FlowID 20 Outlet 21 OutletID 22 Gang
23 GangID 24 PowerSummary 25 PowerSummaryID 30 Voltage 31 Current 32 Frequency
33 ApparentPower 34 ActivePower 35 PercentLoad 36 Temperature 37 Humidity 38 BadCount
40 ConfigVoltage 41 ConfigCurrent 42 ConfigFrequency 43 ConfigApparentPower
44 ConfigActivePower 45 ConfigPercentLoad 46 ConfigTemperature 47 ConfigHumidity
50 SwitchOnControl 51 SwitchOffControl 52 ToggleControl 53 LowVoltageTransfer
54 HighVoltageTransfer 55 DelayBeforeReboot 56 DelayBeforeStartup
57 DelayBeforeShutdown 58 Test 59 ModuleReset 5a AudibleAlarmControl 60 Present
61 Good 62 InternalFailure 63 VoltageOutOfRange 64 FrequencyOutOfRange 65 Overload
66 OverCharged 67 OverTemperature 68 ShutdownRequested 69 ShutdownImminent
6b SwitchOn/Off 6c Switchable 6d Used 6e Boost 6f Buck 70 Initialized 71 Tested
72 AwaitingPower 73 CommunicationLost fd iManufacturer fe iProduct ff iSerialNumber
"""

_BATTERY_SYSTEM = """
00 Undefined 01 SMBBatteryMode 02 SMBBatteryStatus 03 SMBAlarmWarning
04 SMBChargerMode 05 SMBChargerStatus 06 SMBChargerSpecInfo 07 SMBSelectorState
08 SMBSelectorPresets 09 SMBSelectorInfo 10 OptionalMfgFunction1
11 OptionalMfgFunction2 12 OptionalMfgFunction3 13 OptionalMfgFunction4
14 OptionalMfgFunction5 15 ConnectionToSMBus 16 OutputConnection
17 ChargerConnection 18 BatteryInsertion 19 Usenext 1a OKToUse 1b BatterySupported
1c SelectorRevision 1d ChargingIndicator 28 ManufacturerAccess
29 RemainingCapacityLimit 2a RemainingTimeLimit 2b AtRate 2c CapacityMode
2d BroadcastToCharger 2e PrimaryBattery 2f ChargeController 40 TerminateCharge
41 TerminateDischarge 42 BelowRemainingCapacityLimit 43 RemainingTimeLimitExpired
44 Charging 45 Discharging 46 FullyCharged 47 FullyDischarged 48 ConditioningFlag
49 AtRateOK 4a SMBErrorCode 4b NeedReplacement 60 AtRateTimeToFull
61 AtRateTimeToEmpty 62 AverageCurrent 63 Maxerror 64 RelativeStateOfCharge
65 AbsoluteStateOfCharge 66 RemainingCapacity 67 FullChargeCapacity
68 RunTimeToEmpty 69 AverageTimeToEmpty 6a AverageTimeToFull 6b CycleCount
80 BattPackModelLevel 81 InternalChargeController 82 PrimaryBatterySupport
83 DesignCapacity 84 SpecificationInfo 85 ManufacturerDate 86 SerialNumber
87 iManufacturerName 88 iDevicename 89 iDeviceChemistry 8a ManufacturerData
8b Rechargeable 8c WarningCapacityLimit 8d CapacityGranularity1
8e CapacityGranularity2 8f iOEMInformation c0 InhibitCharge c1 EnablePolling
c2 ResetToZero d0 ACPresent d1 BatteryPresent d2 PowerFail d3 AlarmInhibited
d4 ThermistorUnderRange d5 ThermistorHot d6 ThermistorCold d7 ThermistorOverRange
d8 VoltageOutOfRange d9 CurrentOutOfRange da CurrentNotRegulated
db VoltageNotRegulated dc MasterMode f0 ChargerSelectorSupport f1 ChargerSpec
f2 Level2 f3 Level3
"""


def make_table(page: int, text: str) -> dict[int, str]:
    """Build a usage table from ``"<hex id> <name> ..."`` pairs on one usage page."""
    words = text.split()
    if len(words) % 2:
        raise ValueError("usage table text needs id/name pairs")
    return {(page << 16) | int(words[i], 16): words[i + 1] for i in range(0, len(words), 2)}


POWER_DEVICE_PAGE = 0x84
BATTERY_SYSTEM_PAGE = 0x85
GENERIC: dict[int, str] = {**make_table(POWER_DEVICE_PAGE, _POWER_DEVICE),
                           **make_table(BATTERY_SYSTEM_PAGE, _BATTERY_SYSTEM)}


def _table(obj: object) -> Mapping[int, str]:
    if isinstance(obj, Mapping):
        return obj
    raise TypeError(f"{obj!r} is not a usage table (a mapping of usage -> name)")


#: Subdriver name -> its vendor usage table (``"module:attribute"``).
VENDOR_TABLES: PluginRegistry[Mapping[int, str]] = PluginRegistry(
    "HID usage-name table", "hid_usage_names",
    {name: f"upskit.drivers.hid.subdrivers.{name}:USAGES"
     for name in ("apc", "belkin", "cps", "delta_ups", "ever", "mge", "openups",
                  "powercom", "powervar", "tripplite")},
    check=_table,
)


def usage_for_name(name: str, first: str = "") -> int | None:
    """The usage a path node names: the generic pages first, then the vendor table of
    subdriver ``first`` (when given), then every other vendor table; ``None`` when no
    table names it."""
    for usage, known in GENERIC.items():
        if known == name:
            return usage
    order = [first] if first in VENDOR_TABLES else []
    order += [n for n in VENDOR_TABLES.names() if n != first]
    for table_name in order:
        try:
            table = VENDOR_TABLES.load(table_name)
        except (PluginUnavailable, LookupError):
            continue
        for usage, known in table.items():
            if known == name:
                return usage
    return None
