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
    dotted key and nested tables) are the same key.
    """
    target = _joined(path)
    entries = [(_joined(entry), number) for entry, number in key_lines(text)]
    for entry, number in entries:
        if entry == target:
            return number
    for entry, number in entries:
        if entry.startswith(target + "."):
            return number
    best: tuple[int, int] | None = None
    for entry, number in entries:
        if target.startswith(entry + ".") and (best is None or len(entry) > best[0]):
            best = (len(entry), number)
    return best[1] if best else None


def _joined(path: Sequence[PathPart]) -> str:
    return ".".join(str(part) for part in path)
