"""One SET validation: upsd's rules for the server, a driver's own rules on top."""

from __future__ import annotations

from upskit.model import Device, SetError, VarFlag
from upskit.model.limits import SetLimits


def test_upsd_rules_are_exact() -> None:
    limits = SetLimits(max_length=4, enums=("on", "off"))
    assert limits.refusal("on") is None
    assert limits.refusal("ON") == (SetError.INVALID_VALUE, "not one of on, off")
    assert limits.refusal("toolong") == (SetError.TOO_LONG, "longer than 4")
    ranged = SetLimits(ranges=((0, 600),))
    assert ranged.refusal("600") is None
    assert ranged.refusal("1.5") == (SetError.INVALID_VALUE, "not a number")
    assert ranged.refusal("601") == (SetError.INVALID_VALUE, "out of range (0..600)")


def test_driver_rules_relax_case_and_fractions_and_can_require_a_number() -> None:
    limits = SetLimits(enums=("yes", "no"), ignore_case=True)
    assert limits.refusal("YES") is None
    numbers = SetLimits(ranges=((10, 20),), fractions=True)
    assert numbers.refusal("10.5") is None
    assert numbers.refusal("20.5") is not None
    assert SetLimits(numeric=True).refusal("abc") == (SetError.INVALID_VALUE, "not a number")
    assert SetLimits(numeric=True).refusal("7") is None
    assert SetLimits().refusal("anything") is None


def test_check_set_uses_the_published_limits_or_the_drivers() -> None:
    dev = Device("ups")
    dev.set("ups.id", "x")
    dev.set_flags("ups.id", VarFlag.RW | VarFlag.STRING)
    dev.set_aux("ups.id", 3)
    assert dev.check_set("ups.id", "abcd") is SetError.TOO_LONG
    # a driver's own limits replace the published ones ...
    assert dev.check_set("ups.id", "abcd", SetLimits(max_length=8)) is None
    # ... and apply to a variable it has not published yet
    assert dev.check_set("battery.packs", "3") is SetError.NOT_SUPPORTED
    assert dev.check_set("battery.packs", "3", SetLimits(ranges=((1, 9),))) is None
    assert dev.check_set("battery.packs", "12", SetLimits(ranges=((1, 9),))) \
        is SetError.INVALID_VALUE
