"""The set of devices one process serves, with alias names."""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from upskit.model.device import Device, DeviceSnapshot

log = logging.getLogger(__name__)


class RegistryEventKind(enum.Enum):
    """What changed in a :class:`DeviceRegistry`."""

    ADDED = "added"  # ``name`` was added; ``device`` and its ``snapshot`` come along
    REMOVED = "removed"  # ``name`` was removed (its aliases went first, one event each)
    ALIAS = "alias"  # alias ``name`` now names ``target``, or is gone (``target`` None)


@dataclass(frozen=True, slots=True)
class RegistryEvent:
    """A registry change, delivered synchronously to subscribers.

    On ``ADDED`` a consumer starts from ``snapshot`` and subscribes to ``device``
    for what follows; on ``REMOVED`` it unsubscribes.
    """

    kind: RegistryEventKind
    name: str
    target: str | None = None
    device: Device | None = None
    snapshot: DeviceSnapshot | None = None


RegistryListener = Callable[[RegistryEvent], None]


@dataclass(frozen=True, slots=True)
class RegistrySnapshot:
    """Every device's snapshot in configuration order, and the aliases, sorted."""

    devices: tuple[DeviceSnapshot, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()  # (alias, device name)


class DeviceRegistry:
    """Name -> device, in configuration order, plus extra alias names per device.

    Aliases let one UPS answer to the fixed names some clients insist on
    (``ups`` for Synology, ``qnapups`` for QNAP).  Aliases are listed by ``LIST UPS``
    like real names.  A refused change (duplicate or unknown name) changes nothing.
    """

    def __init__(self) -> None:
        self._devices: dict[str, Device] = {}
        self._aliases: dict[str, str] = {}
        self._listeners: list[RegistryListener] = []

    # ------------------------------------------------------------------ events
    def subscribe(self, listener: RegistryListener) -> Callable[[], None]:
        """Register ``listener`` for added/removed/alias events; returns its undo."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def _emit(self, event: RegistryEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # a consumer bug must not corrupt the registry
                log.exception("registry listener failed on %s %s", event.kind.value, event.name)

    def snapshot(self) -> RegistrySnapshot:
        return RegistrySnapshot(tuple(d.snapshot() for d in self._devices.values()),
                                tuple(sorted(self._aliases.items())))

    # --------------------------------------------------------------- changes
    def add(self, device: Device, aliases: Iterable[str] = ()) -> None:
        aliases = list(aliases)
        self._check_free([device.name, *aliases])
        self._devices[device.name] = device
        if self._listeners:
            self._emit(RegistryEvent(RegistryEventKind.ADDED, device.name, device=device,
                                     snapshot=device.snapshot()))
        for alias in aliases:
            self._set_alias(alias, device.name)

    def add_alias(self, alias: str, target: str) -> None:
        self._check_free([alias])
        if target not in self._devices:
            raise KeyError(f"alias {alias!r} names unknown UPS {target!r}")
        self._set_alias(alias, target)

    def remove(self, name: str) -> Device | None:
        """Forget a device and its aliases; returns it (None if unknown)."""
        if name not in self._devices:
            return None
        self._drop_aliases(name)
        device = self._devices.pop(name)
        self._emit(RegistryEvent(RegistryEventKind.REMOVED, name))
        return device

    def set_aliases(self, name: str, aliases: Iterable[str]) -> None:
        """Replace the alias names of ``name``."""
        aliases = list(aliases)
        if aliases and name not in self._devices:
            raise KeyError(f"aliases {', '.join(aliases)} name unknown UPS {name!r}")
        self._check_free(aliases, own=name)
        self._drop_aliases(name)
        for alias in aliases:
            self._set_alias(alias, name)

    def _check_free(self, names: list[str], own: str | None = None) -> None:
        """Raise ValueError unless every name is new (``own``'s aliases count as free)."""
        seen: set[str] = set()
        for name in names:
            taken = name in self._devices or (
                name in self._aliases and self._aliases[name] != own)
            if taken or name in seen:
                raise ValueError(f"duplicate UPS name {name!r}")
            seen.add(name)

    def _set_alias(self, alias: str, target: str) -> None:
        self._aliases[alias] = target
        self._emit(RegistryEvent(RegistryEventKind.ALIAS, alias, target))

    def _drop_aliases(self, name: str) -> None:
        for alias in self.aliases_of(name):
            del self._aliases[alias]
            self._emit(RegistryEvent(RegistryEventKind.ALIAS, alias))

    # ----------------------------------------------------------------- reading
    def aliases_of(self, name: str) -> list[str]:
        return sorted(a for a, target in self._aliases.items() if target == name)

    def get(self, name: str) -> Device | None:
        device = self._devices.get(name)
        if device is None and name in self._aliases:
            device = self._devices[self._aliases[name]]
        return device

    def names(self) -> list[str]:
        """Every name a client may use, real names first, each group sorted."""
        return sorted(self._devices) + sorted(self._aliases)

    def devices(self) -> list[Device]:
        return list(self._devices.values())

    def __iter__(self) -> Iterator[Device]:
        return iter(self._devices.values())

    def __len__(self) -> int:
        return len(self._devices)

    def __contains__(self, name: object) -> bool:
        return name in self._devices or name in self._aliases
