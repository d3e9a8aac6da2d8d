"""Mapping tables: the shared shape of "a source value becomes a NUT variable".

A driver family describes its device as data.  Whatever the source (a field of a Q*
reply, a HID usage, an SNMP OID), the same pieces recur:

* :class:`VarMapping` -- one row: the NUT variable, its flags, default and
  conversion, and what :meth:`VarMapping.describe` tells the device about it;
* :class:`Lookup` -- a two-way table between source values and NUT words
  (``1 <-> "enabled"``), read forwards when publishing and backwards for a SET;
* :class:`StatusBit` -- one source boolean and the status tokens it stands for;
* :class:`StatusBuilder` -- turns the token groups of one update into ``ups.status``
  words in the family's order, with the alarm texts some words imply.

Unusable input raises :class:`ValueError` with a message naming the table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar, overload

from upskit.model.device import Device
from upskit.model.flags import VarFlag

S = TypeVar("S")
K = TypeVar("K")
T = TypeVar("T")

_MISSING: object = object()


class Lookup(Generic[K]):
    """A two-way table: source value <-> NUT word.

    Several values may share a word; reading backwards then gives the first of
    them.  ``name`` appears in error messages.
    """

    __slots__ = ("_forward", "_reverse", "name")

    def __init__(self, pairs: Mapping[K, str] | Iterable[tuple[K, str]], *,
                 name: str = "lookup") -> None:
        items = list(pairs.items()) if isinstance(pairs, Mapping) else list(pairs)
        self.name = name
        self._forward: dict[K, str] = {}
        self._reverse: dict[str, K] = {}
        for value, word in items:
            if value in self._forward:
                raise ValueError(f"{name}: value {value!r} listed twice")
            self._forward[value] = word
            self._reverse.setdefault(word, value)

    @overload
    def word(self, value: K) -> str: ...
    @overload
    def word(self, value: K, default: T) -> str | T: ...

    def word(self, value: K, default: object = _MISSING) -> object:
        """The word for ``value``; ``default`` (or ValueError) when it is not listed."""
        try:
            return self._forward[value]
        except (KeyError, TypeError):  # TypeError: an unhashable value is not listed
            if default is not _MISSING:
                return default
            raise ValueError(f"{self.name}: unknown value {value!r}") from None

    def value(self, word: str) -> K:
        """The source value for ``word`` (ValueError when it is not listed)."""
        try:
            return self._reverse[word]
        except KeyError:
            known = ", ".join(self._reverse)
            raise ValueError(f"{self.name}: {word!r} is not one of {known}") from None

    def words(self) -> tuple[str, ...]:
        """Every word once, in table order: the allowed values of a writable variable."""
        return tuple(self._reverse)

    def values(self) -> tuple[K, ...]:
        return tuple(self._forward)

    def __contains__(self, value: object) -> bool:
        try:
            return value in self._forward
        except TypeError:
            return False

    def __len__(self) -> int:
        return len(self._forward)

    def __repr__(self) -> str:
        return f"Lookup({self._forward!r}, name={self.name!r})"


@dataclass(frozen=True)  # no slots: ``VarMapping[int](...)`` must be able to tag the instance
class VarMapping(Generic[S]):
    """How one source value of type ``S`` becomes the NUT variable ``name``.

    ``lookup`` translates through a table, else ``convert`` computes the text, else
    the value is published as ``str(value)``.  ``default`` is published when the
    source has no value at all.  ``flags``, ``aux``, ``enums`` and ``ranges``
    describe a writable variable; a lookup's words are its enums unless ``enums``
    says otherwise.
    """

    name: str
    flags: VarFlag = VarFlag.NONE
    aux: int = 0
    default: str | None = None
    convert: Callable[[S], str] | None = None
    lookup: Lookup[S] | None = None
    enums: tuple[str, ...] = ()
    ranges: tuple[tuple[int, int], ...] = ()

    def to_nut(self, raw: S) -> str:
        """The published text for ``raw`` (ValueError when it is unusable)."""
        if self.lookup is not None:
            return self.lookup.word(raw)
        if self.convert is not None:
            return self.convert(raw)
        return raw if isinstance(raw, str) else str(raw)

    def from_nut(self, text: str) -> S:
        """The source value a client's ``text`` stands for (needs a lookup)."""
        if self.lookup is None:
            raise ValueError(f"{self.name}: no table to translate {text!r} back")
        return self.lookup.value(text)

    @property
    def allowed(self) -> tuple[str, ...]:
        """The values a client may write (empty: any)."""
        if self.enums or self.lookup is None:
            return self.enums
        return self.lookup.words()

    def publish(self, device: Device, raw: S | None) -> bool:
        """Set the variable from ``raw`` (``None``: the default, if any).

        Returns whether the device changed; ValueError from the conversion goes to
        the caller, which decides whether an unusable value is worth a log line.
        """
        if raw is None:
            return self.default is not None and device.set(self.name, self.default)
        return device.set(self.name, self.to_nut(raw))

    def describe(self, device: Device) -> None:
        """Tell ``device`` the flags, string length, enums and ranges of the variable.

        A variable without flags is a plain reading: there is nothing to describe.
        """
        if not self.flags:
            return
        device.set_flags(self.name, self.flags)
        if self.aux:
            device.set_aux(self.name, self.aux)
        for word in self.allowed:
            device.add_enum(self.name, word)
        for low, high in self.ranges:
            device.add_range(self.name, low, high)


@dataclass(frozen=True, slots=True)
class StatusBit:
    """One source boolean and the status tokens it stands for.

    ``on`` and ``off`` hold space-separated tokens; ``!WORD`` withdraws a word another
    bit may have set (see :class:`StatusBuilder`); ``""`` says nothing.
    """

    name: str
    on: str = ""
    off: str = ""

    def tokens(self, state: bool) -> str:
        return self.on if state else self.off


def status_tokens(bits: Iterable[StatusBit], states: Mapping[str, bool]) -> list[str]:
    """The token groups of ``bits`` for the booleans in ``states`` (absent ones say nothing)."""
    groups = []
    for bit in bits:
        if bit.name in states:
            tokens = bit.tokens(states[bit.name])
            if tokens:
                groups.append(tokens)
    return groups


@dataclass(frozen=True, slots=True)
class StatusBuilder:
    """Turns the token groups of one update into ``ups.status`` words.

    Words are collected in order, each once; ``!WORD`` anywhere removes ``WORD``.
    With ``power`` set the result starts with its first word when present, else
    with its second (a UPS is on line or on battery); the words listed in ``order``
    follow in that order, then any others as they came.  ``alarms`` names the
    alarm text that goes with a word (``RB`` -> ``"Replace battery!"``).
    """

    order: tuple[str, ...] = ()
    power: tuple[str, str] | None = ("OL", "OB")
    alarms: tuple[tuple[str, str], ...] = ()

    def build(self, groups: Iterable[str]) -> list[str]:
        present: list[str] = []
        removed: set[str] = set()
        for group in groups:
            for word in group.split():
                if word.startswith("!"):
                    removed.add(word[1:])
                elif word not in present:
                    present.append(word)
        words = [w for w in present if w not in removed]
        ordered: list[str] = []
        if self.power is not None:
            online, offline = self.power
            ordered.append(online if online in words else offline)
        ordered += [w for w in self.order if w in words and w not in ordered]
        skip = set(self.power or ())
        ordered += [w for w in words if w not in ordered and w not in skip]
        return ordered

    def alarm_texts(self, words: Iterable[str]) -> list[str]:
        """The alarm texts implied by ``words``, in the order of ``alarms``."""
        present = set(words)
        return [text for word, text in self.alarms if word in present]
