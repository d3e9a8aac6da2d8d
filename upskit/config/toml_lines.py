"""Find the line of a key in a TOML text, since ``tomllib`` keeps no positions.

A key is named by its path, e.g. ``("ups", "myups", "pollinterval")`` or, inside an
array of tables, ``("monitor", "ups", 1, "role")`` (the second ``[[monitor.ups]]``).
The scan understands table headers, arrays of tables and dotted keys, which is all
a hand-written configuration uses; when a key cannot be pinned down, the line of the
closest enclosing table is returned.
"""

from __future__ import annotations

from collections.abc import Sequence

PathPart = str | int


def split_key(text: str) -> list[str]:
    """Split a dotted TOML key (``a."b.c".d``) into its parts, without quotes."""
    parts: list[str] = []
    current: list[str] = []
    quote = ""
    for char in text:
        if quote:
            if char == quote:
                quote = ""
            else:
                current.append(char)
        elif char in "\"'":
            quote = char
        elif char == ".":
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return parts


def _key_before_equals(line: str) -> str | None:
    quote = ""
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "=":
            return line[:index]
    return None


def key_lines(text: str) -> list[tuple[tuple[PathPart, ...], int]]:
    """Every header and key in ``text`` as (full path, 1-based line)."""
    found: list[tuple[tuple[PathPart, ...], int]] = []
    counters: dict[tuple[PathPart, ...], int] = {}
    table: tuple[PathPart, ...] = ()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("[["):
            end = line.find("]]")
            names = tuple(split_key(line[2:end]))
            index = counters.get(names, -1) + 1
            counters[names] = index
            table = (*_resolve(names, counters), index)
            found.append((table, number))
        elif line.startswith("["):
            end = line.find("]")
            table = _resolve(tuple(split_key(line[1:end])), counters)
            found.append((table, number))
        elif line and not line.startswith("#"):
            key = _key_before_equals(line)
            if key is not None:
                found.append(((*table, *split_key(key)), number))
    return found


def _resolve(names: tuple[str, ...], counters: dict[tuple[PathPart, ...], int],
             ) -> tuple[PathPart, ...]:
    """Insert array indexes for headers nested under an array of tables."""
    path: list[PathPart] = []
    for size in range(1, len(names) + 1):
        path.append(names[size - 1])
        index = counters.get(names[:size])
        if index is not None and size < len(names):
            path.append(index)
    return tuple(path)


def find_line(text: str, path: Sequence[PathPart]) -> int | None:
    """The line defining ``path``, or the closest enclosing one; ``None`` if nothing fits.

    Paths compare as dotted names, so ``("a", "b.c")`` and ``("a", "b", "c")`` (a quoted
    dotted key and nested tables) are the same key.  Scans the whole text: to look up
    many keys, build one :class:`LineIndex`.
    """
    return LineIndex(text).find(path)


class LineIndex:
    """Every key's line in one TOML text, scanned once, so a lookup costs no rescan.

    A reader that asks for the line of each of N tables would otherwise scan the text
    N times (quadratic in the size of the file).
    """

    def __init__(self, text: str) -> None:
        self._exact: dict[str, int] = {}
        self._under: dict[str, int] = {}
        for entry, number in key_lines(text):
            joined = _joined(entry)
            self._exact.setdefault(joined, number)
            dot = joined.find(".")
            while dot >= 0:
                self._under.setdefault(joined[:dot], number)
                dot = joined.find(".", dot + 1)

    def find(self, path: Sequence[PathPart]) -> int | None:
        """The first line defining ``path``, else the first line inside it, else the
        line of the closest enclosing key; ``None`` if nothing fits."""
        target = _joined(path)
        number = self._exact.get(target)
        if number is None:
            number = self._under.get(target)
        dot = target.rfind(".")
        while number is None and dot >= 0:
            number = self._exact.get(target[:dot])
            dot = target.rfind(".", 0, dot)
        return number


def _joined(path: Sequence[PathPart]) -> str:
    return ".".join(str(part) for part in path)
