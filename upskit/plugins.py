"""One plugin registry for every kind of name upskit resolves at run time.

Driver names, port URL schemes, USB bridges, Q* dialects, simulators and CLI
subcommands are all "a name -> ``module:attribute``" table, loaded lazily so that a
process imports only what its configuration uses.  A third-party package adds its own
entries through Python entry points, as python-can does for its bus backends::

    [project.entry-points."upskit.drivers"]
    my-ups = "my_package.driver:MyDriver"

Every registry answers a wrong name the same way: one :class:`UnknownPlugin` error that
lists the known names and suggests the closest one.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from typing import Generic, TypeVar

T = TypeVar("T")

#: The entry-point groups upskit reads, by registry kind.
ENTRY_POINT_PREFIX = "upskit."


class UnknownPlugin(LookupError, ValueError):
    """A name that no registry entry (built in or installed) answers to."""

    def __init__(self, kind: str, name: str, known: list[str]) -> None:
        self.kind = kind
        self.name = name
        self.known = known
        import difflib  # only when a name is wrong

        close = difflib.get_close_matches(name.lower(), [k.lower() for k in known], n=1)
        #: The closest known name, if any is close.
        self.suggestion = close[0] if close else None
        hint = f"; did you mean {close[0]!r}?" if close else ""
        listed = ", ".join(known) if known else "none"
        super().__init__(f"unknown {kind} {name!r} (known: {listed}){hint}")


class PluginUnavailable(LookupError):
    """A known name whose code cannot be loaded here (a missing optional dependency)."""


class PluginRegistry(Generic[T]):
    """Names -> objects of one kind, resolved lazily from ``"module:attribute"`` targets.

    ``kind`` names the registry in messages ("driver", "port scheme", ...).  Built-in
    entries come from ``builtins``; entries of the entry-point group
    ``upskit.<group>`` are read the first time a name is not found or the names are
    listed.  ``check`` validates a loaded object (raise ``TypeError`` to refuse it).
    ``extras`` maps a missing top-level module to the pip extra that provides it, so
    that an ImportError becomes "install upskit[usb]".  Names are case-insensitive
    unless ``casefold`` is false.
    """

    def __init__(self, kind: str, group: str, builtins: Mapping[str, str | T] | None = None,
                 *, check: Callable[[object], T] | None = None,
                 extras: Mapping[str, str] | None = None, casefold: bool = True) -> None:
        self.kind = kind
        self.group = ENTRY_POINT_PREFIX + group
        self._check = check
        self._extras = dict(extras or {})
        self._casefold = casefold
        self._builtins: dict[str, str | T] = {self._key(k): v for k, v in (builtins or {}).items()}
        self._entries: dict[str, str | T] = dict(self._builtins)
        self._loaded: dict[str, T] = {}
        self._entry_points_read = False

    def _key(self, name: str) -> str:
        return name.lower() if self._casefold else name

    # ------------------------------------------------------------ entries
    def register(self, name: str, target: str | T) -> None:
        """Add or replace ``name``; ``target`` is an object or ``"module:attribute"``."""
        key = self._key(name)
        self._entries[key] = target
        self._loaded.pop(key, None)

    def unregister(self, name: str) -> None:
        """Drop ``name`` (no error when it is absent)."""
        key = self._key(name)
        self._entries.pop(key, None)
        self._loaded.pop(key, None)

    def reset(self) -> None:
        """Forget every run-time registration and installed entry point (for tests)."""
        from upskit.entrypoints import forget

        self._entries = dict(self._builtins)
        self._loaded.clear()
        self._entry_points_read = False
        forget()

    def _read_entry_points(self) -> None:
        if self._entry_points_read:
            return
        self._entry_points_read = True
        from upskit.entrypoints import entry_points

        try:
            found = entry_points(self.group)
        except Exception as exc:  # a broken installed distribution must not stop upskit
            import logging  # not at start-up: ``upskit get`` never needs it

            logging.getLogger(__name__).warning("cannot read %s plugins: %s", self.group, exc)
            return
        for name, value in found:
            self._entries.setdefault(self._key(name), value)

    def names(self) -> list[str]:
        """Every known name, sorted (built in, registered and installed)."""
        self._read_entry_points()
        return sorted(self._entries)

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        key = self._key(name)
        if key not in self._entries:
            self._read_entry_points()
        return key in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def target(self, name: str) -> str | T:
        """The raw entry for ``name`` (raises :class:`UnknownPlugin`)."""
        key = self._key(name)
        if key not in self._entries:
            self._read_entry_points()
        try:
            return self._entries[key]
        except KeyError:
            raise UnknownPlugin(self.kind, name, self.names()) from None

    # ------------------------------------------------------------ loading
    def load(self, name: str) -> T:
        """The object for ``name``, imported on first use.

        Raises :class:`UnknownPlugin` for a name nobody registered and
        :class:`PluginUnavailable` when its module cannot be imported here.
        """
        key = self._key(name)
        if key in self._loaded:
            return self._loaded[key]
        target = self.target(name)
        obj: object = _resolve(target, self.kind, name, self._extras) if isinstance(
            target, str) else target
        if self._check is not None:
            try:
                value = self._check(obj)
            except TypeError as exc:
                raise PluginUnavailable(f"{self.kind} {name!r}: {exc}") from exc
        else:
            value = obj  # type: ignore[assignment]
        self._loaded[key] = value
        return value


def _resolve(target: str, kind: str, name: str, extras: Mapping[str, str]) -> object:
    module_name, _, attr = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        missing = (exc.name or "").split(".")[0]
        extra = extras.get(missing)
        if extra:
            raise PluginUnavailable(
                f"{kind} {name!r} needs the Python package {missing!r}: "
                f"install it with pip install 'upskit[{extra}]'") from exc
        raise PluginUnavailable(f"{kind} {name!r} cannot be loaded: {exc}") from exc
    if not attr:
        return module
    obj: object = module
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError as exc:
            raise PluginUnavailable(
                f"{kind} {name!r}: {module_name} has no attribute {attr!r}") from exc
    return obj


def subclass_of(base: type[T]) -> Callable[[object], type[T]]:
    """A ``check`` for registries whose entries are classes derived from ``base``."""

    def check(obj: object) -> type[T]:
        if isinstance(obj, type) and issubclass(obj, base):
            return obj
        raise TypeError(f"{obj!r} is not a subclass of {base.__name__}")

    return check


def callable_check(obj: object) -> Callable[..., object]:
    """A ``check`` for registries whose entries are factories."""
    if callable(obj):
        return obj
    raise TypeError(f"{obj!r} is not callable")
