"""Tokenizer for NUT's configuration file syntax.

The rules are those every NUT file except ``nut.conf`` follows:

* words are separated by blanks (spaces, tabs);
* ``"double quotes"`` keep blanks and ``#`` inside one word;
* a backslash makes the next character literal, inside or outside quotes;
* ``#`` outside quotes starts a comment running to the end of the line;
* a backslash as the last character of a line joins the next line to it;
* ``[name]`` on a line of its own opens a section.

:func:`tokenize` yields one :class:`Statement` (the line it starts on and its words)
per non-empty logical line.  Interpreting the words, including ``key = value`` and
``key=value`` forms (see :func:`split_assignment`), is left to each file's loader.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from upskit.config.settings import ConfigError

_BLANKS = frozenset(" \t\r\f\v")


class Word(str):
    """One word of a statement.

    ``quoted`` tells whether any part of it was in quotes; ``equals`` is the index of
    its first ``=`` written outside quotes and unescaped (-1 when there is none).
    """

    quoted: bool
    equals: int

    def __new__(cls, text: str, quoted: bool = False, equals: int = -1) -> Word:
        word = super().__new__(cls, text)
        word.quoted = quoted
        word.equals = equals
        return word


class Statement(NamedTuple):
    """One logical line: the 1-based line number it starts on, and its words."""

    line: int
    words: list[Word]


class _Builder:
    """Accumulates characters into words and words into statements."""

    def __init__(self) -> None:
        self.words: list[Word] = []
        self.chars: list[str] = []
        self.in_word = False
        self.quoted = False
        self.equals = -1
        self.start_line = 0

    def add(self, char: str, line: int, plain: bool = False) -> None:
        if not self.in_word:
            self.in_word = True
            if not self.words:
                self.start_line = line
        if plain and char == "=" and self.equals < 0:
            self.equals = len(self.chars)
        self.chars.append(char)

    def open_quote(self, line: int) -> None:
        if not self.in_word:
            self.in_word = True
            if not self.words:
                self.start_line = line
        self.quoted = True

    def end_word(self) -> None:
        if self.in_word:
            self.words.append(Word("".join(self.chars), self.quoted, self.equals))
        self.chars = []
        self.in_word = False
        self.quoted = False
        self.equals = -1

    def take_statement(self) -> Statement | None:
        self.end_word()
        if not self.words:
            return None
        statement = Statement(self.start_line, self.words)
        self.words = []
        return statement


def tokenize(text: str, file: str = "<string>") -> Iterator[Statement]:
    """Split ``text`` into statements; raise :class:`ConfigError` on an unterminated quote."""
    builder = _Builder()
    line = 1
    quote_line = 0
    in_quote = False
    i = 0
    size = len(text)
    while i < size:
        char = text[i]
        nxt = text[i + 1] if i + 1 < size else ""
        if char == "\\":
            if nxt == "\n" or (nxt == "\r" and text[i + 2 : i + 3] == "\n"):
                # Line continuation: drop the backslash and the line break.
                i += 2 if nxt == "\n" else 3
                line += 1
                continue
            if nxt == "":
                i += 1
                continue
            builder.add(nxt, line)
            i += 2
            continue
        if in_quote:
            if char == '"':
                in_quote = False
            elif char == "\n":
                raise ConfigError(file, quote_line, "unterminated quote")
            else:
                builder.add(char, line)
        elif char == '"':
            in_quote = True
            quote_line = line
            builder.open_quote(line)
        elif char == "#":
            end = text.find("\n", i)
            i = size if end < 0 else end
            continue
        elif char == "\n":
            statement = builder.take_statement()
            if statement is not None:
                yield statement
            line += 1
        elif char in _BLANKS:
            builder.end_word()
        else:
            builder.add(char, line, plain=True)
        i += 1
    if in_quote:
        raise ConfigError(file, quote_line, "unterminated quote")
    statement = builder.take_statement()
    if statement is not None:
        yield statement


def read_text(path: str | Path) -> str:
    """Read a configuration file as text, turning every failure into :class:`ConfigError`."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ConfigError(name, None, "file not found") from None
    except IsADirectoryError:
        raise ConfigError(name, None, "is a directory, expected a file") from None
    except OSError as exc:
        raise ConfigError(name, None, f"cannot read: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConfigError(name, line, "text is not valid UTF-8") from None


def read_statements(path: str | Path) -> list[Statement]:
    """Read and tokenize a NUT-syntax file."""
    return list(tokenize(read_text(path), str(path)))


def section_name(statement: Statement, file: str) -> str | None:
    """The name in a ``[name]`` header, or ``None`` when the statement is not a header."""
    first = statement.words[0]
    if first.quoted or not first.startswith("["):
        return None
    if len(statement.words) != 1 or not first.endswith("]"):
        raise ConfigError(file, statement.line, f"bad section header {_show(statement)}, "
                          "expected [name] alone on its line")
    name = first[1:-1].strip()
    if not name or any(c in name for c in " \t[]"):
        raise ConfigError(file, statement.line, f"bad section name {first!s}")
    return name


def split_assignment(words: list[Word]) -> tuple[str, list[Word], bool]:
    """Split ``key = value...`` / ``key=value`` / ``key value...`` / ``key``.

    Returns the key, the value words, and whether an (unquoted) ``=`` was present.
    """
    first = words[0]
    rest = words[1:]
    if first.equals >= 0:
        tail = first[first.equals + 1 :]
        values = ([Word(tail, first.quoted)] if tail or first.quoted else []) + rest
        return first[: first.equals], values, True
    if rest and rest[0].equals == 0:
        tail = rest[0][1:]
        values = ([Word(tail, rest[0].quoted)] if tail or rest[0].quoted else []) + rest[1:]
        return first, values, True
    return first, rest, False


def _show(statement: Statement) -> str:
    return " ".join(statement.words)
