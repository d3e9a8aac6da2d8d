"""The simulated cards follow the physics: mains loss and return, discharge, low
battery, shutdown/startup countdowns that cut and restore the output, battery tests,
writable settings (RFC 1628, APC PowerNet, Eaton XUPS)."""

from __future__ import annotations

from pysnmp.proto import api

from tests.sim.snmp.support import ask, get, local_agent, set_value

Int = api.v2c.Integer
Ticks = api.v2c.TimeTicks
Oid = api.v2c.ObjectIdentifier
UPS = "1.3.6.1.2.1.33.1"
APC = "1.3.6.1.4.1.318.1.1.1"
PW = "1.3.6.1.4.1.534.1"


def _walk(agent: object, base: str) -> dict[str, object]:
    out, oid = {}, base
    while True:
        reply = ask(agent, "next", oid)  # type: ignore[arg-type]
        assert reply is not None
        oid, value = reply.bindings[0]
        if value == "EndOfMibView" or not oid.startswith(base + "."):
            return out
        out[oid] = value


# ------------------------------------------------------------------ RFC 1628
def test_ietf_mains_loss_discharge_low_battery_and_return() -> None:
    agent, unit = local_agent("ietf")
    assert get(agent, f"{UPS}.4.1.0") == 3  # upsOutputSource normal
    assert get(agent, f"{UPS}.6.1.0") == 0  # no alarm
    unit.device.mains(False)
    assert get(agent, f"{UPS}.4.1.0") == 5  # battery
    assert get(agent, f"{UPS}.2.1.0") == 2  # batteryNormal
    assert get(agent, f"{UPS}.3.3.1.3.1") == 0  # no input voltage
    assert get(agent, f"{UPS}.3.1.0") == 1  # upsInputLineBads
    alarms = _walk(agent, f"{UPS}.6.2.1.2")  # upsAlarmDescr
    assert f"{UPS}.6.3.2" in alarms.values()  # upsAlarmOnBattery
    charge, minutes = get(agent, f"{UPS}.2.4.0"), get(agent, f"{UPS}.2.3.0")
    unit.physics.advance(600)
    assert get(agent, f"{UPS}.2.2.0") >= 600  # upsSecondsOnBattery
    assert get(agent, f"{UPS}.2.4.0") < charge and get(agent, f"{UPS}.2.3.0") < minutes
    assert get(agent, f"{UPS}.2.6.0") < 0  # discharging current
    unit.physics.advance(1200)
    assert get(agent, f"{UPS}.2.1.0") == 3  # batteryLow
    assert f"{UPS}.6.3.3" in _walk(agent, f"{UPS}.6.2.1.2").values()
    unit.device.mains(True)
    assert get(agent, f"{UPS}.4.1.0") == 3
    assert get(agent, f"{UPS}.2.2.0") == 0


def test_ietf_low_battery_time_setting_raises_low_battery_earlier() -> None:
    agent, _unit = local_agent("ietf", {"mains": "off"})
    assert get(agent, f"{UPS}.2.1.0") == 2
    assert set_value(agent, f"{UPS}.9.7.0", Int(40)).status == 0  # upsConfigLowBattTime
    assert get(agent, f"{UPS}.2.1.0") == 3


def test_ietf_shutdown_after_delay_counts_down_cuts_and_restores() -> None:
    agent, unit = local_agent("ietf")
    unit.device.mains(False)
    assert set_value(agent, f"{UPS}.8.2.0", Int(30)).status == 0
    assert 29 <= get(agent, f"{UPS}.8.2.0") <= 30
    unit.physics.advance(20)
    assert 9 <= get(agent, f"{UPS}.8.2.0") <= 10
    assert get(agent, f"{UPS}.4.1.0") == 5
    unit.physics.advance(11)
    assert get(agent, f"{UPS}.8.2.0") == -1
    assert get(agent, f"{UPS}.4.1.0") == 2  # none: the load is off
    assert get(agent, f"{UPS}.4.4.1.2.1") == 0
    unit.device.mains(True)  # upsAutoRestart on: the output returns with the mains
    assert get(agent, f"{UPS}.4.1.0") == 3


def test_ietf_no_auto_restart_waits_for_startup_after_delay() -> None:
    agent, unit = local_agent("ietf")
    set_value(agent, f"{UPS}.8.5.0", Int(2))  # upsAutoRestart off
    set_value(agent, f"{UPS}.8.2.0", Int(0))  # shut down now
    assert get(agent, f"{UPS}.4.1.0") == 2
    unit.physics.advance(60)
    assert get(agent, f"{UPS}.4.1.0") == 2
    set_value(agent, f"{UPS}.8.3.0", Int(10))  # upsStartupAfterDelay
    assert 9 <= get(agent, f"{UPS}.8.3.0") <= 10
    unit.physics.advance(11)
    assert get(agent, f"{UPS}.4.1.0") == 3 and get(agent, f"{UPS}.8.3.0") == -1


def test_ietf_shutdown_on_mains_stays_off_until_startup() -> None:
    agent, unit = local_agent("ietf")
    set_value(agent, f"{UPS}.8.2.0", Int(0))  # upsAutoRestart is on, but no power loss
    unit.physics.advance(30)
    assert get(agent, f"{UPS}.4.1.0") == 2
    set_value(agent, f"{UPS}.8.3.0", Int(0))
    assert get(agent, f"{UPS}.4.1.0") == 3


def test_ietf_reboot_with_duration_and_abort() -> None:
    agent, unit = local_agent("ietf")
    set_value(agent, f"{UPS}.8.4.0", Int(20))
    assert get(agent, f"{UPS}.4.1.0") == 2
    assert 19 <= get(agent, f"{UPS}.8.4.0") <= 20
    unit.physics.advance(21)
    assert get(agent, f"{UPS}.4.1.0") == 3
    set_value(agent, f"{UPS}.8.2.0", Int(50))
    set_value(agent, f"{UPS}.8.2.0", Int(-1))  # abort the countdown
    unit.physics.advance(60)
    assert get(agent, f"{UPS}.4.1.0") == 3 and get(agent, f"{UPS}.8.2.0") == -1
    assert set_value(agent, f"{UPS}.8.4.0", Int(301)).status == 10  # 300 s at most


def test_ietf_battery_tests() -> None:
    agent, unit = local_agent("ietf")
    assert get(agent, f"{UPS}.7.3.0") == 6  # noTestsInitiated
    assert set_value(agent, f"{UPS}.7.1.0", Oid(f"{UPS}.7.7.4")).status == 0  # quick test
    assert get(agent, f"{UPS}.7.3.0") == 5  # inProgress
    assert get(agent, f"{UPS}.4.1.0") == 5  # on battery while testing
    assert get(agent, f"{UPS}.7.1.0") == f"{UPS}.7.7.4"
    assert set_value(agent, f"{UPS}.7.1.0", Oid(f"{UPS}.7.7.4")).status == 12  # busy
    unit.physics.advance(15)
    assert get(agent, f"{UPS}.7.3.0") == 1  # donePass
    assert 1000 <= get(agent, f"{UPS}.7.6.0") <= 1100  # upsTestElapsedTime: 10 s, in 0.01 s
    assert get(agent, f"{UPS}.4.1.0") == 3
    set_value(agent, f"{UPS}.7.1.0", Oid(f"{UPS}.7.7.5"))  # deep calibration
    unit.physics.advance(30)
    set_value(agent, f"{UPS}.7.1.0", Oid(f"{UPS}.7.7.2"))  # abort
    assert get(agent, f"{UPS}.7.3.0") == 4  # aborted
    assert set_value(agent, f"{UPS}.7.1.0", Oid("1.3.6.1.4.1.9.9")).status == 10


def test_ietf_settings_change_the_unit() -> None:
    agent, unit = local_agent("ietf")
    set_value(agent, f"{UPS}.9.8.0", Int(1))  # upsConfigAudibleStatus disabled
    assert unit.physics.beeper is False and get(agent, f"{UPS}.9.8.0") == 1
    set_value(agent, f"{UPS}.9.3.0", Int(240))  # upsConfigOutputVoltage
    unit.device.mains(False)
    assert get(agent, f"{UPS}.4.4.1.2.1") == 240
    set_value(agent, f"{UPS}.7.2.0", Int(0))  # TestAndIncr spin lock advances
    assert get(agent, f"{UPS}.7.2.0") == 1
    assert set_value(agent, f"{UPS}.7.2.0", Int(0)).status == 12


# ---------------------------------------------------------------------- APC
def test_apcc_mains_loss_low_runtime_and_return() -> None:
    agent, unit = local_agent("apcc")
    assert get(agent, f"{APC}.4.1.1.0") == 2  # onLine
    unit.device.mains(False)
    assert get(agent, f"{APC}.4.1.1.0") == 3  # onBattery
    assert get(agent, f"{APC}.2.1.1.0") == 2  # batteryNormal
    assert get(agent, f"{APC}.3.2.5.0") == 4  # upsAdvInputLineFailCause blackout
    before = get(agent, f"{APC}.2.2.3.0")
    unit.physics.advance(120)
    assert get(agent, f"{APC}.2.2.3.0") < before  # runtime (TimeTicks) falls
    assert get(agent, f"{APC}.2.1.2.0") >= 12000  # time on battery, ticks
    set_value(agent, f"{APC}.5.2.8.0", Ticks(300000))  # upsAdvConfigLowBatteryRunTime 3000 s
    assert get(agent, f"{APC}.2.1.1.0") == 3  # batteryLow
    unit.device.mains(True)
    assert get(agent, f"{APC}.4.1.1.0") == 2 and get(agent, f"{APC}.2.1.1.0") == 2


def test_apcc_ups_off_gracefully_then_turn_on() -> None:
    agent, unit = local_agent("apcc")
    set_value(agent, f"{APC}.5.2.10.0", Ticks(1500))  # upsAdvConfigShutoffDelay 15 s
    assert set_value(agent, f"{APC}.6.2.1.0", Int(3)).status == 0  # turnUpsOffGracefully
    assert get(agent, f"{APC}.6.2.1.0") == 1  # control objects read back "nothing"
    unit.physics.advance(10)
    assert get(agent, f"{APC}.4.1.1.0") == 2
    unit.physics.advance(6)
    assert get(agent, f"{APC}.4.1.1.0") == 7  # off, and it stays off
    unit.physics.advance(100)
    assert get(agent, f"{APC}.4.1.1.0") == 7
    set_value(agent, f"{APC}.6.2.6.0", Int(2))  # upsAdvControlTurnOnUPS
    assert get(agent, f"{APC}.4.1.1.0") == 2


def test_apcc_conserve_battery_and_reboot() -> None:
    agent, unit = local_agent("apcc")
    assert set_value(agent, f"{APC}.6.1.1.0", Int(2)).status == 12  # refused on mains
    unit.device.mains(False)
    assert set_value(agent, f"{APC}.6.1.1.0", Int(2)).status == 0
    unit.physics.advance(21)  # default shutoff delay 20 s
    assert get(agent, f"{APC}.4.1.1.0") == 11  # sleepingUntilPowerReturn
    unit.device.mains(True)
    assert get(agent, f"{APC}.4.1.1.0") == 2
    set_value(agent, f"{APC}.5.2.9.0", Ticks(3000))  # upsAdvConfigReturnDelay 30 s
    set_value(agent, f"{APC}.6.2.2.0", Int(2))  # rebootShutdown
    assert get(agent, f"{APC}.4.1.1.0") == 8  # rebooting
    unit.physics.advance(31)
    assert get(agent, f"{APC}.4.1.1.0") == 2


def test_apcc_settings_and_self_test() -> None:
    agent, unit = local_agent("apcc")
    assert set_value(agent, f"{APC}.5.2.1.0", Int(240)).status == 0
    assert get(agent, f"{APC}.5.2.1.0") == 240
    assert set_value(agent, f"{APC}.5.2.1.0", Int(235)).status == 10  # not a rating
    assert set_value(agent, f"{APC}.5.2.8.0", Int(100)).status == 7  # TimeTicks wanted
    assert set_value(agent, f"{APC}.7.2.2.0", Int(2)).status == 0  # testDiagnostics
    assert get(agent, f"{APC}.7.2.3.0") == 4  # testInProgress
    unit.physics.advance(15)
    assert get(agent, f"{APC}.7.2.3.0") == 1  # ok
    assert get(agent, f"{APC}.7.2.4.0") != "Unknown"


# -------------------------------------------------------------------- Eaton
def test_pw_mains_loss_and_low_battery() -> None:
    agent, unit = local_agent("pw", {"charge": "0.3"})
    assert get(agent, f"{PW}.4.5.0") == 3  # xupsOutputSource normal
    unit.device.mains(False)
    assert get(agent, f"{PW}.4.5.0") == 5
    assert get(agent, f"{PW}.2.5.0") == 2  # batteryDischarging
    assert get(agent, f"{PW}.7.2.1.2.3") == f"{PW}.7.3"  # xupsOnBattery alarm row
    unit.physics.advance(300)
    assert get(agent, f"{PW}.7.2.1.2.4") == f"{PW}.7.4"  # xupsLowBattery
    unit.device.mains(True)
    assert ask(agent, "get", f"{PW}.7.2.1.2.3").value() == "NoSuchInstance"  # type: ignore[union-attr]
    assert get(agent, f"{PW}.2.5.0") == 1  # charging


def test_pw_output_off_on_and_bypass_delays() -> None:
    agent, unit = local_agent("pw")
    set_value(agent, f"{PW}.9.1.0", Int(10))  # xupsControlOutputOffDelay
    set_value(agent, f"{PW}.9.2.0", Int(25))  # xupsControlOutputOnDelay
    assert get(agent, f"{PW}.12.2.1.2.1") == 3  # receptacle pendingOff
    assert 9 <= get(agent, f"{PW}.9.1.0") <= 10
    unit.physics.advance(11)
    assert get(agent, f"{PW}.4.5.0") == 2 and get(agent, f"{PW}.12.2.1.2.1") == 4
    unit.physics.advance(15)
    assert get(agent, f"{PW}.4.5.0") == 3 and get(agent, f"{PW}.9.2.0") == 0
    set_value(agent, f"{PW}.9.1.0", Int(10))
    set_value(agent, f"{PW}.9.1.0", Int(0))  # 0 aborts
    unit.physics.advance(20)
    assert get(agent, f"{PW}.4.5.0") == 3
    set_value(agent, f"{PW}.9.5.0", Int(5))  # xupsControlToBypassDelay
    unit.physics.advance(6)
    assert get(agent, f"{PW}.4.5.0") == 4  # bypass
    unit.device.mains(False)
    assert get(agent, f"{PW}.4.5.0") == 5  # leaves bypass for the battery
    set_value(agent, f"{PW}.9.6.0", Int(5))  # xupsLoadShedSecsWithRestart
    unit.physics.advance(6)
    assert get(agent, f"{PW}.4.5.0") == 2
    unit.device.mains(True)
    assert get(agent, f"{PW}.4.5.0") == 3


def test_pw_battery_test() -> None:
    agent, unit = local_agent("pw")
    assert get(agent, f"{PW}.8.2.0") == 1  # unknown
    assert set_value(agent, f"{PW}.8.1.0", Int(2)).status == 10  # startTest(1) only
    set_value(agent, f"{PW}.8.1.0", Int(1))
    assert get(agent, f"{PW}.8.2.0") == 4 and get(agent, f"{PW}.2.5.0") == 7
    unit.physics.advance(15)
    assert get(agent, f"{PW}.8.2.0") == 2  # passed
