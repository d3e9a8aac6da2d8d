"""Lean stand-ins for ``dataclasses`` and ``typing`` on the path of the client commands.

``upskit get`` is a whole process per query, like ``upsc``: what it imports is most of
its cost.  ``dataclasses`` brings inspect, ast, dis and tokenize and writes each class's
methods with ``exec``; ``typing`` brings re, enum, collections and functools.  The
modules ``upskit get`` / ``list`` load use these instead:

- :class:`Frozen`: what ``@dataclass(frozen=True)`` gives a small value class.
- :data:`TYPE_CHECKING`, and :class:`Generic`, :func:`TypeVar`, :func:`ParamSpec`,
  :func:`overload`: the type checker sees typing's own; at run time ``Base[T]`` is just
  ``Base`` (no ``__orig_bases__``, no ``typing.get_args`` on these classes), which is
  all the code itself needs.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Generic as Generic
    from typing import ParamSpec as ParamSpec
    from typing import TypeVar as TypeVar
    from typing import overload as overload
else:
    class Generic:
        """``typing.Generic`` at run time: subscripting a subclass gives the class."""

        __slots__ = ()

        def __class_getitem__(cls, params):
            return cls

    def TypeVar(name, *constraints, **options):  # typing's spelling
        """A type variable's name: nothing at run time needs more."""
        return name

    ParamSpec = TypeVar

    def overload(function):
        """``typing.overload``: the overloads are replaced by the implementation."""
        return function


class Frozen:
    """Base of an immutable value: a subclass names its fields in ``_fields`` and sets
    them once, in ``__init__``, with :meth:`_init`.  Assigning or deleting a field later
    raises AttributeError, as a frozen dataclass does."""

    _fields: tuple[str, ...] = ()

    def _init(self, *values: object) -> None:
        for name, value in zip(self._fields, values, strict=True):
            object.__setattr__(self, name, value)

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Frozen) and other.__class__ is self.__class__:
            return self._values() == other._values()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in
                          zip(self._fields, self._values(), strict=True))
        return f"{self.__class__.__qualname__}({shown})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")
