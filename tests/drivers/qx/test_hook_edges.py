"""Hooks reject absurd values with ValueError, never another exception."""

import pytest

from upskit.drivers.qx import hooks


@pytest.mark.parametrize("value", ["1e400", "-1e400", "nan", "abc", ""])
def test_delay_values_fail_cleanly(value: str) -> None:
    for hook in (hooks.ondelay_value, hooks.offdelay_value):
        with pytest.raises(ValueError):
            hook(None, None, value)  # type: ignore[arg-type]
