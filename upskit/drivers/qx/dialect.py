"""Q* dialects: a table of items, a claim rule and reply conventions.

Each module in :mod:`upskit.drivers.qx.protocols` defines one dialect as ``DIALECT``::

    DIALECT = Dialect("megatec", "0.10", ITEMS, Claim(("input.voltage",),
                      vendor=("device.mfr",)), position=10, accepted="ACK")

:data:`DIALECTS` is the ``protocol=`` plugin registry: a module is imported only when
its dialect is named or detection needs it, and a third-party package adds a dialect
through the entry-point group ``upskit.dialects`` (a ``Dialect`` or a module defining
``DIALECT``; its ``position`` places it in the probe order)::

    [project.entry-points."upskit.dialects"]
    acme = "acme_ups.dialect:DIALECT"

:func:`dialects` returns every dialect in probe order (NUT's position); one that
fails to load is skipped with a log line, so detection simply never proposes it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Protocol

from upskit.drivers.qx.items import Item, QxFlag
from upskit.plugins import PluginRegistry, PluginUnavailable, UnknownPlugin

log = logging.getLogger(__name__)

#: NUT's probe order of ``protocol=`` names; a dialect's ``position`` is its number here.
PROBE_ORDER: tuple[str, ...] = (
    "omron", "voltronic", "voltronic-axpert", "voltronic-qs", "voltronic-qs-hex",
    "mustek", "megatec/old", "bestups", "mecer", "megatec", "zinto", "masterguard",
    "hunnox", "ablerex", "innovart31", "innovart33", "innovatae", "q2", "q6", "gtec", "q1",
)  # fmt: skip


class Prober(Protocol):
    """What a claim rule may do during auto-detection.

    Replies are cached per detection pass: asking for a query another dialect
    already sent costs nothing.
    """

    async def item(self, name: str) -> str | None:
        """Process the dialect's item ``name``; its converted value, or None on failure."""

    async def query(self, command: str) -> str | None:
        """Send ``command`` (no terminator); the decoded reply with CR, None if none/rejected."""

    def option(self, key: str) -> str | None: ...

    def flag(self, key: str) -> bool: ...

    def device_value(self, name: str) -> str | None:
        """A variable already known before detection (``ups.vendorid`` from USB)."""


ClaimCheck = Callable[[Prober], Awaitable[bool]]


@dataclass(frozen=True, slots=True)
class Claim:
    """How a dialect recognises its device.

    By default every item in ``items`` must be read and converted successfully,
    then (unless the ``novendor`` flag is set) every item in ``vendor``.  A
    ``check`` function replaces that rule entirely for unusual dialects.
    """

    items: tuple[str, ...] = ()
    vendor: tuple[str, ...] = ()
    check: ClaimCheck | None = field(default=None, compare=False)

    async def __call__(self, prober: Prober) -> bool:
        if self.check is not None:
            return await self.check(prober)
        for name in self.items:
            if await prober.item(name) is None:
                return False
        if prober.flag("novendor"):
            return True
        for name in self.vendor:
            if await prober.item(name) is None:
                return False
        return True


#: Called once after the init walk (NUT's subdriver ``initinfo``).
InitHook = Callable[["Dialect", "DialectHost"], None]


class DialectHost(Protocol):
    """What a dialect's ``initinfo`` hook may touch."""

    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str) -> None: ...

    def option(self, key: str) -> str | None: ...

    def flag(self, key: str) -> bool: ...

    def delete_command(self, name: str) -> None:
        """Withdraw an instant command the device turned out not to support."""


@dataclass(frozen=True, slots=True)
class Dialect:
    """One Q* protocol: NUT's ``subdriver_t`` as data.

    ``name`` is the ``protocol=`` value; ``title`` the human name used in
    ``driver.version.data`` ("Megatec 0.10").  ``accepted`` is the command reply
    (after ``start``..``end`` extraction) that means success; ``rejected`` the raw
    reply, CR included, that means "refused".  ``skip_with`` maps a ups.conf flag to the
    queries it disables (``{"novendor": ("I",), "norating": ("F",)}``).  NUT's canned
    tables (what a device of the dialect answers) live with the simulators, in
    :mod:`upskit.sim.canned`.
    ``options`` lists dialect-specific ups.conf options (for help and validation).
    """

    name: str
    version: str
    items: tuple[Item, ...]
    claim: Claim
    position: int
    title: str = ""
    accepted: str = ""
    rejected: str = ""
    terminator: str = "\r"
    skip_with: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    options: tuple[str, ...] = ()
    initinfo: InitHook | None = field(default=None, compare=False)

    @property
    def label(self) -> str:
        return f"{self.title or self.name.capitalize()} {self.version}"

    def find(self, name: str, flag: QxFlag | None = None) -> Item | None:
        """The first item called ``name`` (optionally carrying ``flag``)."""
        for item in self.items:
            if item.name == name and (flag is None or item.has(flag)):
                return item
        return None

    def commands(self) -> list[str]:
        return [i.name for i in self.items if i.has(QxFlag.CMD)]


def _dialect_of(obj: object) -> Dialect:
    """The registry's check: a :class:`Dialect`, or a module defining ``DIALECT``."""
    if isinstance(obj, ModuleType):
        obj = getattr(obj, "DIALECT", obj)
    if isinstance(obj, Dialect):
        return obj
    raise TypeError(f"{obj!r} is not a Q* Dialect (nor a module defining DIALECT)")


#: ``protocol=`` name -> its dialect (entry-point group ``upskit.dialects``); the
#: built-in ones are the ``DIALECT`` of each module of :mod:`upskit.drivers.qx.protocols`.
DIALECTS: PluginRegistry[Dialect] = PluginRegistry(
    "Q* protocol", "dialects",
    {name: f"upskit.drivers.qx.protocols.{name.replace('/', '_').replace('-', '_')}:DIALECT"
     for name in PROBE_ORDER},
    check=_dialect_of,
)

#: Names whose failure to load was already logged (detection runs at every reconnect).
_reported: set[str] = set()


def load_dialect(name: str) -> Dialect:
    """The dialect for a ``protocol=`` value (case-insensitive), imported on first use.

    Raises :class:`~upskit.plugins.UnknownPlugin` (listing the known names) for a name
    nobody provides, and :class:`~upskit.plugins.PluginUnavailable` for one whose module
    fails to load or defines a dialect of another name.
    """
    try:
        dialect = DIALECTS.load(name)
    except (UnknownPlugin, PluginUnavailable):
        raise
    except Exception as exc:  # a plugin module that raises while being imported
        raise PluginUnavailable(f"{DIALECTS.kind} {name!r} failed to load: {exc}") from exc
    if dialect.name.lower() != name.lower():
        raise PluginUnavailable(f"{DIALECTS.kind} {name!r} loads a dialect named "
                                f"{dialect.name!r}")
    return dialect


def dialects() -> list[Dialect]:
    """Every dialect that loads (built in and installed), in probe order.

    One that fails to load is skipped with a log line: detection never proposes it.
    """
    found = []
    for name in DIALECTS.names():
        try:
            found.append(load_dialect(name))
        except PluginUnavailable as exc:
            if name not in _reported:
                _reported.add(name)
                log.error("%s; skipping it", exc)
    return sorted(found, key=lambda d: (d.position, d.name))


def get_dialect(name: str) -> Dialect | None:
    """The dialect for a ``protocol=`` value, or None when it is unknown or unavailable."""
    try:
        return load_dialect(name)
    except LookupError:
        return None
