"""upssched timers, built in."""

from __future__ import annotations

from upskit.config.settings import UpsschedRule, UpsschedSettings
from upskit.monitor.upssched import ScriptCall, Upssched


def table(*rules: tuple[str, str, str, list[str]]) -> Upssched:
    return Upssched(UpsschedSettings(
        cmdscript="/usr/local/bin/sched-cmd --flag",
        rules=[UpsschedRule(e, u, a, list(args)) for e, u, a, args in rules],
    ))


def test_start_and_expire_timer() -> None:
    s = table(("ONBATT", "*", "START-TIMER", ["onbatt", "30"]))
    assert s.event("ONBATT", "ups@h", 0) == []
    assert s.next_deadline() == 30
    assert s.due(29.9) == []
    assert s.due(30) == [ScriptCall("onbatt", "ups@h", "ONBATT")]
    assert s.timers == {}
    assert s.command(ScriptCall("onbatt", "ups@h", "ONBATT")) == [
        "/usr/local/bin/sched-cmd", "--flag", "onbatt"]


def test_running_timer_is_not_restarted() -> None:
    s = table(("ONBATT", "*", "START-TIMER", ["t", "30"]))
    s.event("ONBATT", "a@h", 0)
    s.event("ONBATT", "a@h", 20)
    assert s.next_deadline() == 30


def test_cancel_timer_and_its_command() -> None:
    s = table(("ONBATT", "*", "START-TIMER", ["t", "30"]),
              ("ONLINE", "*", "CANCEL-TIMER", ["t", "back-early"]))
    s.event("ONBATT", "a@h", 0)
    assert s.event("ONLINE", "a@h", 10) == []  # timer was running: just cancelled
    assert s.due(100) == []
    # no timer running: the command runs
    assert s.event("ONLINE", "a@h", 200) == [ScriptCall("back-early", "a@h", "ONLINE")]


def test_execute_and_ups_matching() -> None:
    s = table(("LOWBATT", "a@h", "EXECUTE", ["low"]), ("COMMBAD", "*", "EXECUTE", ["comm"]))
    assert s.event("LOWBATT", "b@h", 0) == []
    assert s.event("lowbatt", "a@h", 0) == [ScriptCall("low", "a@h", "lowbatt")]
    assert s.event("COMMBAD", "b@h", 0) == [ScriptCall("comm", "b@h", "COMMBAD")]


def test_shared_timer_aggregates() -> None:
    s = table(("ONBATT", "*", "START-TIMER-SHARED", ["any", "10"]),
              ("LOWBATT", "*", "START-TIMER-SHARED", ["any", "10"]))
    s.event("ONBATT", "a@h", 0)
    s.event("ONBATT", "b@h", 5)
    s.event("LOWBATT", "a@h", 6)
    assert s.due(10) == [ScriptCall("any", "a@h,b@h,a@h", "ONBATT,ONBATT,LOWBATT")]


def test_bad_rules_are_skipped() -> None:
    s = table(("ONBATT", "*", "START-TIMER", ["t", "soon"]), ("ONBATT", "*", "DANCE", []),
              ("ONBATT", "*", "EXECUTE", ["ok"]))
    assert s.event("ONBATT", "a@h", 0) == [ScriptCall("ok", "a@h", "ONBATT")]
    assert s.timers == {}
