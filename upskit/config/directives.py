"""Helpers for ``DIRECTIVE value...`` files (upsd.conf, upsmon.conf, upssched.conf)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from upskit.config.parser import Statement
from upskit.config.settings import ConfigError
from upskit.config.values import BadValue, Converter

#: Upper-case directive name -> (settings field, converter) for one-value directives.
DirectiveTable = dict[str, tuple[str, Converter]]

T = TypeVar("T")


def expect_args(statement: Statement, file: str, least: int, most: int, usage: str) -> None:
    """Raise unless the directive has between ``least`` and ``most`` arguments."""
    given = len(statement.words) - 1
    if least <= given <= most:
        return
    name = statement.words[0]
    if least == most:
        wanted = f"{least} argument{'s' if least != 1 else ''}"
    else:
        wanted = f"{least} to {most} arguments"
    hint = "; put values with spaces in double quotes" if given > most else ""
    raise ConfigError(file, statement.line,
                      f"{name} needs {wanted}, got {given} (usage: {usage}){hint}")


def convert(converter: Callable[[Any], T], value: object, name: str, file: str, line: int) -> T:
    """Run a converter, turning its complaint into a :class:`ConfigError`."""
    try:
        return converter(value)
    except BadValue as exc:
        raise ConfigError(file, line, f"{name} {exc}") from None


def apply_simple(target: object, table: DirectiveTable, statement: Statement,
                 file: str) -> bool:
    """Apply a one-value directive found in ``table``; ``False`` when it is not there."""
    name = statement.words[0]
    entry = table.get(name.upper())
    if entry is None:
        return False
    field, converter = entry
    expect_args(statement, file, 1, 1, f"{name.upper()} <value>")
    setattr(target, field, convert(converter, str(statement.words[1]), name.upper(), file,
                                   statement.line))
    return True
