from upskit.model import CmdResult, Device, EventKind, SetError, VarFlag, compose_status


def test_status_dedup_and_alarm_first() -> None:
    status, alarm = compose_status(["OL BOOST", "OB", "LB", "OL"], ["Test alarm 1", "[Test alarm 2]", "Test alarm 1"])
    assert status == "ALARM OL BOOST OB LB"
    assert alarm == "Test alarm 1 [Test alarm 2] Test alarm 1"


def test_legacy_alarm_token_merged() -> None:
    assert compose_status(["OL", "ALARM"], ["x"]) == ("ALARM OL", "x")
    assert compose_status(["OL"]) == ("OL", None)


def test_override_is_immutable_and_default_yields() -> None:
    dev = Device("ups")
    dev.override("battery.packs", "2")
    dev.set_default("battery.voltage.low", "20.8")
    assert not dev.set("battery.packs", "4")
    assert dev.get("battery.packs") == "2"
    dev.set("battery.voltage.low", "21.0")
    assert dev.get("battery.voltage.low") == "21.0"


def test_set_alarm_removed_when_clear() -> None:
    dev = Device("ups")
    dev.set_status(["OB"], ["Replace battery!"])
    assert dev.get("ups.status") == "ALARM OB"
    dev.set_status(["OL"])
    assert dev.get("ups.alarm") is None and dev.get("ups.status") == "OL"


def test_events_only_on_change() -> None:
    dev = Device("ups")
    seen = []
    dev.subscribe(seen.append)
    dev.set("ups.status", "OL")
    dev.set("ups.status", "OL")
    dev.data_ok()
    dev.data_ok()
    assert [e.kind for e in seen] == [EventKind.VARIABLE, EventKind.STATUS, EventKind.OK]


def test_broken_listener_does_not_break_model() -> None:
    dev = Device("ups")
    dev.subscribe(lambda e: 1 / 0)
    assert dev.set("x", "1")
    assert dev.get("x") == "1"


def test_check_set_order() -> None:
    dev = Device("ups")
    dev.set("ups.id", "abc")
    dev.set_flags("ups.id", VarFlag.RW | VarFlag.STRING)
    dev.set_aux("ups.id", 4)
    dev.set("ups.delay.start", "180")
    dev.set_flags("ups.delay.start", VarFlag.RW | VarFlag.NUMBER)
    dev.add_range("ups.delay.start", 0, 600)
    dev.set("ups.model", "X")
    assert dev.check_set("nope", "1") is SetError.NOT_SUPPORTED
    assert dev.check_set("ups.model", "1") is SetError.READONLY
    assert dev.check_set("ups.id", "12345") is SetError.TOO_LONG
    assert dev.check_set("ups.delay.start", "700") is SetError.INVALID_VALUE
    assert dev.check_set("ups.delay.start", "x") is SetError.INVALID_VALUE
    assert dev.check_set("ups.delay.start", "60") is None


async def test_instcmd_unknown_without_handler() -> None:
    dev = Device("ups")
    assert await dev.instcmd("load.off") is CmdResult.UNKNOWN


def test_ignorelb_drops_the_device_lb_and_derives_it_from_thresholds() -> None:
    dev = Device("ups")
    dev.ignore_lb = True
    dev.set("battery.charge", "80")
    dev.set("battery.charge.low", "20")
    dev.set_status(["OB", "LB"])
    assert dev.status_tokens() == ["OB"]
    dev.set("battery.charge", "15")
    dev.set_status(["OB"])
    assert dev.status_tokens() == ["OB", "LB"]
    dev.set("battery.charge", "90")
    dev.set("battery.runtime", "100")
    dev.set("battery.runtime.low", "120")
    dev.set_status(["OB"])
    assert dev.status_tokens() == ["OB", "LB"]
    dev.override("battery.runtime.low", "60")
    dev.set_status(["OB", "LB"])
    assert dev.status_tokens() == ["OB"]


def test_without_ignorelb_the_device_lb_stands() -> None:
    dev = Device("ups")
    dev.set("battery.charge", "80")
    dev.set("battery.charge.low", "20")
    dev.set_status(["OB", "LB"])
    assert dev.status_tokens() == ["OB", "LB"]
    dev.set("battery.charge", "garbage")
    dev.ignore_lb = True
    dev.set_status(["OB"])
    assert dev.status_tokens() == ["OB"]
