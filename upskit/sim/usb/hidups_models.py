"""The simulated HID UPS models: each vendor's usage layout, written by the project.

The layouts follow what real units expose (usage paths, which reports carry which
fields, field sizes, which fields are also Input reports), as NUT's device dump
library and subdriver tables show them; the descriptor bytes are compiled here.

* ``apc-back-ups`` (051d:0002): everything under ``UPS.PowerSummary`` with one small
  report per value, the status twice (the byte-wide ``ACPresent`` /
  ``BelowRemainingCapacityLimit`` reports and the ``PresentStatus`` bit field), the
  battery voltage in centivolts under ``UPS.Battery``, ``UPS.Battery.Test``, the load
  under ``UPS.PowerConverter``, the beeper as ``UPS.PowerSummary.AudibleAlarmControl``.
* ``cyberpower`` (0764:0501): charge and runtime in one Input report, the battery
  voltage as ``UPS.PowerSummary.Voltage``, the load and the battery test under
  ``UPS.Output`` (``UPS.Output.Test``), and the CyberPower firmware's input/output
  voltage fields declared with Logical Maximum 255 in 16 bits (the descriptor flaw NUT's
  cps subdriver fixes up).
* ``eaton-ellipse`` (0463:ffff): the MGE/Eaton layout: voltages and load under
  ``UPS.PowerConverter``, input as ``UPS.PowerConverter.Input.[1]`` (a vendor-type
  collection), the nominal battery voltage under ``UPS.BatterySystem``, the test as
  ``UPS.BatterySystem.Battery.Test``, Boost/Buck bits, ``UPS.PowerSummary.PercentLoad``.
"""

from __future__ import annotations

from upskit.sim.usb.hiddesc import SECOND, VOLT, WATT, FieldSpec
from upskit.sim.usb.hidups import HidUpsModel

IO = ("input", "feature")


def f(path: str, report_id: int, bits: int, low: int, high: int, quantity: str, *,
      kinds: tuple[str, ...] = ("feature",), unit: int = 0, exponent: int = 0) -> FieldSpec:
    return FieldSpec(path, report_id, bits, low, high, kinds, unit, exponent, quantity)


def _status(prefix: str, report_id: int, names: list[tuple[str, str]]) -> list[FieldSpec]:
    """One bit per status flag, in one Input+Feature report."""
    return [f(f"{prefix}.{name}", report_id, 1, 0, 1, quantity, kinds=IO)
            for name, quantity in names]


APC_BACK_UPS = HidUpsModel(
    "apc-back-ups", 0x051D, 0x0002, "American Power Conversion", "Back-UPS BK650M2-CH",
    "9B0000SIM001", string_indexes=(3, 1, 2),
    extra_strings={4: "PbAc", 5: "APC", 7: "UPS 09.4"},
    bcd_device=0x0106, battery_nominal=12.0, nominal_voltage=230.0, real_power=390.0,
    fields=(
        f("UPS.PowerSummary.iProduct", 0x01, 8, 0, 255, "str_product"),
        f("UPS.PowerSummary.iSerialNumber", 0x02, 8, 0, 255, "str_serial"),
        f("UPS.PowerSummary.iDeviceChemistry", 0x03, 8, 0, 255, "=4"),
        f("UPS.PowerSummary.iOEMInformation", 0x04, 8, 0, 255, "=5"),
        f("UPS.PowerSummary.Rechargeable", 0x05, 8, 0, 1, "=1"),
        f("UPS.PowerSummary.iManufacturer", 0x0A, 8, 0, 255, "str_manufacturer"),
        f("UPS.PowerSummary.CapacityMode", 0x0B, 8, 0, 2, "=2"),
        f("UPS.PowerSummary.RemainingCapacity", 0x0C, 8, 0, 100, "charge", kinds=IO),
        f("UPS.PowerSummary.DesignCapacity", 0x0D, 8, 0, 100, "=100"),
        f("UPS.PowerSummary.FullChargeCapacity", 0x0E, 8, 0, 100, "=100"),
        f("UPS.PowerSummary.RunTimeToEmpty", 0x0F, 16, 0, 65534, "runtime", unit=SECOND),
        f("UPS.PowerSummary.RemainingCapacityLimit", 0x11, 8, 0, 100, "charge_low"),
        f("UPS.PowerSummary.ACPresent", 0x13, 8, 0, 1, "ac_present", kinds=IO),
        f("UPS.PowerSummary.BelowRemainingCapacityLimit", 0x14, 8, 0, 1, "below_limit",
          kinds=IO),
        f("UPS.PowerSummary.DelayBeforeShutdown", 0x15, 16, -1, 32767, "delay_shutdown",
          unit=SECOND),
        *_status("UPS.PowerSummary.PresentStatus", 0x16, [
            ("Charging", "charging"), ("Discharging", "discharging"),
            ("ACPresent", "ac_present"), ("BatteryPresent", "battery_present"),
            ("ShutdownImminent", "shutdown_imminent"),
            ("RemainingTimeLimitExpired", "time_limit_expired"),
            ("NeedReplacement", "need_replacement"), ("Overload", "overload"),
            ("VoltageNotRegulated", "voltage_not_regulated")]),
        f("UPS.PowerSummary.RemainingTimeLimit", 0x17, 16, 0, 32767, "runtime_low",
          unit=SECOND),
        f("UPS.PowerSummary.AudibleAlarmControl", 0x18, 8, 1, 3, "alarm"),
        f("UPS.PowerSummary.DelayBeforeStartup", 0x19, 16, -1, 32767, "delay_startup",
          unit=SECOND),
        f("UPS.Battery.Test", 0x21, 8, 0, 6, "test", kinds=IO),
        f("UPS.Battery.ConfigVoltage", 0x25, 16, 0, 65535, "battery_nominal", unit=VOLT,
          exponent=5),
        f("UPS.Battery.Voltage", 0x26, 16, 0, 65535, "battery_voltage", unit=VOLT,
          exponent=5),
        f("UPS.Input.ConfigVoltage", 0x30, 8, 0, 255, "input_nominal", unit=VOLT,
          exponent=7),
        f("UPS.Input.Voltage", 0x31, 16, 0, 65535, "input_voltage", unit=VOLT, exponent=7),
        f("UPS.Input.LowVoltageTransfer", 0x32, 16, 0, 65535, "transfer_low", unit=VOLT,
          exponent=7),
        f("UPS.Input.HighVoltageTransfer", 0x33, 16, 0, 65535, "transfer_high", unit=VOLT,
          exponent=7),
        f("UPS.Output.Voltage", 0x41, 16, 0, 65535, "output_voltage", unit=VOLT,
          exponent=7),
        f("UPS.PowerConverter.PercentLoad", 0x50, 8, 0, 100, "load"),
        f("UPS.PowerConverter.ConfigActivePower", 0x52, 16, 0, 65535, "real_power",
          unit=WATT, exponent=7),
        # APC_UPS_FirmwareRevision: the string index of the firmware (real BK650M2: 7)
        f("UPS.ff860042", 0x7E, 8, 0, 255, "=7"),
    ))

CYBERPOWER = HidUpsModel(
    "cyberpower", 0x0764, 0x0501, "CPS", "CP1500PFCLCD", "CXXSIM000001",
    string_indexes=(3, 1, 2), extra_strings={4: "PbAcid", 5: "CPS"}, bcd_device=0x0001,
    battery_nominal=24.0, nominal_voltage=120.0, real_power=900.0,
    fields=(
        f("UPS.PowerSummary.iProduct", 0x01, 8, 0, 255, "str_product"),
        f("UPS.PowerSummary.iSerialNumber", 0x02, 8, 0, 255, "str_serial"),
        f("UPS.PowerSummary.iDeviceChemistry", 0x03, 8, 0, 255, "=4"),
        f("UPS.PowerSummary.iOEMInformation", 0x04, 8, 0, 255, "=5"),
        f("UPS.PowerSummary.iManufacturer", 0x05, 8, 0, 255, "str_manufacturer"),
        f("UPS.PowerSummary.CapacityMode", 0x06, 8, 0, 2, "=2"),
        f("UPS.PowerSummary.DesignCapacity", 0x07, 8, 0, 100, "=100"),
        f("UPS.PowerSummary.RemainingCapacity", 0x08, 8, 0, 100, "charge", kinds=IO),
        f("UPS.PowerSummary.RunTimeToEmpty", 0x08, 16, 0, 65534, "runtime", kinds=IO,
          unit=SECOND),
        f("UPS.PowerSummary.RemainingTimeLimit", 0x08, 16, 0, 65534, "runtime_low",
          kinds=IO, unit=SECOND),
        f("UPS.PowerSummary.RemainingCapacityLimit", 0x09, 8, 0, 100, "charge_low"),
        f("UPS.PowerSummary.ConfigVoltage", 0x0A, 16, 0, 65535, "battery_nominal",
          unit=VOLT, exponent=5),
        f("UPS.PowerSummary.Voltage", 0x0A, 16, 0, 65535, "battery_voltage", unit=VOLT,
          exponent=5),
        *_status("UPS.PowerSummary.PresentStatus", 0x0B, [
            ("ACPresent", "ac_present"), ("Charging", "charging"),
            ("Discharging", "discharging"), ("BelowRemainingCapacityLimit", "below_limit"),
            ("FullyCharged", "fully_charged"),
            ("RemainingTimeLimitExpired", "time_limit_expired"),
            ("ShutdownImminent", "shutdown_imminent"), ("BatteryPresent", "battery_present"),
            ("NeedReplacement", "need_replacement"), ("Overload", "overload")]),
        f("UPS.PowerSummary.AudibleAlarmControl", 0x0C, 8, 1, 3, "alarm"),
        f("UPS.Input.Voltage", 0x0F, 16, 0, 255, "input_voltage", unit=VOLT, exponent=7),
        f("UPS.Input.ConfigVoltage", 0x0F, 16, 0, 255, "input_nominal", unit=VOLT,
          exponent=7),
        f("UPS.Input.LowVoltageTransfer", 0x10, 16, 0, 255, "transfer_low", unit=VOLT,
          exponent=7),
        f("UPS.Input.HighVoltageTransfer", 0x10, 16, 0, 255, "transfer_high", unit=VOLT,
          exponent=7),
        f("UPS.Output.Voltage", 0x12, 16, 0, 255, "output_voltage", unit=VOLT, exponent=7),
        f("UPS.Output.ConfigActivePower", 0x12, 16, 0, 65535, "real_power", unit=WATT,
          exponent=7),
        f("UPS.Output.PercentLoad", 0x13, 8, 0, 100, "load"),
        f("UPS.Output.Test", 0x14, 8, 0, 6, "test"),
        f("UPS.Output.DelayBeforeShutdown", 0x15, 16, -1, 32767, "delay_shutdown",
          unit=SECOND),
        f("UPS.Output.DelayBeforeStartup", 0x16, 16, -1, 32767, "delay_startup",
          unit=SECOND),
    ))

EATON_ELLIPSE = HidUpsModel(
    "eaton-ellipse", 0x0463, 0xFFFF, "EATON", "Ellipse ECO", "000000SIM001",
    string_indexes=(1, 2, 4), extra_strings={3: "PbAc"}, bcd_device=0x0100,
    battery_nominal=12.0, nominal_voltage=230.0, real_power=500.0, max_packet=64,
    fields=(
        f("UPS.PowerSummary.iProduct", 0x01, 8, 0, 255, "str_product"),
        f("UPS.PowerSummary.iSerialNumber", 0x01, 8, 0, 255, "str_serial"),
        f("UPS.PowerSummary.iManufacturer", 0x01, 8, 0, 255, "str_manufacturer"),
        f("UPS.PowerSummary.iDeviceChemistry", 0x01, 8, 0, 255, "=3"),
        *_status("UPS.PowerSummary.PresentStatus", 0x06, [
            ("ACPresent", "ac_present"), ("Charging", "charging"),
            ("Discharging", "discharging"), ("BelowRemainingCapacityLimit", "below_limit"),
            ("ShutdownImminent", "shutdown_imminent"), ("BatteryPresent", "battery_present"),
            ("FullyCharged", "fully_charged"), ("NeedReplacement", "need_replacement"),
            ("Overload", "overload"), ("Boost", "boost"), ("Buck", "buck"),
            ("RemainingTimeLimitExpired", "time_limit_expired")]),
        f("UPS.PowerSummary.RemainingCapacity", 0x07, 8, 0, 100, "charge", kinds=IO),
        f("UPS.PowerSummary.RunTimeToEmpty", 0x07, 32, 0, 2147483647, "runtime", kinds=IO,
          unit=SECOND),
        f("UPS.PowerSummary.Voltage", 0x08, 16, 0, 65535, "battery_voltage", unit=VOLT,
          exponent=5),
        f("UPS.PowerSummary.PercentLoad", 0x09, 8, 0, 100, "load", kinds=IO),
        f("UPS.PowerSummary.RemainingCapacityLimit", 0x0A, 8, 0, 100, "charge_low"),
        f("UPS.PowerSummary.RemainingTimeLimit", 0x0B, 32, 0, 2147483647, "runtime_low",
          unit=SECOND),
        f("UPS.PowerSummary.DelayBeforeShutdown", 0x0C, 32, -1, 2147483647,
          "delay_shutdown", unit=SECOND),
        f("UPS.PowerSummary.DelayBeforeStartup", 0x0D, 32, -1, 2147483647,
          "delay_startup", unit=SECOND),
        f("UPS.PowerSummary.AudibleAlarmControl", 0x0E, 8, 1, 3, "alarm"),
        f("UPS.BatterySystem.ConfigVoltage", 0x10, 16, 0, 65535, "battery_nominal",
          unit=VOLT, exponent=5),
        f("UPS.BatterySystem.Battery.Test", 0x11, 8, 0, 6, "test"),
        f("UPS.PowerConverter.Input.[1].Voltage", 0x20, 16, 0, 65535, "input_voltage",
          unit=VOLT, exponent=7),
        f("UPS.PowerConverter.Input.[1].ConfigVoltage", 0x20, 16, 0, 65535,
          "input_nominal", unit=VOLT, exponent=7),
        f("UPS.PowerConverter.Output.Voltage", 0x21, 16, 0, 65535, "output_voltage",
          unit=VOLT, exponent=7),
        f("UPS.PowerConverter.Output.ConfigVoltage", 0x21, 16, 0, 65535, "output_nominal",
          unit=VOLT, exponent=7),
        f("UPS.PowerConverter.Output.ConfigActivePower", 0x22, 16, 0, 65535, "real_power",
          unit=WATT, exponent=7),
    ))

#: The simulated HID UPSes by catalog name.
MODELS: dict[str, HidUpsModel] = {
    model.name: model for model in (APC_BACK_UPS, CYBERPOWER, EATON_ELLIPSE)}
