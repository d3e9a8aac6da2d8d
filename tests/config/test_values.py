"""The one yes/no parser: strict for configuration files, lenient for driver and port flags."""

from __future__ import annotations

import pytest

from upskit.config.values import BadValue, is_yes, parse_bool, to_bool

YES = ["1", "yes", "YES", "true", "On", "enabled", " yes ", True, 1]
NO = ["0", "no", "False", "off", "disabled", False, 0]
NEITHER = ["", "maybe", "2", 2, None, 1.0, "y"]


@pytest.mark.parametrize("value", YES)
def test_yes_words(value: object) -> None:
    assert parse_bool(value) is True
    assert to_bool(value) is True
    assert is_yes(value)


@pytest.mark.parametrize("value", NO)
def test_no_words(value: object) -> None:
    assert parse_bool(value) is False
    assert to_bool(value) is False
    assert not is_yes(value)


@pytest.mark.parametrize("value", NEITHER)
def test_other_values_are_no_flag_and_a_config_error(value: object) -> None:
    assert parse_bool(value) is None
    assert not is_yes(value)
    with pytest.raises(BadValue, match="needs yes or no"):
        to_bool(value)
