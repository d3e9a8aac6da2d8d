"""Usage names of the Power Device (0x84) and Battery System (0x85) pages, and usage
paths written as NUT's usbhid-ups writes them (``UPS.PowerSummary.RemainingCapacity``).

A path node is a 32-bit usage (page << 16 | id). Names come from the USB-IF "Usage
Tables for HID Power Devices", spelt as NUT spells them (including its ``iDevicename``,
``Usenext`` and ``Maxerror``). A node no table names prints as 8 hex digits
(``ff860024``); a vendor-type collection adds an index node printed ``[n]``.
Subdrivers pass their own tables before the generic one: the first table naming a
usage wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from upskit.drivers.hid.descriptor import Field, ReportDescriptor

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


def nut_path_nodes(field: Field) -> tuple[int, ...]:
    """The numeric path NUT keeps for a field: collection usages (plus an index node
    after each vendor-type collection), then the field's usage."""
    nodes: list[int] = []
    for collection in field.collections:
        nodes.append(collection.usage)
        if collection.is_vendor:
            nodes.append(INDEX_NODE | (collection.kind & 0x7F))
    nodes.append(field.usage)
    return tuple(nodes)


def node_name(node: int, tables: Sequence[UsageTable] = (GENERIC,)) -> str:
    """One path component: a table's name, ``[n]`` for an index node, else 8 hex digits."""
    for table in tables:
        name = table.get(node)
        if name is not None:
            return name
    if node & 0xFFFF0000 == INDEX_NODE:
        return f"[{node & 0xFFFF}]"
    return f"{node:08x}"


def render_path(nodes: Iterable[int], tables: Sequence[UsageTable] = (GENERIC,)) -> str:
    """A numeric path as NUT prints it, components joined by dots."""
    return ".".join(node_name(node, tables) for node in nodes)


def field_path(field: Field, tables: Sequence[UsageTable] = (GENERIC,)) -> str:
    """A field's path as NUT prints it."""
    return render_path(nut_path_nodes(field), tables)


def parse_path(text: str, tables: Sequence[UsageTable] = (GENERIC,)) -> tuple[int, ...]:
    """The numeric path of a dotted path string (names case-insensitive, ``[n]``, hex);
    raise ValueError for a component that is none of these."""
    by_name: dict[str, int] = {}
    for table in reversed(tables):
        by_name.update((name.lower(), usage) for usage, name in table.items())
    nodes: list[int] = []
    for part in text.split("."):
        usage = by_name.get(part.lower())
        if usage is not None:
            nodes.append(usage)
        elif len(part) > 2 and part[0] == "[" and part[-1] == "]" and part[1:-1].isdigit():
            nodes.append(INDEX_NODE | (int(part[1:-1]) & 0xFFFF))
        elif 0 < len(part) <= 8 and all(c in "0123456789abcdefABCDEF" for c in part):
            nodes.append(int(part, 16))
        else:
            raise ValueError(f"unknown usage {part!r} in path {text!r}")
    return tuple(nodes)


def nut_fields(descriptor: ReportDescriptor) -> list[Field]:
    """The fields NUT keeps in its item list: those with a declared usage of their own
    (a slot past the declared usages, or with none, is not an item for NUT)."""
    return [f for f in descriptor.fields if f.usage != 0 and not f.usage_repeated]
