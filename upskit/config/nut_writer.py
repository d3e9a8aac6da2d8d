"""Write NUT-syntax configuration: words quoted as NUT's parser reads them, and ``ups.conf``.

NUT's rule (see :mod:`upskit.config.parser`): words are split at blanks, ``"quotes"``
keep blanks, ``#`` and ``=`` inside one word, and a backslash makes the next character
literal.  A line break cannot be part of any word, so a value holding one is refused.
Reading the result back with :func:`upskit.config.ups_conf.load_ups_conf` gives the same
settings.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from upskit.config.settings import OptionValue, UpsConf, UpsSettings

#: Characters that make a word need quotes (``=`` too: ``key = a=b`` is ambiguous).
_NEEDS_QUOTES = re.compile(r'[\s"\\#=]')
_KEY = re.compile(r"[A-Za-z0-9_.-]+")


def nut_word(text: str, *, quote: bool = False) -> str:
    """``text`` as one NUT word: bare when it can be, else quoted (``quote``: always).

    Raises ValueError for a line break, which no NUT word can hold.
    """
    if "\n" in text or "\r" in text:
        raise ValueError(f"a NUT configuration value cannot hold a line break: {text!r}")
    if not quote and text and not _NEEDS_QUOTES.search(text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def nut_key(key: str) -> str:
    """An option name, which NUT writes bare (ValueError for one it cannot)."""
    if not _KEY.fullmatch(key):
        raise ValueError(f"{key!r} cannot be written as a NUT option name")
    return key


def dump_ups_conf(conf: UpsConf, *, comments: Mapping[str, str] | None = None,
                  quote: Collection[str] = (), indent: str = "    ") -> str:
    """Render ``conf`` as ``ups.conf`` text: the globals, then one section per UPS.

    ``comments`` maps a UPS name to a comment written first in its section; options
    named in ``quote`` are always quoted.  A flag set to false is left out (a flag
    is off unless written).
    """
    lines: list[str] = []
    for key, value in conf.globals.items():
        _option(lines, "", key, value, quote)
    if lines:
        lines.append("")
    for ups in conf.ups.values():
        _section(lines, ups, (comments or {}).get(ups.name), quote, indent)
        lines.append("")
    return "\n".join(lines)


def _section(lines: list[str], ups: UpsSettings, comment: str | None,
             quote: Collection[str], indent: str) -> None:
    if not ups.name or _NEEDS_QUOTES.search(ups.name) or any(c in ups.name for c in "[]"):
        raise ValueError(f"{ups.name!r} cannot be written as a ups.conf section name")
    lines.append(f"[{ups.name}]")
    if comment:
        lines.extend(f"{indent}# {line}".rstrip() for line in comment.splitlines())
    _option(lines, indent, "driver", ups.driver, quote)
    _option(lines, indent, "port", ups.port, quote)
    if ups.desc:
        _option(lines, indent, "desc", ups.desc, quote)
    for alias in ups.aliases:
        _option(lines, indent, "alias", alias, quote)
    if ups.sdorder and "sdorder" not in ups.options:
        _option(lines, indent, "sdorder", str(ups.sdorder), quote)
    for key, value in ups.options.items():
        if key != "port":
            _option(lines, indent, key, value, quote)


def _option(lines: list[str], indent: str, key: str, value: OptionValue,
            quote: Collection[str]) -> None:
    if value is False:
        return
    if value is True:
        lines.append(f"{indent}{nut_key(key)}")
        return
    lines.append(f"{indent}{nut_key(key)} = {nut_word(value, quote=key in quote)}")
