"""APC PowerNet-MIB UPS objects (``apcc``, 1.3.6.1.4.1.318.1.1.1) on a simulated card.

TimeTicks (hundredths of a second) for runtimes and delays, Gauge32 for most
measurements, the high-precision group in tenths; control objects read back their
"nothing to do" value (1) and act when set to their command value.
"""

from __future__ import annotations

import zlib

from upskit.sim.snmp.mib import Builder, Kind, SetError
from upskit.sim.snmp.models import Model
from upskit.sim.snmp.models.common import enum_setting, setting, ticks
from upskit.sim.snmp.models.system import add_system
from upskit.sim.snmp.ups import NEVER, SnmpUps

BASE = "1.3.6.1.4.1.318.1.1.1"
#: A Smart-UPS product identifier under apc.products.system.smartUPS.
SYS_OBJECT_ID = "1.3.6.1.4.1.318.1.3.2.12"
_TEST_RESULTS = {"none": 1, "passed": 1, "failed": 2, "aborted": 3, "running": 4}
_CALIBRATION_RESULTS = {"none": 1, "passed": 1, "failed": 2, "aborted": 2, "running": 3}


def _low_limit(s: SnmpUps) -> float:
    return float(s.settings["low_runtime"])


def battery_status(s: SnmpUps) -> int:
    """unknown(1), batteryNormal(2), batteryLow(3), batteryInFaultCondition(4)."""
    return 3 if s.low_battery(_low_limit(s)) or s.physics.charge <= 0 else 2


def output_status(s: SnmpUps) -> int:
    """upsBasicOutputStatus: onLine(2), onBattery(3), onSmartBoost(4), timedSleeping(5),
    off(7), rebooting(8), switchedBypass(9), sleepingUntilPowerReturn(11),
    onSmartTrim(12)."""
    ups = s.physics
    if not ups.output_on:
        if ups.restart_at is not None and ups.restart_at < NEVER / 2:
            return 8 if s.settings.get("rebooting") else 5
        if ups.restart_at is None and ups.restart_after is None and not ups.mains:
            return 11
        return 7
    if ups.on_battery:
        return 3
    if s.bypass:
        return 9
    if ups.avr_active:
        return 4 if ups.input_voltage < ups.nominal_voltage else 12
    return 2


def _fail_cause(s: SnmpUps) -> int:
    """upsAdvInputLineFailCause: noTransfer(1), blackout(4), selfTest(9)."""
    if s.physics.testing:
        return 9
    return 1 if s.line_bads == 0 else 4


def _shutoff_delay(s: SnmpUps) -> float:
    return float(s.settings["shutoff_delay"])


def _return_delay(s: SnmpUps) -> float:
    return float(s.settings["return_delay"])


def _write_ups_off(s: SnmpUps, value: int) -> None:
    # noTurnUpsOff(1), turnUpsOff(2), turnUpsOffGracefully(3)
    if value == 2:
        s.shutdown(0, NEVER)
    elif value == 3:
        s.shutdown(_shutoff_delay(s), NEVER)
    elif value != 1:
        raise SetError("wrongValue")


def _write_reboot(s: SnmpUps, value: int) -> None:
    # noRebootShutdown(1), rebootShutdown(2), rebootShutdownGracefully(3)
    if value == 1:
        return
    if value not in (2, 3):
        raise SetError("wrongValue")
    s.settings["rebooting"] = True
    s.shutdown(0 if value == 2 else _shutoff_delay(s), max(_return_delay(s), 1.0))


def _write_conserve(s: SnmpUps, value: int) -> None:
    # noTurnOffUps(1), turnOffUpsToConserveBattery(2): only while on battery; the
    # output comes back when the mains returns.
    if value == 1:
        return
    if value != 2:
        raise SetError("wrongValue")
    if s.physics.mains:
        raise SetError("inconsistentValue")
    s.settings["rebooting"] = False
    s.shutdown(_shutoff_delay(s), None)


def _write_turn_on(s: SnmpUps, value: int) -> None:
    # noTurnOnUPS(1), turnOnUPS(2)
    if value == 2:
        s.settings["rebooting"] = False
        s.turn_on()
    elif value != 1:
        raise SetError("wrongValue")


def _write_diagnostics(s: SnmpUps, value: int) -> None:
    # noTestDiagnostics(1), testDiagnostics(2)
    if value == 2:
        if s.physics.testing:
            raise SetError("inconsistentValue")
        s.start_test("quick")
        s.settings["last_test_date"] = "12/01/26"
    elif value != 1:
        raise SetError("wrongValue")


def _write_calibration(s: SnmpUps, value: int) -> None:
    # noPerformCalibration(1), performCalibration(2), cancelCurrentCalibration(3)
    if value == 2:
        if s.physics.testing or s.physics.charge < 1.0:
            raise SetError("inconsistentValue")  # APC cards want a full battery
        s.start_test("deep")
    elif value == 3:
        s.abort_test()
    elif value != 1:
        raise SetError("wrongValue")


def _write_flash(s: SnmpUps, value: int) -> None:
    if value not in (1, 2):
        raise SetError("wrongValue")


def _write_simulate_fail(s: SnmpUps, value: int) -> None:
    # noSimulatePowerFailure(1), simulatePowerFailure(2): a short test on battery
    if value == 2:
        s.physics.start_test(5.0)
    elif value != 1:
        raise SetError("wrongValue")


def _write_bypass(s: SnmpUps, value: int) -> None:
    # noBypassSwitch(1), switchToBypass(2), switchOutOfBypass(3)
    if value == 2:
        if not s.physics.mains:
            raise SetError("inconsistentValue")
        s.bypass = True
    elif value == 3:
        s.bypass = False
    elif value != 1:
        raise SetError("wrongValue")


def _rated_voltage(s: SnmpUps, value: int) -> None:
    if value not in (220, 225, 230, 240):
        raise SetError("wrongValue")
    s.physics.nominal_voltage = float(value)


def _serial(s: SnmpUps) -> str:
    return f"AS24{zlib.crc32(s.community.encode()) % 10**8:08d}"


def _control(b: Builder[SnmpUps], at: str, name: str, write: object) -> None:
    b.add(at, Kind.INTEGER, lambda s: 1, write, name=name)  # type: ignore[arg-type]


def build() -> Model:
    b: Builder[SnmpUps] = Builder()
    descr = "APC Web/SNMP Management Card (upskit simulated Smart-UPS)"
    add_system(b, descr, SYS_OBJECT_ID)
    # upsIdent
    b.add(f"{BASE}.1.1.1.0", Kind.STRING, lambda s: s.physics.model, name="upsBasicIdentModel")
    b.add(f"{BASE}.1.1.2.0", Kind.STRING, lambda s: str(s.settings["ident_name"]),
          lambda s, v: s.settings.__setitem__("ident_name", v), name="upsBasicIdentName",
          maximum=8)
    b.add(f"{BASE}.1.2.1.0", Kind.STRING, lambda s: s.physics.firmware,
          name="upsAdvIdentFirmwareRevision")
    b.const(f"{BASE}.1.2.2.0", Kind.STRING, "01/15/2024", "upsAdvIdentDateOfManufacture")
    b.add(f"{BASE}.1.2.3.0", Kind.STRING, _serial, name="upsAdvIdentSerialNumber")
    # upsBattery
    b.add(f"{BASE}.2.1.1.0", Kind.INTEGER, battery_status, name="upsBasicBatteryStatus")
    b.add(f"{BASE}.2.1.2.0", Kind.TICKS, lambda s: ticks(s.seconds_on_battery),
          name="upsBasicBatteryTimeOnBattery")
    b.add(f"{BASE}.2.1.3.0", Kind.STRING, lambda s: str(s.settings["battery_date"]),
          lambda s, v: s.settings.__setitem__("battery_date", v),
          name="upsBasicBatteryLastReplaceDate", maximum=8)
    b.add(f"{BASE}.2.2.1.0", Kind.GAUGE, lambda s: int(s.physics.charge * 100),
          name="upsAdvBatteryCapacity")
    b.add(f"{BASE}.2.2.2.0", Kind.GAUGE, lambda s: round(s.physics.temperature),
          name="upsAdvBatteryTemperature")
    b.add(f"{BASE}.2.2.3.0", Kind.TICKS, lambda s: ticks(s.runtime),
          name="upsAdvBatteryRunTimeRemaining")
    b.add(f"{BASE}.2.2.4.0", Kind.INTEGER, lambda s: 2 if s.physics.failed else 1,
          name="upsAdvBatteryReplaceIndicator")
    b.const(f"{BASE}.2.2.5.0", Kind.INTEGER, 0, "upsAdvBatteryNumOfBattPacks")
    b.const(f"{BASE}.2.2.6.0", Kind.INTEGER, 0, "upsAdvBatteryNumOfBadBattPacks")
    b.add(f"{BASE}.2.2.7.0", Kind.INTEGER, lambda s: round(s.physics.battery_nominal),
          name="upsAdvBatteryNominalVoltage")
    b.add(f"{BASE}.2.2.8.0", Kind.INTEGER, lambda s: round(s.physics.battery_voltage),
          name="upsAdvBatteryActualVoltage")
    b.add(f"{BASE}.2.3.1.0", Kind.GAUGE, lambda s: int(s.physics.charge * 1000),
          name="upsHighPrecBatteryCapacity")
    b.add(f"{BASE}.2.3.2.0", Kind.GAUGE, lambda s: round(s.physics.temperature * 10),
          name="upsHighPrecBatteryTemperature")
    b.add(f"{BASE}.2.3.3.0", Kind.INTEGER, lambda s: round(s.physics.battery_nominal * 10),
          name="upsHighPrecBatteryNominalVoltage")
    b.add(f"{BASE}.2.3.4.0", Kind.INTEGER, lambda s: round(s.physics.battery_voltage * 10),
          name="upsHighPrecBatteryActualVoltage")
    # upsInput
    b.const(f"{BASE}.3.1.1.0", Kind.INTEGER, 1, "upsBasicInputPhase")
    b.add(f"{BASE}.3.2.1.0", Kind.GAUGE, lambda s: round(s.input_voltage),
          name="upsAdvInputLineVoltage")
    b.add(f"{BASE}.3.2.2.0", Kind.GAUGE, lambda s: round(s.input_voltage),
          name="upsAdvInputMaxLineVoltage")
    b.add(f"{BASE}.3.2.3.0", Kind.GAUGE, lambda s: round(s.input_voltage),
          name="upsAdvInputMinLineVoltage")
    b.add(f"{BASE}.3.2.4.0", Kind.GAUGE, lambda s: round(s.input_frequency),
          name="upsAdvInputFrequency")
    b.add(f"{BASE}.3.2.5.0", Kind.INTEGER, _fail_cause, name="upsAdvInputLineFailCause")
    b.add(f"{BASE}.3.3.1.0", Kind.GAUGE, lambda s: round(s.input_voltage * 10),
          name="upsHighPrecInputLineVoltage")
    b.add(f"{BASE}.3.3.4.0", Kind.GAUGE, lambda s: round(s.input_frequency * 10),
          name="upsHighPrecInputFrequency")
    # upsOutput
    b.add(f"{BASE}.4.1.1.0", Kind.INTEGER, output_status, name="upsBasicOutputStatus")
    b.const(f"{BASE}.4.1.2.0", Kind.INTEGER, 1, "upsBasicOutputPhase")
    b.add(f"{BASE}.4.2.1.0", Kind.GAUGE, lambda s: round(s.physics.output_voltage),
          name="upsAdvOutputVoltage")
    b.add(f"{BASE}.4.2.2.0", Kind.GAUGE,
          lambda s: round(s.physics.nominal_frequency) if s.physics.output_on else 0,
          name="upsAdvOutputFrequency")
    b.add(f"{BASE}.4.2.3.0", Kind.GAUGE,
          lambda s: round(s.physics.load) if s.physics.output_on else 0, name="upsAdvOutputLoad")
    b.add(f"{BASE}.4.2.4.0", Kind.GAUGE, lambda s: round(s.output_current),
          name="upsAdvOutputCurrent")
    b.add(f"{BASE}.4.3.1.0", Kind.GAUGE, lambda s: round(s.physics.output_voltage * 10),
          name="upsHighPrecOutputVoltage")
    b.add(f"{BASE}.4.3.2.0", Kind.GAUGE,
          lambda s: round(s.physics.nominal_frequency * 10) if s.physics.output_on else 0,
          name="upsHighPrecOutputFrequency")
    b.add(f"{BASE}.4.3.3.0", Kind.GAUGE,
          lambda s: round(s.physics.load * 10) if s.physics.output_on else 0,
          name="upsHighPrecOutputLoad")
    b.add(f"{BASE}.4.3.4.0", Kind.GAUGE, lambda s: round(s.output_current * 10),
          name="upsHighPrecOutputCurrent")
    # upsConfig
    b.const(f"{BASE}.5.1.1.0", Kind.INTEGER, 0, "upsBasicConfigNumDevices")
    b.add(f"{BASE}.5.2.1.0", Kind.INTEGER, lambda s: round(s.physics.nominal_voltage),
          _rated_voltage, name="upsAdvConfigRatedOutputVoltage")
    setting(b, f"{BASE}.5.2.2.0", "high_transfer", "upsAdvConfigHighTransferVolt",
            minimum=240, maximum=300)
    setting(b, f"{BASE}.5.2.3.0", "low_transfer", "upsAdvConfigLowTransferVolt",
            minimum=150, maximum=220)
    enum_setting(b, f"{BASE}.5.2.4.0", "alarm", "upsAdvConfigAlarm", {1, 2, 3, 4})
    setting(b, f"{BASE}.5.2.5.0", "alarm_timer", "upsAdvConfigAlarmTimer", kind=Kind.TICKS,
            scale=100, minimum=0, maximum=30000)
    enum_setting(b, f"{BASE}.5.2.6.0", "min_return_capacity", "upsAdvConfigMinReturnCapacity",
                 {0, 15, 25, 50, 60, 75, 90})
    enum_setting(b, f"{BASE}.5.2.7.0", "sensitivity", "upsAdvConfigSensitivity", {1, 2, 3, 4})
    setting(b, f"{BASE}.5.2.8.0", "low_runtime", "upsAdvConfigLowBatteryRunTime",
            kind=Kind.TICKS, scale=100, minimum=0, maximum=360000)
    setting(b, f"{BASE}.5.2.9.0", "return_delay", "upsAdvConfigReturnDelay",
            kind=Kind.TICKS, scale=100, minimum=0, maximum=360000)
    setting(b, f"{BASE}.5.2.10.0", "shutoff_delay", "upsAdvConfigShutoffDelay",
            kind=Kind.TICKS, scale=100, minimum=0, maximum=360000)
    # upsControl
    _control(b, f"{BASE}.6.1.1.0", "upsBasicControlConserveBattery", _write_conserve)
    _control(b, f"{BASE}.6.2.1.0", "upsAdvControlUpsOff", _write_ups_off)
    _control(b, f"{BASE}.6.2.2.0", "upsAdvControlRebootShutdown", _write_reboot)
    _control(b, f"{BASE}.6.2.4.0", "upsAdvControlSimulatePowerFail", _write_simulate_fail)
    _control(b, f"{BASE}.6.2.5.0", "upsAdvControlFlashAndBeep", _write_flash)
    _control(b, f"{BASE}.6.2.6.0", "upsAdvControlTurnOnUPS", _write_turn_on)
    _control(b, f"{BASE}.6.2.7.0", "upsAdvControlBypassSwitch", _write_bypass)
    # upsTest
    enum_setting(b, f"{BASE}.7.2.1.0", "test_schedule", "upsAdvTestDiagnosticSchedule",
                 {1, 2, 3, 4, 5})
    _control(b, f"{BASE}.7.2.2.0", "upsAdvTestDiagnostics", _write_diagnostics)
    b.add(f"{BASE}.7.2.3.0", Kind.INTEGER,
          lambda s: _TEST_RESULTS[s.test.result] if s.test.kind != "deep" else 1,
          name="upsAdvTestDiagnosticsResults")
    b.add(f"{BASE}.7.2.4.0", Kind.STRING, lambda s: str(s.settings["last_test_date"]),
          name="upsAdvTestLastDiagnosticsDate")
    _control(b, f"{BASE}.7.2.5.0", "upsAdvTestRuntimeCalibration", _write_calibration)
    b.add(f"{BASE}.7.2.6.0", Kind.INTEGER,
          lambda s: _CALIBRATION_RESULTS[s.test.result] if s.test.kind == "deep" else 1,
          name="upsAdvTestCalibrationResults")
    # upsComm
    b.const(f"{BASE}.8.1.0", Kind.INTEGER, 1, "upsCommStatus")
    return Model(
        name="apcc", table=b.table(), sys_object_id=SYS_OBJECT_ID, sys_descr=descr,
        defaults={
            "ident_name": "UPS_IDEN", "battery_date": "01/15/24", "high_transfer": 253,
            "low_transfer": 208, "alarm": 1, "alarm_timer": 30, "min_return_capacity": 0,
            "sensitivity": 1, "low_runtime": 120, "return_delay": 0, "shutoff_delay": 20,
            "test_schedule": 2, "last_test_date": "Unknown", "va": 1500,
        },
        physics={"mfr": "APC", "model": "Smart-UPS 1500", "firmware": "UPS 09.3 / ID=18"},
    )


MODEL = build()
