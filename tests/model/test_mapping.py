import pytest

from upskit.model import Device, VarFlag
from upskit.model.mapping import Lookup, StatusBit, StatusBuilder, VarMapping, status_tokens

BEEPER = Lookup({1: "disabled", 2: "enabled", 3: "muted"}, name="beeper.status")


def test_lookup_both_ways() -> None:
    assert BEEPER.word(2) == "enabled"
    assert BEEPER.value("muted") == 3
    assert BEEPER.words() == ("disabled", "enabled", "muted")
    assert BEEPER.values() == (1, 2, 3)
    assert 1 in BEEPER and 4 not in BEEPER and [] not in BEEPER
    assert len(BEEPER) == 3


def test_lookup_unknown_names_the_table() -> None:
    with pytest.raises(ValueError, match=r"beeper\.status: unknown value 4"):
        BEEPER.word(4)
    with pytest.raises(ValueError, match=r"beeper\.status: 'loud' is not one of disabled, "):
        BEEPER.value("loud")
    assert BEEPER.word(4, "") == ""
    assert BEEPER.word(4, None) is None
    with pytest.raises(ValueError, match="unknown value"):
        BEEPER.word([1])  # type: ignore[call-overload]  # device input of any shape


def test_lookup_shared_word_reads_back_to_first_value() -> None:
    modes = Lookup([("P", "OFF"), ("S", "OFF"), ("L", "OL")], name="mode")
    assert modes.word("S") == "OFF"
    assert modes.value("OFF") == "P"
    assert modes.words() == ("OFF", "OL")
    with pytest.raises(ValueError, match="listed twice"):
        Lookup([("P", "OFF"), ("P", "OL")])


def test_var_mapping_converts_and_publishes() -> None:
    dev = Device("ups")
    charge = VarMapping[float]("battery.charge", convert=lambda v: f"{v:.0f}", default="100")
    assert charge.publish(dev, 87.4)
    assert dev.get("battery.charge") == "87"
    assert not charge.publish(dev, 87.2)  # same text: nothing changes
    assert charge.publish(dev, None) and dev.get("battery.charge") == "100"
    plain = VarMapping[int]("ups.load")
    assert plain.to_nut(42) == "42"
    assert not plain.publish(dev, None) and "ups.load" not in dev
    with pytest.raises(ValueError, match="no table"):
        plain.from_nut("42")


def test_var_mapping_lookup_and_description() -> None:
    dev = Device("ups")
    beeper = VarMapping("ups.beeper.status", VarFlag.RW | VarFlag.STRING, aux=8, lookup=BEEPER)
    beeper.publish(dev, 2)
    beeper.describe(dev)
    var = dev.variable("ups.beeper.status")
    assert var is not None and var.value == "enabled"
    assert var.flags == VarFlag.RW | VarFlag.STRING and var.aux == 8
    assert var.enums == ["disabled", "enabled", "muted"]
    assert beeper.from_nut("muted") == 3
    with pytest.raises(ValueError, match="unknown value 9"):
        beeper.publish(dev, 9)
    assert dev.get("ups.beeper.status") == "enabled"  # an unusable value changes nothing


def test_describe_ranges_and_explicit_enums() -> None:
    dev = Device("ups")
    delay = VarMapping[str]("ups.delay.start", VarFlag.RW, default="180", ranges=((0, 600),))
    only_two = VarMapping("ups.beeper.status", VarFlag.RW, lookup=BEEPER,
                          enums=("enabled", "disabled"))
    reading = VarMapping[str]("input.voltage", enums=("x",))
    delay.publish(dev, None)
    only_two.publish(dev, 1)
    reading.publish(dev, "1")
    for row in (delay, only_two, reading):
        row.describe(dev)
    assert dev.variable("ups.delay.start").ranges == [(0, 600)]  # type: ignore[union-attr]
    assert dev.variable("ups.beeper.status").enums == ["enabled", "disabled"]  # type: ignore[union-attr]
    assert only_two.allowed == ("enabled", "disabled")
    reading_var = dev.variable("input.voltage")
    assert reading_var is not None and reading_var.flags == VarFlag.NONE and not reading_var.enums


def test_status_bits_to_tokens() -> None:
    bits = (StatusBit("online", "OL", "!OL"), StatusBit("low", "LB"),
            StatusBit("overload", "OVER", "!OVER"), StatusBit("test", "CAL"))
    assert status_tokens(bits, {"online": False, "low": True, "test": False}) == ["!OL", "LB"]
    assert status_tokens(bits, {}) == []


def test_status_builder_order_and_withdrawals() -> None:
    builder = StatusBuilder(order=("DISCHRG", "CHRG", "LB", "OVER", "TRIM"))
    assert builder.build(["OL", "TRIM", "CHRG"]) == ["OL", "CHRG", "TRIM"]
    assert builder.build(["!OL", "LB DISCHRG", "ECO"]) == ["OB", "DISCHRG", "LB", "ECO"]
    assert builder.build(["OL", "LB", "!LB", "X", "X"]) == ["OL", "X"]
    assert builder.build([]) == ["OB"]  # no word about the line: on battery, as NUT says
    plain = StatusBuilder(power=None)
    assert plain.build(["LB", "OB", "OL"]) == ["LB", "OB", "OL"]


def test_status_builder_alarms() -> None:
    builder = StatusBuilder(alarms=(("RB", "Replace battery!"), ("FSD", "Shutdown imminent!")))
    assert builder.alarm_texts(["FSD", "OL", "RB"]) == ["Replace battery!", "Shutdown imminent!"]
    assert builder.alarm_texts(["OL"]) == []
