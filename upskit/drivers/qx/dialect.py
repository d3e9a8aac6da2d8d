"""Q* dialects: a table of items, a claim rule, reply conventions and a canned table.

Each module in :mod:`upskit.drivers.qx.protocols` defines one dialect and registers
it with :func:`register` at import time::

    DIALECT = register(Dialect("megatec", "0.10", ITEMS, Claim(("input.voltage",),
                       vendor=("device.mfr",)), position=10, accepted="ACK",
                       testing=TESTING))

:func:`dialects` imports every module of that package once and returns the
registered dialects in probe order (NUT's position).  A module that is missing or
fails to import is skipped with a log line; detection simply never proposes it.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from upskit.drivers.qx.items import Item, QxFlag

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
    reply, CR included, that means "refused".  ``testing`` is NUT's canned table:
    command without terminator -> reply exactly as sent (CR included), used by the
    simulator's table mode and the tests.  ``skip_with`` maps a ups.conf flag to the
    queries it disables (``{"novendor": ("I",), "norating": ("F",)}``).
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
    testing: Mapping[str, str | bytes] = field(default_factory=dict)
    skip_with: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    options: tuple[str, ...] = ()
    initinfo: InitHook | None = field(default=None, compare=False)

    @property
    def label(self) -> str:
        return f"{self.title or self.name.capitalize()} {self.version}"

    def find(self, name: str, flag: QxFlag | None = None) -> Item | None:
        """The first item called ``name`` (optionally carrying ``flag``)."""
        for item in self.items:
            if item.name == name and (flag is None or item.flags & flag):
                return item
        return None

    def commands(self) -> list[str]:
        return [i.name for i in self.items if i.has(QxFlag.CMD)]


_REGISTRY: dict[str, Dialect] = {}
_loaded = False


def register(dialect: Dialect) -> Dialect:
    """Add ``dialect`` to the registry (a later registration of a name replaces it)."""
    _REGISTRY[dialect.name] = dialect
    return dialect


def _load_all() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    package = importlib.import_module("upskit.drivers.qx.protocols")
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        try:
            importlib.import_module(f"{package.__name__}.{info.name}")
        except Exception:
            log.exception("Q* dialect module %s failed to load; skipping it", info.name)


def dialects() -> list[Dialect]:
    """Every registered dialect, in probe order."""
    _load_all()
    return sorted(_REGISTRY.values(), key=lambda d: (d.position, d.name))


def get_dialect(name: str) -> Dialect | None:
    """The dialect for a ``protocol=`` value (case-insensitive), or None."""
    _load_all()
    return _REGISTRY.get(name.lower())


def module_name(protocol: str) -> str:
    """Module file name for a ``protocol=`` value: ``megatec/old`` -> ``megatec_old``."""
    return protocol.replace("/", "_").replace("-", "_")
