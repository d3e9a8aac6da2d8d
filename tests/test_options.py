"""Typed option sets: declared once per layer, parsed once, read as typed attributes."""

from __future__ import annotations

import pytest

from upskit.options import (
    BadOption,
    NoOptions,
    Option,
    OptionSet,
    choice,
    flag,
    number,
    pattern,
    text,
    whole,
)

CALLS: list[str] = []


def counted(value: str) -> int:
    CALLS.append(value)
    return int(value)


class LineOptions(OptionSet):
    """A small layer: a speed, a timeout, a mode, a flag and a regex."""

    speed = Option(whole(1, unit="baud"), None)
    timeout = Option(number(0.01, unit="seconds"), 1.0)
    mode = Option(choice("normal", "reverse"), "normal")
    quiet = flag()
    match = Option(pattern, None)
    debug = Option(whole(0), 0, key="DEBUG_LEVEL")
    extra = {"fault_1": Option(text, None)}


class CountedOptions(OptionSet):
    """One option whose parser counts its calls."""

    level = Option(counted, 0)


def test_values_are_typed_and_defaults_fill_in() -> None:
    opts = LineOptions({"speed": "9600", "mode": "REVERSE", "quiet": True,
                        "DEBUG_LEVEL": "2", "fault_1": "x"})
    assert opts.speed == 9600 and isinstance(opts.speed, int)
    assert opts.timeout == 1.0
    assert opts.mode == "reverse"  # the word as declared
    assert opts.quiet is True
    assert opts.match is None
    assert opts.debug == 2
    assert opts.text("fault_1") == "x" and opts.value("fault_1") == "x"
    assert LineOptions().quiet is False and LineOptions({"quiet": "no"}).quiet is False


def test_the_set_takes_only_its_own_keys_as_written() -> None:
    opts = LineOptions({"speed": "9600", "offdelay": "60", "protocol": "megatec"})
    assert dict(opts) == {"speed": "9600"}
    assert "offdelay" not in opts
    assert not LineOptions.claims("offdelay") and LineOptions.claims("DEBUG_LEVEL")
    assert dict(NoOptions({"speed": "9600"})) == {}


def test_each_value_is_parsed_once() -> None:
    CALLS.clear()
    opts = CountedOptions({"level": "3"})
    assert [opts.level for _ in range(5)] == [3] * 5
    assert CountedOptions.of(opts) is opts
    assert CALLS == ["3"]


@pytest.mark.parametrize(("given", "message"), [
    ({"speed": "fast"}, 'option "speed" needs a whole number of baud, got "fast"'),
    ({"speed": "0"}, 'option "speed" needs a value of at least 1, got "0"'),
    ({"timeout": "nan"}, 'option "timeout" needs a number of seconds, got "nan"'),
    ({"mode": "sideways"}, 'option "mode" needs one of normal, reverse, got "sideways"'),
    ({"quiet": "maybe"}, 'option "quiet" is a flag: write it alone, or "quiet = yes" / "no"'),
    ({"speed": True}, 'option "speed" needs a value ("speed = ...")'),
    ({"match": "06(65"}, 'option "match" needs a regular expression, got "06(65"'),
])
def test_a_bad_value_names_the_option_and_the_form(given: dict[str, str | bool],
                                                   message: str) -> None:
    with pytest.raises(BadOption) as info:
        LineOptions(given)
    assert str(info.value).startswith(message)
    assert info.value.key == next(iter(given))
    assert isinstance(info.value, ValueError)


def test_lenient_parsing_reports_and_keeps_the_default() -> None:
    seen: list[str] = []
    opts = LineOptions({"speed": "fast", "timeout": "2"},
                       on_problem=lambda problem: seen.append(str(problem)))
    assert opts.speed is None and opts.timeout == 2.0
    assert seen == ['option "speed" needs a whole number of baud, got "fast"']
    assert opts["speed"] == "fast"  # still published as written


def test_subclasses_inherit_and_options_cannot_hide_methods() -> None:
    class MoreOptions(LineOptions):
        """Adds one option."""

        depth = Option(whole(0), 1)

    assert set(MoreOptions.spec) == set(LineOptions.spec) | {"depth"}
    assert MoreOptions({"speed": "1200"}).speed == 1200
    with pytest.raises(TypeError, match="hides a method"):
        type("Broken", (OptionSet,), {"text": Option(text, None)})
