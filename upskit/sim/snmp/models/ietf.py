"""RFC 1628 UPS-MIB (``ietf``, 1.3.6.1.2.1.33) on a simulated card.

Units as the RFC gives them: voltages in volts, except upsBatteryVoltage (0.1 V DC);
currents in 0.1 A; frequencies in 0.1 Hz; upsConfigLowBattTime in minutes; the
shutdown/startup/reboot countdowns in seconds, -1 when none is running.
"""

from __future__ import annotations

from upskit.sim.snmp.mib import Builder, Kind, SetError, oid
from upskit.sim.snmp.models import Model
from upskit.sim.snmp.models.common import (
    alarm_rows,
    enum_setting,
    output_source,
    setting,
    ticks,
)
from upskit.sim.snmp.models.system import add_system
from upskit.sim.snmp.ups import NEVER, SnmpUps

BASE = "1.3.6.1.2.1.33.1"
#: Well-known test identifiers (upsWellKnownTests, 1.3.6.1.2.1.33.1.7.7).
TESTS = f"{BASE}.7.7"
_TEST_KINDS = {1: "none", 2: "abort", 3: "general", 4: "quick", 5: "deep"}
_TEST_IDS = {"none": 1, "general": 3, "quick": 4, "deep": 5}
#: upsTestResultsSummary values.
_RESULTS = {"passed": 1, "failed": 3, "aborted": 4, "running": 5, "none": 6}

#: Well-known alarms (upsWellKnownAlarms, 1.3.6.1.2.1.33.1.6.3) the simulator raises.
ALARMS = {
    "onBattery": 2, "lowBattery": 3, "depletedBattery": 4, "onBypass": 9,
    "outputOffAsRequested": 11, "upsOutputOff": 14, "shutdownPending": 22,
    "shutdownImminent": 23, "testInProgress": 24,
}


def battery_status(s: SnmpUps) -> int:
    """unknown(1), batteryNormal(2), batteryLow(3), batteryDepleted(4)."""
    if s.physics.charge <= 0:
        return 4
    return 3 if s.low_battery(float(s.settings["low_batt_minutes"]) * 60) else 2


def active_alarms(s: SnmpUps) -> list[int]:
    """The well-known alarm numbers active now, in order."""
    ups = s.physics
    active = {
        "onBattery": ups.on_battery and ups.output_on,
        "lowBattery": battery_status(s) == 3,
        "depletedBattery": ups.charge <= 0,
        "onBypass": s.bypass,
        "outputOffAsRequested": not ups.output_on and ups.charge > 0,
        "upsOutputOff": not ups.output_on,
        "shutdownPending": ups.shutdown_at is not None,
        "shutdownImminent": 0 <= s.shutdown_remaining() <= 5,
        "testInProgress": ups.testing,
    }
    return [ALARMS[name] for name, on in active.items() if on]


def _write_test(s: SnmpUps, value: tuple[int, ...]) -> None:
    prefix = oid(TESTS)
    if value[:-1] != prefix or value[-1] not in _TEST_KINDS:
        raise SetError("wrongValue")
    kind = _TEST_KINDS[value[-1]]
    if kind == "abort":
        s.abort_test()
    elif kind != "none":
        if s.physics.testing:
            raise SetError("inconsistentValue")
        s.start_test(kind)


def _write_shutdown(s: SnmpUps, value: int) -> None:
    if value < 0:
        s.cancel_shutdown()
        return
    # upsAutoRestart on(1) brings the output back with the mains only after a shutdown
    # ordered during a power loss; otherwise it stays off until a startup.
    on_mains = s.physics.mains
    restart = None if int(s.settings["auto_restart"]) == 1 and not on_mains else NEVER
    s.shutdown(value, restart)


def _write_startup(s: SnmpUps, value: int) -> None:
    if value < 0:
        s.cancel_startup()
    else:
        s.startup(value)


def _write_reboot(s: SnmpUps, value: int) -> None:
    if value >= 0:
        s.shutdown(0, value)
    else:
        s.cancel_startup()


def _set_output_voltage(s: SnmpUps, value: int) -> None:
    s.physics.nominal_voltage = float(value)


def build() -> Model:
    b: Builder[SnmpUps] = Builder()
    sys_oid = "1.3.6.1.2.1.33"
    descr = "upskit simulated UPS (RFC 1628 UPS-MIB)"
    add_system(b, descr, sys_oid)
    # upsIdent
    b.add(f"{BASE}.1.1.0", Kind.STRING, lambda s: s.physics.mfr, name="upsIdentManufacturer")
    b.add(f"{BASE}.1.2.0", Kind.STRING, lambda s: s.physics.model, name="upsIdentModel")
    b.add(f"{BASE}.1.3.0", Kind.STRING, lambda s: s.physics.firmware,
          name="upsIdentUPSSoftwareVersion")
    b.const(f"{BASE}.1.4.0", Kind.STRING, "upskit-snmp 1.0", "upsIdentAgentSoftwareVersion")
    b.add(f"{BASE}.1.5.0", Kind.STRING, lambda s: str(s.settings["ident_name"]),
          lambda s, v: s.settings.__setitem__("ident_name", v), name="upsIdentName",
          maximum=63)
    b.add(f"{BASE}.1.6.0", Kind.STRING, lambda s: str(s.settings["attached"]),
          lambda s, v: s.settings.__setitem__("attached", v), name="upsIdentAttachedDevices",
          maximum=63)
    # upsBattery
    b.add(f"{BASE}.2.1.0", Kind.INTEGER, battery_status, name="upsBatteryStatus")
    b.add(f"{BASE}.2.2.0", Kind.INTEGER, lambda s: s.seconds_on_battery,
          name="upsSecondsOnBattery")
    b.add(f"{BASE}.2.3.0", Kind.INTEGER, lambda s: int(s.runtime // 60),
          name="upsEstimatedMinutesRemaining")
    b.add(f"{BASE}.2.4.0", Kind.INTEGER, lambda s: round(s.physics.charge * 100),
          name="upsEstimatedChargeRemaining")
    b.add(f"{BASE}.2.5.0", Kind.INTEGER, lambda s: round(s.physics.battery_voltage * 10),
          name="upsBatteryVoltage")
    b.add(f"{BASE}.2.6.0", Kind.INTEGER, _battery_current, name="upsBatteryCurrent")
    b.add(f"{BASE}.2.7.0", Kind.INTEGER, lambda s: round(s.physics.temperature),
          name="upsBatteryTemperature")
    # upsInput
    b.add(f"{BASE}.3.1.0", Kind.COUNTER, lambda s: s.line_bads, name="upsInputLineBads")
    b.const(f"{BASE}.3.2.0", Kind.INTEGER, 1, "upsInputNumLines")
    row = f"{BASE}.3.3.1"
    b.const(f"{row}.1.1", Kind.INTEGER, 1, "upsInputLineIndex")
    b.add(f"{row}.2.1", Kind.INTEGER, lambda s: round(s.input_frequency * 10),
          name="upsInputFrequency")
    b.add(f"{row}.3.1", Kind.INTEGER, lambda s: round(s.input_voltage), name="upsInputVoltage")
    b.add(f"{row}.4.1", Kind.INTEGER,
          lambda s: round(s.output_current * 10) if s.physics.mains else 0,
          name="upsInputCurrent")
    b.add(f"{row}.5.1", Kind.INTEGER,
          lambda s: s.output_watts if s.physics.mains and not s.physics.testing else 0,
          name="upsInputTruePower")
    # upsOutput
    b.add(f"{BASE}.4.1.0", Kind.INTEGER, output_source, name="upsOutputSource")
    b.add(f"{BASE}.4.2.0", Kind.INTEGER,
          lambda s: round(s.physics.nominal_frequency * 10) if s.physics.output_on else 0,
          name="upsOutputFrequency")
    b.const(f"{BASE}.4.3.0", Kind.INTEGER, 1, "upsOutputNumLines")
    row = f"{BASE}.4.4.1"
    b.const(f"{row}.1.1", Kind.INTEGER, 1, "upsOutputLineIndex")
    b.add(f"{row}.2.1", Kind.INTEGER, lambda s: round(s.physics.output_voltage),
          name="upsOutputVoltage")
    b.add(f"{row}.3.1", Kind.INTEGER, lambda s: round(s.output_current * 10),
          name="upsOutputCurrent")
    b.add(f"{row}.4.1", Kind.INTEGER, lambda s: s.output_watts, name="upsOutputPower")
    b.add(f"{row}.5.1", Kind.INTEGER,
          lambda s: round(s.physics.load) if s.physics.output_on else 0,
          name="upsOutputPercentLoad")
    # upsBypass
    b.add(f"{BASE}.5.1.0", Kind.INTEGER, lambda s: round(s.input_frequency * 10),
          name="upsBypassFrequency")
    b.const(f"{BASE}.5.2.0", Kind.INTEGER, 1, "upsBypassNumLines")
    row = f"{BASE}.5.3.1"
    b.const(f"{row}.1.1", Kind.INTEGER, 1, "upsBypassLineIndex")
    b.add(f"{row}.2.1", Kind.INTEGER, lambda s: round(s.input_voltage), name="upsBypassVoltage")
    b.add(f"{row}.3.1", Kind.INTEGER,
          lambda s: round(s.output_current * 10) if s.bypass else 0, name="upsBypassCurrent")
    b.add(f"{row}.4.1", Kind.INTEGER, lambda s: s.output_watts if s.bypass else 0,
          name="upsBypassPower")
    # upsAlarm
    b.add(f"{BASE}.6.1.0", Kind.GAUGE, lambda s: len(active_alarms(s)), name="upsAlarmsPresent")
    alarm_rows(b, sorted(ALARMS.values()), active_alarms, entry=f"{BASE}.6.2.1",
               descr=f"{BASE}.6.3", names=("upsAlarmId", "upsAlarmDescr", "upsAlarmTime"))
    # upsTest
    b.add(f"{BASE}.7.1.0", Kind.OID, lambda s: oid(f"{TESTS}.{_TEST_IDS.get(s.test.kind, 1)}"),
          _write_test, name="upsTestId")
    b.add(f"{BASE}.7.2.0", Kind.INTEGER, lambda s: int(s.settings["spinlock"]),
          _write_spinlock, name="upsTestSpinLock", minimum=0, maximum=2**31 - 1)
    b.add(f"{BASE}.7.3.0", Kind.INTEGER, lambda s: _RESULTS[s.test.result],
          name="upsTestResultsSummary")
    b.add(f"{BASE}.7.4.0", Kind.STRING, _test_detail, name="upsTestResultsDetail")
    b.add(f"{BASE}.7.5.0", Kind.TICKS, lambda s: s.test.uptime, name="upsTestStartTime")
    # TimeInterval: hundredths of a second, as an INTEGER
    b.add(f"{BASE}.7.6.0", Kind.INTEGER, lambda s: ticks(s.test.seconds(s.now())),
          name="upsTestElapsedTime")
    # upsControl
    enum_setting(b, f"{BASE}.8.1.0", "shutdown_type", "upsShutdownType", {1, 2})
    b.add(f"{BASE}.8.2.0", Kind.INTEGER, SnmpUps.shutdown_remaining, _write_shutdown,
          name="upsShutdownAfterDelay", minimum=-1, maximum=2**31 - 1)
    b.add(f"{BASE}.8.3.0", Kind.INTEGER, SnmpUps.startup_remaining, _write_startup,
          name="upsStartupAfterDelay", minimum=-1, maximum=2**31 - 1)
    b.add(f"{BASE}.8.4.0", Kind.INTEGER, _reboot_remaining, _write_reboot,
          name="upsRebootWithDuration", minimum=-1, maximum=300)
    enum_setting(b, f"{BASE}.8.5.0", "auto_restart", "upsAutoRestart", {1, 2})
    # upsConfig
    setting(b, f"{BASE}.9.1.0", "input_voltage", "upsConfigInputVoltage",
            minimum=0, maximum=1000)
    setting(b, f"{BASE}.9.2.0", "input_freq", "upsConfigInputFreq", minimum=0, maximum=1000,
            scale=10)
    setting(b, f"{BASE}.9.3.0", "output_voltage", "upsConfigOutputVoltage",
            minimum=0, maximum=1000, apply=_set_output_voltage)
    setting(b, f"{BASE}.9.4.0", "output_freq", "upsConfigOutputFreq", minimum=0, maximum=1000,
            scale=10)
    b.add(f"{BASE}.9.5.0", Kind.INTEGER, lambda s: s.va_rating, name="upsConfigOutputVA")
    b.add(f"{BASE}.9.6.0", Kind.INTEGER, lambda s: int(s.va_rating * 0.9),
          name="upsConfigOutputPower")
    setting(b, f"{BASE}.9.7.0", "low_batt_minutes", "upsConfigLowBattTime",
            minimum=0, maximum=60)
    b.add(f"{BASE}.9.8.0", Kind.INTEGER, _read_audible,
          _write_audible, name="upsConfigAudibleStatus")
    setting(b, f"{BASE}.9.9.0", "low_transfer", "upsConfigLowVoltageTransferPoint",
            minimum=0, maximum=1000)
    setting(b, f"{BASE}.9.10.0", "high_transfer", "upsConfigHighVoltageTransferPoint",
            minimum=0, maximum=1000)
    return Model(
        name="ietf", table=b.table(), sys_object_id=sys_oid, sys_descr=descr,
        defaults={
            "ident_name": "", "attached": "", "spinlock": 0, "shutdown_type": 1,
            "auto_restart": 1, "input_voltage": 230, "input_freq": 50.0,
            "output_voltage": 230, "output_freq": 50.0, "low_batt_minutes": 2,
            "low_transfer": 170, "high_transfer": 280, "va": 1000,
        },
        physics={"mfr": "upskit", "model": "SIM-1628"},
    )


def _battery_current(s: SnmpUps) -> int:
    ups = s.physics
    if ups.on_battery and ups.output_on:
        watts = s.output_watts
        return -round(watts / max(ups.battery_voltage, 1.0) * 10)
    return 5 if ups.charge < 1.0 and ups.mains else 0


def _test_detail(s: SnmpUps) -> str:
    return {"none": "", "running": "test in progress", "passed": "battery test passed",
            "failed": "battery low during the test", "aborted": "test aborted"}[s.test.result]


def _reboot_remaining(s: SnmpUps) -> int:
    ups = s.physics
    if not ups.output_on and ups.restart_at is not None and ups.restart_at < NEVER / 2:
        return max(0, round(ups.restart_at - s.now()))
    return -1


def _write_spinlock(s: SnmpUps, value: int) -> None:
    # TestAndIncr (RFC 2579): a SET must carry the current value, which then advances.
    if value != int(s.settings["spinlock"]):
        raise SetError("inconsistentValue")
    s.settings["spinlock"] = (value + 1) % 2**31


def _read_audible(s: SnmpUps) -> int:
    """disabled(1), enabled(2), muted(3)."""
    return 2 if s.physics.beeper else (3 if s.settings.get("audible") == 3 else 1)


def _write_audible(s: SnmpUps, value: int) -> None:
    if value not in (1, 2, 3):
        raise SetError("wrongValue")
    s.physics.beeper = value == 2
    s.settings["audible"] = value


MODEL = build()
