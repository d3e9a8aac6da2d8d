"""Eaton XUPS-MIB (Powerware, ``pw``, 1.3.6.1.4.1.534.1) on a simulated card.

The control countdowns (xupsControlOutputOffDelay, xupsControlOutputOnDelay,
xupsControlToBypassDelay) take seconds; 0 aborts the pending action;
xupsLoadShedSecsWithRestart cuts the output after its seconds and restores it when the
utility returns; reading one gives
the seconds left, 0 when nothing is pending.  Frequencies in 0.1 Hz, battery voltage
in volts, runtime in seconds.  Active alarms are rows of xupsAlarmTable naming the
well-known alarm (xupsOnBattery, xupsLowBattery ...).
"""

from __future__ import annotations

from upskit.sim.snmp.mib import Builder, Kind, SetError
from upskit.sim.snmp.models import Model
from upskit.sim.snmp.models.common import alarm_rows, output_source, setting
from upskit.sim.snmp.models.system import add_system
from upskit.sim.snmp.ups import NEVER, SnmpUps

BASE = "1.3.6.1.4.1.534.1"
SYS_OBJECT_ID = BASE
#: Well-known alarms (xupsAlarms branch 1.3.6.1.4.1.534.1.7) the simulator raises.
ALARMS = {"onBattery": 3, "lowBattery": 4, "onBypass": 11, "outputOff": 13,
          "upsShutdownPending": 27}
_TEST_STATUS = {"none": 1, "passed": 2, "failed": 3, "running": 4, "aborted": 3}


def battery_low(s: SnmpUps) -> bool:
    return s.low_battery(float(s.settings["low_runtime"]))


def abm_status(s: SnmpUps) -> int:
    """xupsBatteryAbmStatus: batteryCharging(1), batteryDischarging(2),
    batteryFloating(3), batteryResting(4), batteryUnderTest(7)."""
    ups = s.physics
    if ups.testing:
        return 7
    if ups.on_battery and ups.output_on:
        return 2
    if ups.charge < 0.999:
        return 1
    return 3


def active_alarms(s: SnmpUps) -> list[int]:
    ups = s.physics
    active = {
        "onBattery": ups.on_battery and ups.output_on,
        "lowBattery": battery_low(s),
        "onBypass": s.bypass,
        "outputOff": not ups.output_on,
        "upsShutdownPending": ups.shutdown_at is not None,
    }
    return [ALARMS[name] for name, on in active.items() if on]


def _write_off_delay(s: SnmpUps, value: int) -> None:
    if value == 0:
        s.cancel_shutdown()
    else:
        s.shutdown(value, NEVER)


def _write_on_delay(s: SnmpUps, value: int) -> None:
    if value == 0:
        s.cancel_startup()
    else:
        s.bypass = False
        s.startup(value)


def _write_shed_restart(s: SnmpUps, value: int) -> None:
    # Output off after ``value`` seconds, back on when the utility returns.
    s.shutdown(value, None)


def _write_bypass_delay(s: SnmpUps, value: int) -> None:
    if value == 0:
        s.bypass_at = None
        return
    if not s.physics.mains:
        raise SetError("inconsistentValue")
    s.bypass_at = s.now() + value


def _write_test(s: SnmpUps, value: int) -> None:
    # startTest(1)
    if value != 1:
        raise SetError("wrongValue")
    if s.physics.testing:
        raise SetError("inconsistentValue")
    s.start_test("quick")


def _bypass_remaining(s: SnmpUps) -> int:
    return 0 if s.bypass_at is None else max(0, round(s.bypass_at - s.now()))


def _write_recep_off(s: SnmpUps, value: int) -> None:
    # seconds until the receptacle turns off; -1 cancels
    if value < 0:
        s.cancel_shutdown()
    else:
        s.shutdown(value, NEVER)


def _write_recep_on(s: SnmpUps, value: int) -> None:
    # seconds until the receptacle turns on; -1 cancels
    if value < 0:
        s.cancel_startup()
    else:
        s.startup(value)


def _recep_status(s: SnmpUps) -> int:
    """on(1), off(2), pendingOff(3), pendingOn(4)."""
    if s.physics.output_on:
        return 3 if s.physics.shutdown_at is not None else 1
    return 4 if s.startup_remaining() >= 0 else 2


def build() -> Model:
    b: Builder[SnmpUps] = Builder()
    descr = "Eaton ConnectUPS Web/SNMP Card (upskit simulated Powerware 9130)"
    add_system(b, descr, SYS_OBJECT_ID)
    # xupsIdent
    b.add(f"{BASE}.1.1.0", Kind.STRING, lambda s: s.physics.mfr, name="xupsIdentManufacturer")
    b.add(f"{BASE}.1.2.0", Kind.STRING, lambda s: s.physics.model, name="xupsIdentModel")
    b.add(f"{BASE}.1.3.0", Kind.STRING, lambda s: s.physics.firmware,
          name="xupsIdentSoftwareVersion")
    b.const(f"{BASE}.1.4.0", Kind.INTEGER, 0, "xupsIdentOemCode")
    # xupsBattery
    b.add(f"{BASE}.2.1.0", Kind.INTEGER, lambda s: int(s.runtime), name="xupsBatTimeRemaining")
    b.add(f"{BASE}.2.2.0", Kind.INTEGER, lambda s: round(s.physics.battery_voltage),
          name="xupsBatVoltage")
    b.add(f"{BASE}.2.3.0", Kind.INTEGER,
          lambda s: -round(s.output_watts / max(s.physics.battery_voltage, 1.0))
          if s.physics.on_battery else 0, name="xupsBatCurrent")
    b.add(f"{BASE}.2.4.0", Kind.INTEGER, lambda s: round(s.physics.charge * 100),
          name="xupsBatCapacity")
    b.add(f"{BASE}.2.5.0", Kind.INTEGER, abm_status, name="xupsBatteryAbmStatus")
    # xupsInput
    b.add(f"{BASE}.3.1.0", Kind.INTEGER, lambda s: round(s.input_frequency * 10),
          name="xupsInputFrequency")
    b.add(f"{BASE}.3.2.0", Kind.COUNTER, lambda s: s.line_bads, name="xupsInputLineBads")
    b.const(f"{BASE}.3.3.0", Kind.INTEGER, 1, "xupsInputNumPhases")
    row = f"{BASE}.3.4.1"
    b.const(f"{row}.1.1", Kind.INTEGER, 1, "xupsInputPhase")
    b.add(f"{row}.2.1", Kind.INTEGER, lambda s: round(s.input_voltage), name="xupsInputVoltage")
    b.add(f"{row}.3.1", Kind.INTEGER,
          lambda s: round(s.output_current) if s.physics.mains else 0, name="xupsInputCurrent")
    b.add(f"{row}.4.1", Kind.INTEGER,
          lambda s: s.output_watts if s.physics.mains and not s.physics.testing else 0,
          name="xupsInputWatts")
    b.add(f"{BASE}.3.5.0", Kind.INTEGER, lambda s: 3 if s.physics.mains else 2,
          name="xupsInputSource")
    # xupsOutput
    b.add(f"{BASE}.4.1.0", Kind.INTEGER,
          lambda s: round(s.physics.load) if s.physics.output_on else 0, name="xupsOutputLoad")
    b.add(f"{BASE}.4.2.0", Kind.INTEGER,
          lambda s: round(s.physics.nominal_frequency * 10) if s.physics.output_on else 0,
          name="xupsOutputFrequency")
    b.const(f"{BASE}.4.3.0", Kind.INTEGER, 1, "xupsOutputNumPhases")
    row = f"{BASE}.4.4.1"
    b.const(f"{row}.1.1", Kind.INTEGER, 1, "xupsOutputPhase")
    b.add(f"{row}.2.1", Kind.INTEGER, lambda s: round(s.physics.output_voltage),
          name="xupsOutputVoltage")
    b.add(f"{row}.3.1", Kind.INTEGER, lambda s: round(s.output_current),
          name="xupsOutputCurrent")
    b.add(f"{row}.4.1", Kind.INTEGER, lambda s: s.output_watts, name="xupsOutputWatts")
    b.add(f"{BASE}.4.5.0", Kind.INTEGER, output_source, name="xupsOutputSource")
    # xupsBypass
    b.add(f"{BASE}.5.1.0", Kind.INTEGER, lambda s: round(s.input_frequency * 10),
          name="xupsBypassFrequency")
    b.const(f"{BASE}.5.2.0", Kind.INTEGER, 1, "xupsBypassNumPhases")
    b.const(f"{BASE}.5.3.1.1.1", Kind.INTEGER, 1, "xupsBypassPhase")
    b.add(f"{BASE}.5.3.1.2.1", Kind.INTEGER, lambda s: round(s.input_voltage),
          name="xupsBypassVoltage")
    # xupsEnvironment
    b.add(f"{BASE}.6.1.0", Kind.INTEGER, lambda s: round(s.physics.temperature),
          name="xupsEnvAmbientTemp")
    setting(b, f"{BASE}.6.2.0", "ambient_low", "xupsEnvAmbientLowerLimit", minimum=-100,
            maximum=200)
    setting(b, f"{BASE}.6.3.0", "ambient_high", "xupsEnvAmbientUpperLimit", minimum=-100,
            maximum=200)
    # xupsAlarm
    b.add(f"{BASE}.7.1.0", Kind.GAUGE, lambda s: len(active_alarms(s)), name="xupsAlarms")
    alarm_rows(b, sorted(ALARMS.values()), active_alarms, entry=f"{BASE}.7.2.1",
               descr=f"{BASE}.7", names=("xupsAlarmID", "xupsAlarmDescr", "xupsAlarmTime"))
    # xupsTest
    b.add(f"{BASE}.8.1.0", Kind.INTEGER, lambda s: 0, _write_test, name="xupsTestBattery")
    b.add(f"{BASE}.8.2.0", Kind.INTEGER, lambda s: _TEST_STATUS[s.test.result],
          name="xupsTestBatteryStatus")
    # xupsControl
    b.add(f"{BASE}.9.1.0", Kind.INTEGER, lambda s: max(0, s.shutdown_remaining()),
          _write_off_delay, name="xupsControlOutputOffDelay", minimum=0, maximum=2**31 - 1)
    b.add(f"{BASE}.9.2.0", Kind.INTEGER, lambda s: max(0, s.startup_remaining()),
          _write_on_delay, name="xupsControlOutputOnDelay", minimum=0, maximum=2**31 - 1)
    b.add(f"{BASE}.9.5.0", Kind.INTEGER, _bypass_remaining, _write_bypass_delay,
          name="xupsControlToBypassDelay", minimum=0, maximum=2**31 - 1)
    b.add(f"{BASE}.9.6.0", Kind.INTEGER, lambda s: max(0, s.shutdown_remaining()),
          _write_shed_restart, name="xupsLoadShedSecsWithRestart", minimum=0,
          maximum=2**31 - 1)
    # xupsConfig
    b.add(f"{BASE}.10.1.0", Kind.INTEGER, lambda s: round(s.physics.nominal_voltage),
          name="xupsConfigOutputVoltage")
    setting(b, f"{BASE}.10.2.0", "input_voltage", "xupsConfigInputVoltage",
            minimum=0, maximum=1000)
    b.add(f"{BASE}.10.3.0", Kind.INTEGER, lambda s: int(s.va_rating * 0.9),
          name="xupsConfigOutputWatts")
    b.add(f"{BASE}.10.4.0", Kind.INTEGER, lambda s: round(s.physics.nominal_frequency * 10),
          name="xupsConfigOutputFreq")
    setting(b, f"{BASE}.10.6.0", "low_output_limit", "xupsConfigLowOutputVoltageLimit",
            minimum=0, maximum=1000)
    setting(b, f"{BASE}.10.7.0", "high_output_limit", "xupsConfigHighOutputVoltageLimit",
            minimum=0, maximum=1000)
    # xupsRecep: the whole output as one receptacle
    b.const(f"{BASE}.12.1.0", Kind.INTEGER, 1, "xupsNumReceptacles")
    b.const(f"{BASE}.12.2.1.1.1", Kind.INTEGER, 1, "xupsRecepIndex")
    b.add(f"{BASE}.12.2.1.2.1", Kind.INTEGER, _recep_status, name="xupsRecepStatus")
    b.add(f"{BASE}.12.2.1.3.1", Kind.INTEGER, SnmpUps.shutdown_remaining, _write_recep_off,
          name="xupsRecepOffDelaySecs", minimum=-1, maximum=2**31 - 1)
    b.add(f"{BASE}.12.2.1.4.1", Kind.INTEGER, SnmpUps.startup_remaining, _write_recep_on,
          name="xupsRecepOnDelaySecs", minimum=-1, maximum=2**31 - 1)
    # xupsTopology
    b.const(f"{BASE}.13.1.0", Kind.INTEGER, 20, "xupsTopologyType")  # onLineDoubleConv
    return Model(
        name="pw", table=b.table(), sys_object_id=SYS_OBJECT_ID, sys_descr=descr,
        defaults={
            "ambient_low": 0, "ambient_high": 40, "input_voltage": 230,
            "low_output_limit": 196, "high_output_limit": 264, "low_runtime": 120,
            "va": 3000,
        },
        physics={"mfr": "EATON", "model": "Powerware 9130 3000", "firmware": "INV: 2.3"},
    )


MODEL = build()
