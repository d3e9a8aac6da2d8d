"""The shutdown policy with a fake clock: every critical rule and the shutdown sequence."""

from __future__ import annotations

from upskit.config.settings import MonitorSettings, UpsmonSettings
from upskit.monitor.events import NotifyType as N
from upskit.monitor.policy import (
    CheckLogins,
    Exit,
    Notify,
    Phase,
    Policy,
    RunShutdown,
    SendFsd,
)

A = "ups@host"
B = "other@host"


def make(role: str = "primary", *, extra: list[MonitorSettings] | None = None,
         **kw: object) -> Policy:
    settings = UpsmonSettings(
        monitors=[MonitorSettings("ups", "host", role=role), *(extra or [])],  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )
    return Policy(settings, 0.0)


def kinds(actions: list[object]) -> list[object]:
    return [a.kind if isinstance(a, Notify) else type(a) for a in actions]


def test_on_line_is_fine_and_on_battery_notifies() -> None:
    p = make()
    assert kinds(p.reading(A, ["OL"], 0)) == []
    assert kinds(p.reading(A, ["OB", "DISCHRG"], 1)) == [N.ONBATT]
    assert p.alert
    assert kinds(p.reading(A, ["OL", "CHRG"], 2)) == [N.ONLINE]
    assert not p.alert
    assert p.phase is Phase.MONITORING


def test_primary_ob_lb_sends_fsd_then_waits_for_secondaries() -> None:
    p = make(hostsync=15, finaldelay=5)
    p.reading(A, ["OB"], 0)
    actions = p.reading(A, ["OB LB"], 1)
    assert kinds(actions) == [N.LOWBATT, SendFsd, N.SHUTDOWN_HOSTSYNC, CheckLogins]
    assert SendFsd(A) in actions
    assert p.phase is Phase.HOSTSYNC
    # a secondary is still logged in: keep checking every 250 ms
    assert p.logins(A, 1, 1.1) == []
    assert p.next_deadline(1.1) == 1.25
    assert p.tick(1.25) == [CheckLogins(A)]
    # the secondary logged out: SHUTDOWN, then FINALDELAY
    assert kinds(p.logins(A, 0, 1.3)) == [N.SHUTDOWN]
    assert p.phase is Phase.FINALDELAY
    assert p.tick(6.29) == []
    assert p.next_deadline(6.29) == 6.3
    assert p.tick(6.3) == [RunShutdown(), Exit()]
    assert p.exited


def test_primary_hostsync_timeout() -> None:
    p = make(hostsync=3, finaldelay=0)
    p.reading(A, ["OB LB"], 10)
    assert p.phase is Phase.HOSTSYNC
    t = 10.0
    while t < 12.7:
        t += 0.25
        for action in p.tick(t):
            assert isinstance(action, CheckLogins)
            p.logins(A, 2, t)
    assert p.phase is Phase.HOSTSYNC
    assert kinds(p.tick(13.0)) == [N.SHUTDOWN, RunShutdown, Exit]


def test_numlogins_unknown_keeps_waiting() -> None:
    p = make(hostsync=3)
    p.reading(A, ["OB LB"], 0)
    assert p.logins(A, None, 0.3) == []
    assert p.phase is Phase.HOSTSYNC


def test_secondary_waits_hostsync_for_the_primary() -> None:
    p = make("secondary", hostsync=15, finaldelay=5)
    p.reading(A, ["OB"], 0)
    assert kinds(p.reading(A, ["OB", "LB"], 5)) == [N.LOWBATT]
    assert p.phase is Phase.MONITORING
    # "last non-critical poll" was at t=0: HOSTSYNC runs out at 15
    assert p.next_deadline(5) == 15
    assert p.tick(14.9) == []
    actions = p.tick(15)
    assert kinds(actions) == [N.SHUTDOWN]  # no FSD: a secondary never sets it
    assert p.tick(20) == [RunShutdown(), Exit()]


def test_secondary_follows_fsd_at_once() -> None:
    p = make("secondary", finaldelay=0)
    p.reading(A, ["OB"], 0)
    assert kinds(p.reading(A, ["FSD", "OB", "LB"], 1)) == [
        N.LOWBATT, N.FSD, N.SHUTDOWN, RunShutdown, Exit]


def test_fsd_on_line_is_critical_too() -> None:
    p = make("secondary", finaldelay=1)
    p.reading(A, ["OL"], 0)
    assert kinds(p.reading(A, ["FSD", "OL"], 1)) == [N.FSD, N.SHUTDOWN]


def test_calibration_with_low_battery_is_not_critical() -> None:
    p = make()
    p.reading(A, ["OB LB CAL"], 0)
    assert p.phase is Phase.MONITORING
    assert p.tick(1000) == []


def test_oblbduration_debounces() -> None:
    p = make(oblbduration=10, finaldelay=0)
    p.reading(A, ["OB LB"], 0)
    assert p.phase is Phase.MONITORING
    assert p.next_deadline(0) == 10
    p.reading(A, ["OB"], 4)  # LB went away: timer reset
    p.reading(A, ["OB", "LB"], 5)
    assert p.tick(14.9) == []
    assert SendFsd(A) in p.tick(15)


def test_off_longer_than_offduration() -> None:
    p = make(offduration=30, hostsync=0, finaldelay=0)
    p.reading(A, ["OFF"], 0)
    assert p.tick(29.9) == [] and p.phase is Phase.MONITORING
    assert p.next_deadline(29.9) == 30
    assert RunShutdown() in p.tick(30)


def test_off_brief_is_ignored_and_negative_offduration_disables() -> None:
    p = make(offduration=30)
    p.reading(A, ["OFF"], 0)
    assert kinds(p.reading(A, ["OL"], 10)) == [N.ONLINE, N.NOTOFF]
    assert p.tick(100) == []
    q = make(offduration=-1)
    q.reading(A, ["OFF"], 0)
    q.failure(A, 1)
    assert q.tick(1000) == [] or q.phase is Phase.MONITORING
    assert q.phase is Phase.MONITORING


def test_brief_comm_loss_on_line_never_shuts_down() -> None:
    p = make(deadtime=15)
    p.reading(A, ["OL"], 0)
    assert kinds(p.failure(A, 1)) == [N.COMMBAD]
    assert p.tick(10_000) == [] or p.phase is Phase.MONITORING
    assert p.phase is Phase.MONITORING
    assert kinds(p.reading(A, ["OL"], 10_001)) == [N.COMMOK]


def test_deadtime_on_battery_is_critical() -> None:
    p = make(deadtime=15, hostsync=0, finaldelay=0)
    p.reading(A, ["OB"], 0)
    p.failure(A, 1)
    assert p.phase is Phase.MONITORING
    assert p.next_deadline(1) == 15
    assert p.tick(14.9) == []
    assert kinds(p.tick(15)) == [SendFsd, N.SHUTDOWN_HOSTSYNC, CheckLogins, N.SHUTDOWN,
                                 RunShutdown, Exit]


def test_deadtime_for_a_secondary_counts_from_the_last_good_poll() -> None:
    p = make("secondary", deadtime=15, hostsync=20, finaldelay=0)
    p.reading(A, ["OB"], 0)
    p.failure(A, 1)
    assert p.tick(15) == []  # dead, but the primary still has HOSTSYNC
    assert p.next_deadline(15) == 20
    assert RunShutdown() in p.tick(20)


def test_last_known_states_while_not_communicating() -> None:
    for word, kw, critical in [
        ("ALARM", {}, True),
        ("ALARM", {"alarmcritical": False}, False),
        ("CAL", {}, True),
        ("BYPASS", {}, True),
        ("OFF", {}, True),
        ("OVER", {}, False),
        ("OVER", {"overduration": 0}, True),
        ("TRIM", {}, False),
        ("BOOST", {}, False),
    ]:
        p = make(**kw)  # type: ignore[arg-type]
        p.reading(A, ["OL", word], 0)
        assert p.phase is Phase.MONITORING, word
        p.failure(A, 1)
        assert (p.phase is not Phase.MONITORING) is critical, (word, kw)


def test_overduration_counts_from_first_overload() -> None:
    p = make(overduration=10)
    p.reading(A, ["OL OVER"], 0)
    p.failure(A, 2)
    assert p.phase is Phase.MONITORING
    assert p.next_deadline(2) == 10
    p.tick(10)
    assert p.phase is not Phase.MONITORING


def test_minsupplies_with_power_values() -> None:
    extra = [MonitorSettings("other", "host", power_value=1, role="primary")]
    p = make(extra=extra, minsupplies=1)
    p.ups[A].power_value = 1
    p.reading(A, ["OL"], 0)
    p.reading(B, ["OL"], 0)
    p.reading(A, ["OB LB"], 1)  # one supply left: enough
    assert p.phase is Phase.MONITORING
    assert p.supplies(1) == 1
    p.reading(B, ["OB", "LB"], 2)
    assert p.phase is Phase.HOSTSYNC
    q = make(extra=extra, minsupplies=2)
    q.reading(A, ["OB LB"], 1)
    assert q.phase is Phase.HOSTSYNC


def test_power_value_zero_and_minsupplies_zero_never_shut_down() -> None:
    p = make(minsupplies=0)
    p.reading(A, ["FSD OB LB"], 0)
    assert p.phase is Phase.MONITORING
    q = make()
    q.ups[A].power_value = 0
    q.settings.minsupplies = 0
    q.reading(A, ["OB LB"], 0)
    assert q.phase is Phase.MONITORING


def test_primary_sets_fsd_on_every_ups_it_is_primary_for() -> None:
    extra = [MonitorSettings("other", "host", power_value=0, role="primary"),
             MonitorSettings("third", "host", power_value=0, role="secondary")]
    p = make(extra=extra)
    actions = p.reading(A, ["OB LB"], 0)
    assert [a for a in actions if isinstance(a, SendFsd)] == [SendFsd(B), SendFsd(A)]
    assert sorted(a.ups for a in actions if isinstance(a, CheckLogins)) == [B, A]
    assert p.logins(A, 0, 0.1) == []  # still waiting for the other one
    assert kinds(p.logins(B, 0, 0.2)) == [N.SHUTDOWN]


def test_shutdownexit_linger_and_never() -> None:
    p = make(finaldelay=0, hostsync=0, shutdownexit=30)
    actions = p.reading(A, ["FSD"], 0)
    assert actions[-1] == RunShutdown()
    assert p.tick(29) == []
    assert p.tick(30) == [Exit()]
    q = make(finaldelay=0, hostsync=0, shutdownexit=None)
    assert q.reading(A, ["FSD"], 0)[-1] == RunShutdown()
    assert q.tick(1e9) == []
    assert q.phase is Phase.SHUTDOWN


def test_shutdown_starts_only_once() -> None:
    p = make(finaldelay=5)
    first = p.reading(A, ["OB LB"], 0)
    assert SendFsd(A) in first
    again = p.reading(A, ["FSD OB LB"], 0.5)
    assert N.FSD in kinds(again)
    assert not any(isinstance(a, SendFsd | RunShutdown) for a in again)
    assert p.request_shutdown(1) == []


def test_status_word_notifications() -> None:
    p = make()
    p.reading(A, ["OL"], 0)
    on = p.reading(A, ["OL CAL BYPASS ECO TRIM BOOST OVER"], 1)
    assert kinds(on) == [N.CAL, N.BYPASS, N.ECO, N.OVER, N.TRIM, N.BOOST]
    off = p.reading(A, ["OL"], 2)
    assert kinds(off) == [N.NOTCAL, N.NOTBYPASS, N.NOTECO, N.NOTOVER, N.NOTTRIM, N.NOTBOOST]
    alarm = p.reading(A, ["ALARM OL"], 3, alarm="Fan failure")
    assert alarm == [Notify(N.ALARM, A, "Fan failure")]
    assert kinds(p.reading(A, ["OL"], 4)) == [N.NOTALARM]


def test_other_tokens() -> None:
    p = make()
    assert p.reading(A, ["OL WEIRD"], 0) == [Notify(N.OTHER, A, "WEIRD")]
    assert p.reading(A, ["OL WEIRD"], 1) == []
    assert kinds(p.reading(A, ["OL"], 2)) == [N.NOTOTHER]


def test_replbatt_repeats_every_rbwarntime() -> None:
    p = make(rbwarntime=100)
    assert kinds(p.reading(A, ["OL RB"], 0)) == [N.REPLBATT]
    assert p.reading(A, ["OL RB"], 50) == []
    assert p.next_deadline(50) == 100
    assert kinds(p.tick(100)) == [N.REPLBATT]
    assert p.tick(150) == []


def test_nocomm_repeats_every_nocommwarntime() -> None:
    p = make(nocommwarntime=300)
    p.reading(A, ["OL"], 0)
    assert kinds(p.failure(A, 10)) == [N.COMMBAD]
    assert p.failure(A, 20) == []
    assert p.tick(309) == []
    assert kinds(p.tick(310)) == [N.NOCOMM]
    assert kinds(p.tick(610)) == [N.NOCOMM]


def test_unreachable_from_the_start() -> None:
    p = make(nocommwarntime=5)
    assert kinds(p.failure(A, 0)) == [N.COMMBAD]
    assert kinds(p.tick(5)) == [N.NOCOMM]
    assert p.phase is Phase.MONITORING
    assert kinds(p.reading(A, ["OB"], 6)) == [N.COMMOK, N.ONBATT]


def test_next_deadline_never_in_the_past() -> None:
    p = make("secondary", deadtime=5, hostsync=50)
    p.reading(A, ["OB"], 0)
    p.failure(A, 1)
    p.tick(6)
    deadline = p.next_deadline(6)
    assert deadline is not None and deadline > 6
