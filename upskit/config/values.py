"""Value converters shared by the NUT-file and TOML loaders.

Each converter accepts either a word from a NUT file (always a string) or a value
decoded by ``tomllib`` (string, integer, float or boolean), and either returns the
typed value or raises :class:`BadValue` with the tail of a message such as
``needs a number, got "fast"``; the loaders prefix the setting's name and the
file and line.
"""

from __future__ import annotations

# typing's, without importing typing (nor re): ``upskit get`` reads ports here
from upskit.lean import TYPE_CHECKING

# The value words below the configuration (ports read options too), re-exported here.
from upskit.options import BadValue as BadValue
from upskit.options import is_yes as is_yes
from upskit.options import parse_bool as parse_bool
from upskit.options import show as show

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    Converter = Callable[[Any], Any]
else:
    def __getattr__(name):
        if name == "Converter":  # made when first asked for, with typing
            from collections.abc import Callable
            from typing import Any

            globals()["Converter"] = converter = Callable[[Any], Any]
            return converter
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

_NUMBER = r"[+-]?(\d+(\.\d*)?|\.\d+)"


def _is_whole(text: str) -> bool:
    """``[+-]?\\d+`` (``\\d``: any decimal digit, as int() reads them), without re."""
    return (text[1:] if text[:1] in ("+", "-") else text).isdecimal()


def to_int(value: object, minimum: int | None = None, maximum: int | None = None) -> int:
    """An integer, optionally bounded."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise BadValue(f"needs a whole number, got {show(value)}")
    if isinstance(value, str):
        if not _is_whole(value.strip()):
            raise BadValue(f"needs a whole number, got {show(value)}")
        result = int(value)
    else:
        result = value
    _check_range(result, minimum, maximum)
    return result


def to_float(value: object, minimum: float | None = None) -> float:
    """A number (integer or decimal), optionally with a lower bound."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise BadValue(f"needs a number, got {show(value)}")
    if isinstance(value, str):
        import re  # only when a configuration is read

        if not re.fullmatch(_NUMBER, value.strip()):
            raise BadValue(f"needs a number, got {show(value)}")
        result = float(value)
    else:
        result = float(value)
    _check_range(result, minimum, None)
    return result


def to_bool(value: object) -> bool:
    """A setting that must be yes or no (see :func:`parse_bool`)."""
    result = parse_bool(value)
    if result is None:
        raise BadValue(f"needs yes or no (1 or 0), got {show(value)}")
    return result


def to_str(value: object) -> str:
    """A string; TOML numbers are accepted and rendered as written."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BadValue(f"needs a text value, got {show(value)}")
    return str(value)


def to_port(value: object) -> int:
    """A TCP port number."""
    try:
        return to_int(value, 1, 65535)
    except BadValue:
        raise BadValue(f"needs a TCP port number (1-65535), got {show(value)}") from None


def seconds(value: object) -> float:
    """A non-negative duration in seconds."""
    return to_float(value, 0.0)


def signed_seconds(value: object) -> float:
    """A duration in seconds where a negative value means "disabled"."""
    return to_float(value)


def positive_seconds(value: object) -> float:
    """A duration in seconds that must be above zero."""
    result = to_float(value)
    if result <= 0:
        raise BadValue(f"needs a number above 0, got {show(value)}")
    return result


def count(value: object) -> int:
    """A non-negative whole number."""
    return to_int(value, 0)


def whole(value: object) -> int:
    """Any whole number, negative allowed."""
    return to_int(value)


def _check_range(result: float, minimum: float | None, maximum: float | None) -> None:
    if minimum is not None and result < minimum:
        raise BadValue(f"needs a value of at least {_num(minimum)}, got {_num(result)}")
    if maximum is not None and result > maximum:
        raise BadValue(f"needs a value of at most {_num(maximum)}, got {_num(result)}")


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
