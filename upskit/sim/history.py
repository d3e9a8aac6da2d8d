"""A bounded record of what a simulated device received.

A simulator that kept every command would grow for as long as it runs (about 21 MB a
minute for 1,000 polled units); :class:`History` keeps the last ``limit`` items only.
Positions count from the first item ever added, so a mark taken with ``len()`` still
selects what came after it (``history[mark:]``) once older items are forgotten.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Generic, TypeVar, overload

T = TypeVar("T")

#: Items a simulator remembers by default: enough for any test's window, about 100 KB.
HISTORY_SIZE = 4096


class History(Generic[T]):
    """The last ``limit`` items appended, indexed from the first item ever appended."""

    def __init__(self, limit: int = HISTORY_SIZE) -> None:
        if limit < 1:
            raise ValueError("a history keeps at least one item")
        self._items: deque[T] = deque(maxlen=limit)
        self._total = 0

    @property
    def limit(self) -> int:
        """How many items are kept."""
        return self._items.maxlen or 0

    @property
    def forgotten(self) -> int:
        """How many of the earliest items were dropped to stay within the limit."""
        return self._total - len(self._items)

    def append(self, item: T) -> None:
        self._items.append(item)
        self._total += 1

    def clear(self) -> None:
        self._items.clear()
        self._total = 0

    def count(self, item: T) -> int:
        return self._items.count(item)

    def __len__(self) -> int:
        return self._total

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._items))

    def __contains__(self, item: object) -> bool:
        return item in self._items

    def __eq__(self, other: object) -> bool:
        if isinstance(other, History):
            return list(self) == list(other)
        if isinstance(other, list):
            return list(self) == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        first = self.forgotten
        if isinstance(index, slice):
            start, stop, step = index.indices(self._total)
            kept = list(self._items)
            if step != 1:
                return [kept[i - first] for i in range(start, stop, step) if i >= first]
            return kept[max(start - first, 0):max(stop - first, 0)]
        position = index + self._total if index < 0 else index
        if not first <= position < self._total:
            raise IndexError(f"item {index} is not kept (holding {first} to {self._total - 1})")
        return self._items[position - first]

    def __repr__(self) -> str:
        return f"History({list(self._items)!r}, forgotten={self.forgotten})"
