"""Typed options: every layer declares the ups.conf keys it takes, once, and reads values.

A layer (NUT's driver core, a driver family, a port scheme) declares its options as
attributes of an :class:`OptionSet` subclass::

    class SerialOptions(OptionSet):
        baudrate = Option(whole(1), None, help="line speed in baud")
        cablepower = Option(choice("normal", "reverse", "both", "none"), "normal")

``SerialOptions(given)`` takes from ``given`` (``key = value`` as strings, bare flags as
``True``) the keys it declares and parses each of them once; other keys belong to other
layers and are left alone.  A value of the wrong form raises :class:`BadOption` (a
``ValueError`` saying which form the option takes); attributes then read typed values
(``options.baudrate`` is an ``int`` or ``None``).  The set is also a read-only mapping of
its keys as written, which is what NUT publishes as ``driver.parameter.*``.

The value words every reader shares live here too (this module sits below every layer):
:class:`BadValue`, :func:`show` and the one yes/no reader, :func:`parse_bool`.
"""

from __future__ import annotations

# collections.abc's Mapping, without the collections package (and operator, reprlib...):
# ``upskit get`` reads ports through this module; typing's names without typing and re
from _collections_abc import Mapping

from upskit.lean import TYPE_CHECKING, Generic, TypeVar, overload

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any, ClassVar, Self

T = TypeVar("T")

#: What a configuration gives for one option: text, or ``True`` for a bare flag.
Given = str | bool

_TRUE = frozenset({"1", "yes", "true", "on", "enabled"})
_FALSE = frozenset({"0", "no", "false", "off", "disabled"})


class BadValue(ValueError):
    """A value of the wrong type or out of range; the text completes "<name> ..."."""


class BadOption(ValueError):
    """An option whose value does not have the form its layer declares.

    The message names the option (``option "offdelay" needs a number of seconds, got
    "abc"``); ``key`` is the option's name.
    """

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def show(value: object) -> str:
    """Render a value as the user wrote it, for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def parse_bool(value: object) -> bool | None:
    """The one yes/no reader: ``None`` when ``value`` is neither.

    Yes: ``yes``, ``true``, ``on``, ``enabled``, ``1`` (any case, blanks around
    ignored), ``True`` and the integer 1; no: ``no``, ``false``, ``off``,
    ``disabled``, ``0``, ``False`` and 0.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    return None


def is_yes(value: object) -> bool:
    """A flag option: set only by a yes word (or ``True``, a flag given without value)."""
    return parse_bool(value) is True


# ------------------------------------------------------------------ value parsers
def text(value: str) -> str:
    """Any text, taken as written."""
    return value


def number(minimum: float | None = None, maximum: float | None = None,
           unit: str = "") -> Callable[[str], float]:
    """A decimal number within the bounds; ``unit`` names it in messages (``seconds``)."""
    import math

    what = f"a number of {unit}" if unit else "a number"

    def parse(value: str) -> float:
        try:
            result = float(value)
        except ValueError:
            raise BadValue(f"needs {what}, got {show(value)}") from None
        if not math.isfinite(result):
            raise BadValue(f"needs {what}, got {show(value)}")
        _bounds(result, minimum, maximum, value)
        return result

    return parse


def whole(minimum: int | None = None, maximum: int | None = None,
          unit: str = "") -> Callable[[str], int]:
    """A whole number within the bounds."""
    what = f"a whole number of {unit}" if unit else "a whole number"

    def parse(value: str) -> int:
        import re  # only when a configuration is read

        if not re.fullmatch(r"\s*[+-]?\d+\s*", value):
            raise BadValue(f"needs {what}, got {show(value)}")
        result = int(value)
        _bounds(result, minimum, maximum, value)
        return result

    return parse


def choice(*words: str) -> Callable[[str], str]:
    """One of ``words`` in any case; the value is the word as declared."""
    by_case = {w.lower(): w for w in words}

    def parse(value: str) -> str:
        try:
            return by_case[value.lower()]
        except KeyError:
            raise BadValue(f"needs one of {', '.join(words)}, got {show(value)}") from None

    return parse


def pattern(value: str) -> str:
    """A regular expression (USB matching options are regular expressions, as in NUT)."""
    import re

    try:
        re.compile(value)
    except re.error as exc:
        raise BadValue(f"needs a regular expression, got {show(value)} ({exc})") from None
    return value


def _bounds(result: float, minimum: float | None, maximum: float | None, value: str) -> None:
    if (minimum is not None and result < minimum) or (maximum is not None and result > maximum):
        low = "" if minimum is None else f"{minimum:g}"
        high = "" if maximum is None else f"{maximum:g}"
        span = f"from {low} to {high}" if low and high else (
            f"of at least {low}" if low else f"of at most {high}")
        raise BadValue(f"needs a value {span}, got {show(value)}")


# ------------------------------------------------------------------ declarations
class Option(Generic[T]):
    """One option: how its text becomes a value, its default and what it means.

    Declared as an attribute of an :class:`OptionSet`, it reads as the parsed value
    (or ``default`` when the option was not given).  ``key`` is the name in the
    configuration when it cannot be the attribute's (``LIBUSB_DEBUG``, ``_confdir``).
    A flag (see :func:`flag`) is written alone or as ``key = yes`` / ``no``.
    """

    def __init__(self, parse: Callable[[str], T], default: T, *, help: str = "",
                 key: str | None = None, is_flag: bool = False) -> None:
        self.parse = parse
        self.default = default
        self.help = help
        self.key = key
        self.is_flag = is_flag
        self._attribute: str | None = None

    def __set_name__(self, owner: type, name: str) -> None:
        if self._attribute is not None and self._attribute != name:
            raise TypeError(f"option {self._attribute!r} is declared again as {name!r}")
        self._attribute = name
        if self.key is None:
            self.key = name

    # (noqa: F811 below: ruff does not know upskit.lean.overload for typing's)
    @overload
    def __get__(self, obj: None, owner: type) -> Self: ...
    @overload
    def __get__(self, obj: OptionSet, owner: type) -> T: ...  # noqa: F811
    def __get__(self, obj: OptionSet | None, owner: type) -> Self | T:  # noqa: F811
        if obj is None:
            return self
        assert self.key is not None
        return obj.value(self.key)  # type: ignore[no-any-return]

    def read(self, key: str, given: Given) -> T:
        """The value of ``key = given``; raises :class:`BadOption` naming ``key``."""
        if self.is_flag:
            if given is True:
                return True  # type: ignore[return-value]
            word = parse_bool(given)
            if word is None:
                raise BadOption(key, f'option "{key}" is a flag: write it alone, '
                                     f'or "{key} = yes" / "no"')
            return word  # type: ignore[return-value]
        if isinstance(given, bool):
            raise BadOption(key, f'option "{key}" needs a value ("{key} = ...")')
        try:
            return self.parse(given)
        except BadValue as exc:
            raise BadOption(key, f'option "{key}" {exc}') from None
        except ValueError as exc:
            raise BadOption(key, f'option "{key}" = "{given}": {exc}') from None


def flag(*, help: str = "", key: str | None = None) -> Option[bool]:
    """A flag option: ``False`` unless written alone or with a yes word."""
    return Option(is_yes, False, help=help, key=key, is_flag=True)


class OptionSet(Mapping[str, Given]):
    """The typed options of one layer, parsed once from what the configuration gives.

    Subclasses declare :class:`Option` attributes (and, for names that cannot be
    attributes or come in families, an ``extra`` mapping of name -> option).  A subclass
    inherits the options of its bases.  ``on_problem`` makes parsing lenient: a bad
    value is handed to it and the option keeps its default.
    """

    #: Every option of the set, by name (built from the declarations).
    spec: ClassVar[Mapping[str, Option[Any]]] = {}
    #: Options declared by name only; read them with :meth:`text`, :meth:`flag`, :meth:`value`.
    extra: ClassVar[Mapping[str, Option[Any]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        spec: dict[str, Option[Any]] = {}
        for base in reversed(cls.__mro__[1:]):
            spec.update(getattr(base, "spec", {}))
        for attribute, declared in vars(cls).items():
            if isinstance(declared, Option):
                if hasattr(OptionSet, attribute):
                    raise TypeError(f"option {attribute!r} of {cls.__name__} hides a method")
                spec[declared.key or attribute] = declared
        spec.update(vars(cls).get("extra", {}))
        cls.spec = spec

    def __init__(self, given: Mapping[str, Given] | None = None, *,
                 on_problem: Callable[[BadOption], None] | None = None) -> None:
        self._given: dict[str, Given] = {}
        self._values: dict[str, Any] = {}
        for key, value in (given or {}).items():
            option = self.spec.get(key)
            if option is None:
                continue
            self._given[key] = value
            try:
                self._values[key] = option.read(key, value)
            except BadOption as exc:
                if on_problem is None:
                    raise
                on_problem(exc)

    @classmethod
    def of(cls, options: Mapping[str, Given] | None) -> Self:
        """``options`` when it already is a set of this class, else its keys parsed."""
        return options if isinstance(options, cls) else cls(options)

    @classmethod
    def claims(cls, key: str) -> bool:
        """Whether ``key`` is one of this set's options."""
        return key in cls.spec

    def value(self, key: str) -> Any:
        """The parsed value of ``key``, or its default when it was not given."""
        if key in self._values:
            return self._values[key]
        return self.spec[key].default

    def text(self, key: str) -> str | None:
        """``key``'s value as written (``None`` for an absent option or a bare flag)."""
        given = self._given.get(key)
        return given if isinstance(given, str) else None

    def flag(self, key: str) -> bool:
        """Whether flag ``key`` is set."""
        return is_yes(self._given.get(key))

    # the mapping of the options as written
    def __getitem__(self, key: str) -> Given:
        return self._given[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._given)

    def __len__(self) -> int:
        return len(self._given)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._given!r})"


class NoOptions(OptionSet):
    """The options of a layer that takes none (a port scheme that declares no options)."""
