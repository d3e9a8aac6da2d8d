"""``type=`` converters for command-line arguments: a bad value is a usage error (exit 2)."""

from __future__ import annotations

import argparse
import math


def positive_number(text: str) -> float:
    """A finite number above zero (seconds, factors)."""
    value = _number(text)
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text!r}")
    return value


def non_negative_number(text: str) -> float:
    """A number, zero or more (infinity included)."""
    value = _number(text)
    if not value >= 0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text!r}")
    return value


def non_negative_int(text: str) -> int:
    """A whole number, zero or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text!r}")
    return value


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None


def port_options(items: list[str]) -> dict[str, str | bool]:
    """Repeated ``-o KEY=VALUE`` port options as a dict; a bare ``KEY`` is a flag (True)."""
    options: dict[str, str | bool] = {}
    for item in items:
        key, sep, value = item.partition("=")
        options[key] = value if sep else True
    return options
