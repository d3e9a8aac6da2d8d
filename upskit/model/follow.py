"""Following every device of a registry: the subscription bookkeeping the exporters share."""

from __future__ import annotations

from collections.abc import Callable

from upskit.model.device import Device, Listener
from upskit.model.registry import DeviceRegistry, RegistryEvent, RegistryEventKind


class DeviceFollower:
    """Keeps ``listener`` subscribed to every device of ``registry``, the devices there at
    :meth:`start` and those added later, until :meth:`stop`.

    ``watched(device)`` runs after each subscription (start or ``ADDED``),
    ``removed(name)`` after a removed device's subscription is undone.
    """

    def __init__(self, registry: DeviceRegistry, listener: Listener, *,
                 watched: Callable[[Device], None] | None = None,
                 removed: Callable[[str], None] | None = None) -> None:
        self.registry = registry
        self._listener = listener
        self._watched = watched
        self._removed = removed
        self._undo: dict[str, Callable[[], None]] = {}
        self._undo_registry: Callable[[], None] | None = None

    def start(self) -> None:
        self._undo_registry = self.registry.subscribe(self._on_registry)
        for device in self.registry:
            self._watch(device)

    def stop(self) -> None:
        if self._undo_registry is not None:
            self._undo_registry()
            self._undo_registry = None
        for undo in self._undo.values():
            undo()
        self._undo.clear()

    def _watch(self, device: Device) -> None:
        old = self._undo.pop(device.name, None)
        if old is not None:
            old()
        self._undo[device.name] = device.subscribe(self._listener)
        if self._watched is not None:
            self._watched(device)

    def _on_registry(self, event: RegistryEvent) -> None:
        if event.kind is RegistryEventKind.ADDED and event.device is not None:
            self._watch(event.device)
        elif event.kind is RegistryEventKind.REMOVED:
            undo = self._undo.pop(event.name, None)
            if undo is not None:
                undo()
            if self._removed is not None:
                self._removed(event.name)
