"""Read NUT device dumps (``upsc`` output plus nut-ddl markup) into typed entries.

A dump is a text file of ``name: value`` lines.  Besides those, the reader knows:

* ``TIMER <seconds>`` - pause the replay (sequence files);
* ``ALARM [text]`` - raise an alarm text; a bare ``ALARM`` clears them all;
* ``#RW:<var>:STRING:<len>``, ``#RW:<var>:RANGE:"min" "max"``, ``#RW:<var>:ENUM:"value"``
  and ``#CMD:<cmd>`` - capability markup from the Devices Dumps Library;
* every other ``#`` line (including ``# DEVICE:`` blocks) and blank lines are ignored.

Values are split into words the way NUT's configuration reader does: runs of blanks
become one space, double quotes keep blanks and ``#``, a backslash escapes the next
character, and a word starting with ``#`` starts a trailing comment.  A line that fits
none of these shapes is reported as ``file:line: reason`` and skipped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

#: What NUT accepts as a variable or command name.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")


class DumpSyntaxError(ValueError):
    """One line of a dump could not be understood."""


@dataclass(frozen=True, slots=True)
class SetValue:
    """``name: value``; an empty value removes the variable."""

    name: str
    value: str


@dataclass(frozen=True, slots=True)
class Timer:
    """``TIMER <seconds>``: pause before the next line."""

    seconds: float


@dataclass(frozen=True, slots=True)
class Alarm:
    """``ALARM <text>`` raises ``text``; a bare ``ALARM`` (text ``None``) clears all alarms."""

    text: str | None


@dataclass(frozen=True, slots=True)
class Writable:
    """``#RW:`` markup: the variable is writable, with a type constraint.

    ``kind`` is ``"STRING"`` (``length`` set), ``"RANGE"`` (``low``/``high`` set) or
    ``"ENUM"`` (``choice`` set).
    """

    name: str
    kind: str
    length: int = 0
    low: int = 0
    high: int = 0
    choice: str = ""


@dataclass(frozen=True, slots=True)
class Command:
    """``#CMD:<name>`` markup: the device supports this instant command."""

    name: str


Entry = SetValue | Timer | Alarm | Writable | Command


@dataclass(frozen=True, slots=True)
class Problem:
    """A skipped line: where it is and why."""

    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Dump:
    """A parsed dump file: entries in file order with their line numbers, plus problems."""

    entries: tuple[tuple[int, Entry], ...]
    problems: tuple[Problem, ...]


def split_words(text: str) -> list[str]:
    """Split a value into words: blanks separate, ``"..."`` groups, ``\\`` escapes.

    An unquoted word that starts with ``#`` ends the line (a trailing comment).
    Raises :class:`DumpSyntaxError` for an unterminated quote.
    """
    if '"' not in text and "\\" not in text and "#" not in text:
        return text.split()  # the usual value: nothing to unquote
    words: list[str] = []
    chars = iter(text)
    current: list[str] = []
    in_word = False
    for char in chars:
        if char.isspace():
            if in_word:
                words.append("".join(current))
                current, in_word = [], False
            continue
        if char == "#" and not in_word:
            break
        in_word = True
        if char == "\\":
            current.append(next(chars, ""))
        elif char == '"':
            current.extend(_quoted(chars))
        else:
            current.append(char)
    if in_word:
        words.append("".join(current))
    return words


def _quoted(chars: Iterator[str]) -> list[str]:
    out: list[str] = []
    for char in chars:
        if char == '"':
            return out
        out.append(next(chars, "") if char == "\\" else char)
    raise DumpSyntaxError("unterminated quote")


def parse_line(line: str) -> Entry | None:
    """Parse one line; ``None`` for blank and comment lines.

    Raises :class:`DumpSyntaxError` with a short reason for a malformed line.
    """
    text = line.strip()
    if not text:
        return None
    if text.startswith("#"):
        return _parse_markup(text)
    keyword, *tail = text.split(None, 1)
    rest = tail[0] if tail else ""
    if keyword == "TIMER":
        return _parse_timer(rest)
    if keyword == "ALARM":
        words = split_words(rest)
        return Alarm(" ".join(words) if words else None)
    name, colon, value = text.partition(":")
    name = name.strip()
    if not colon:
        raise DumpSyntaxError("expected 'name: value', TIMER or ALARM")
    if not _NAME.match(name):
        raise DumpSyntaxError(f"invalid variable name {name!r}")
    return SetValue(name, " ".join(split_words(value)))


def _parse_timer(rest: str) -> Timer:
    words = split_words(rest)
    if len(words) != 1:
        raise DumpSyntaxError("TIMER needs exactly one number of seconds")
    try:
        seconds = float(words[0])
    except ValueError:
        raise DumpSyntaxError(f"TIMER value {words[0]!r} is not a number") from None
    if not math.isfinite(seconds) or seconds < 0:
        raise DumpSyntaxError(f"TIMER value {words[0]!r} is not a duration")
    return Timer(seconds)


def _parse_markup(text: str) -> Entry | None:
    body = text[1:]
    if body.startswith("CMD:"):
        name = body[4:].strip()
        if not _NAME.match(name):
            raise DumpSyntaxError(f"invalid command name {name!r}")
        return Command(name)
    if not body.startswith("RW:"):
        return None  # an ordinary comment, "# DEVICE:" blocks included
    parts = body.split(":", 3)
    if len(parts) != 4:
        raise DumpSyntaxError("expected '#RW:<var>:<STRING|RANGE|ENUM>:<details>'")
    _, name, kind, details = parts
    if not _NAME.match(name):
        raise DumpSyntaxError(f"invalid variable name {name!r}")
    words = split_words(details)
    if kind == "STRING":
        if len(words) != 1 or not words[0].isdigit():
            raise DumpSyntaxError("#RW STRING needs a length")
        return Writable(name, kind, length=int(words[0]))
    if kind == "RANGE":
        try:
            low, high = (int(word) for word in words)
        except ValueError:
            raise DumpSyntaxError('#RW RANGE needs two integers: "min" "max"') from None
        if low > high:
            raise DumpSyntaxError(f"#RW RANGE minimum {low} is above maximum {high}")
        return Writable(name, kind, low=low, high=high)
    if kind == "ENUM":
        if len(words) != 1:
            raise DumpSyntaxError('#RW ENUM needs one quoted value: "value"')
        return Writable(name, kind, choice=words[0])
    raise DumpSyntaxError(f"unknown #RW type {kind!r} (STRING, RANGE or ENUM)")


def parse_text(text: str, path: str = "<dump>") -> Dump:
    """Parse a whole dump held in memory; malformed lines become :class:`Problem` s."""
    entries: list[tuple[int, Entry]] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            entry = parse_line(line)
        except DumpSyntaxError as exc:
            problems.append(Problem(path, number, str(exc)))
            continue
        if entry is not None:
            entries.append((number, entry))
    return Dump(tuple(entries), tuple(problems))


def read_dump(path: Path) -> Dump:
    """Read and parse a dump file; undecodable bytes are replaced, never fatal.

    Raises :class:`OSError` when the file cannot be read.
    """
    data = path.read_bytes()
    return parse_text(data.decode("utf-8", errors="replace"), str(path))
