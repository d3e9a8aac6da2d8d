"""The ups.conf options a driver accepts, checked before the driver is built.

NUT's drivers refuse to start on an option they do not know (``'protocl' is not a
valid variable name for this driver``); upskit does the same, naming the file and line
of the option, suggesting the closest known name and saying which form a bad value
should take.  Every driver accepts :data:`COMMON_OPTIONS` (NUT's ``main.c`` ones) and
``default.*`` / ``override.*``; a driver class adds its own in ``Driver.ups_options``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from upskit.config.settings import ConfigError, OptionValue, UpsSettings
from upskit.config.values import BadValue, parse_bool, show

Check = Callable[[str], object]


@dataclass(frozen=True)
class Option:
    """One ups.conf option: a value (``key = value``) or a flag (``key`` alone).

    ``check`` raises :class:`~upskit.config.values.BadValue` with the tail of a message
    (``needs a whole number, got "abc"``) when a value does not have the expected form.
    """

    flag: bool = False
    check: Check | None = None


#: A value option whose text is taken as written.
TEXT = Option()
#: A flag: written alone (``novendor``), or ``= yes`` / ``= no``.
FLAG = Option(flag=True)


def value(check: Check) -> Option:
    """A value option whose value must pass ``check``."""
    return Option(check=check)


# ----------------------------------------------------------------- value checks
def number(minimum: float | None = None, maximum: float | None = None,
           unit: str = "") -> Check:
    """A decimal number within the bounds; ``unit`` names it in messages (``seconds``)."""
    what = f"a number of {unit}" if unit else "a number"

    def check(text: str) -> float:
        try:
            result = float(text)
        except ValueError:
            raise BadValue(f"needs {what}, got {show(text)}") from None
        if result != result or result in (float("inf"), float("-inf")):
            raise BadValue(f"needs {what}, got {show(text)}")
        _bounds(result, minimum, maximum, text)
        return result

    return check


def whole(minimum: int | None = None, maximum: int | None = None, unit: str = "") -> Check:
    """A whole number within the bounds."""
    what = f"a whole number of {unit}" if unit else "a whole number"

    def check(text: str) -> int:
        if not re.fullmatch(r"\s*[+-]?\d+\s*", text):
            raise BadValue(f"needs {what}, got {show(text)}")
        result = int(text)
        _bounds(result, minimum, maximum, text)
        return result

    return check


def choice(*words: str) -> Check:
    """One of ``words`` (any case)."""

    def check(text: str) -> str:
        if text.lower() not in {w.lower() for w in words}:
            raise BadValue(f"needs one of {', '.join(words)}, got {show(text)}")
        return text

    return check


def pattern(text: str) -> str:
    """A regular expression (USB matching options are regular expressions, as in NUT)."""
    try:
        re.compile(text)
    except re.error as exc:
        raise BadValue(f"needs a regular expression, got {show(text)} ({exc})") from None
    return text


def _bounds(result: float, minimum: float | None, maximum: float | None, text: str) -> None:
    if (minimum is not None and result < minimum) or (maximum is not None and result > maximum):
        low = "" if minimum is None else f"{minimum:g}"
        high = "" if maximum is None else f"{maximum:g}"
        span = f"from {low} to {high}" if low and high else (
            f"of at least {low}" if low else f"of at most {high}")
        raise BadValue(f"needs a value {span}, got {show(text)}")


#: Options every driver accepts: those NUT's driver core (``main.c``) and ``upsdrvctl``
#: read from a UPS section.  ``driver``, ``desc`` and ``alias`` never reach a driver.
COMMON_OPTIONS: dict[str, Option] = {
    "port": TEXT,
    "sdorder": value(whole()),
    "nolock": FLAG,
    "ignorelb": FLAG,
    "maxstartdelay": value(whole(0, unit="seconds")),
    "maxretry": value(whole(0)),
    "retrydelay": value(whole(0, unit="seconds")),
    "synchronous": value(choice("yes", "no", "auto")),
    "pollinterval": value(number(0, unit="seconds")),
    "user": TEXT,
    "group": TEXT,
    "debug_min": value(whole(0)),
    "LIBUSB_DEBUG": value(whole(0)),
    "sddelay": TEXT,  # obsolete; NUT logs it and goes on
}

_PREFIXES = ("default.", "override.")


class OptionError(ConfigError, ValueError):
    """An option a driver refuses (a :class:`ConfigError` naming file and line, and a
    ``ValueError`` like any other refusal of a driver's options)."""


def check_options(driver: str, accepted: Mapping[str, Option], ups: UpsSettings) -> None:
    """Raise :class:`OptionError` naming the file and line of the first option of ``ups``
    that ``driver`` (accepting ``accepted`` besides the common ones) refuses."""
    known = {**COMMON_OPTIONS, **accepted}
    for key, given in ups.options.items():
        if key.startswith("_") or key.lower().startswith(_PREFIXES):
            continue
        problem = _problem(key, given, known.get(key), driver, known)
        if problem:
            line = ups.option_lines.get(key) or ups.origin.line or None
            raise OptionError(ups.origin.file, line, f"[{ups.name}]: {problem}")


def _problem(key: str, given: OptionValue, option: Option | None, driver: str,
             known: Mapping[str, Option]) -> str | None:
    if option is None:
        return f'unknown option "{key}" for driver {driver}{_hint(key, known)}'
    if option.flag:
        if given is True or (isinstance(given, str) and parse_bool(given) is not None):
            return None
        return f'option "{key}" is a flag: write it alone, or "{key} = yes" / "no"'
    if given is True or given is False:
        return f'option "{key}" needs a value ("{key} = ...")'
    if option.check is not None:
        try:
            option.check(given)
        except BadValue as exc:
            return f'option "{key}" {exc}'
        except ValueError as exc:
            return f'option "{key}" = "{given}": {exc}'
    return None


def _hint(key: str, known: Iterable[str]) -> str:
    names = sorted(known)
    close = difflib.get_close_matches(key.lower(), [n.lower() for n in names], n=1, cutoff=0.7)
    if close:
        match = next(n for n in names if n.lower() == close[0])
        return f' (did you mean "{match}"?)'
    return f" (known: {', '.join(names)})" if len(names) <= 24 else ""
