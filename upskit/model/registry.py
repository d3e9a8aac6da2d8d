"""The set of devices one process serves, with alias names."""

from __future__ import annotations

from collections.abc import Iterator

from upskit.model.device import Device


class DeviceRegistry:
    """Name -> device, in configuration order, plus extra alias names per device.

    Aliases let one UPS answer to the fixed names some clients insist on
    (``ups`` for Synology, ``qnapups`` for QNAP).  Aliases are listed by ``LIST UPS``
    like real names.
    """

    def __init__(self) -> None:
        self._devices: dict[str, Device] = {}
        self._aliases: dict[str, str] = {}

    def add(self, device: Device, aliases: tuple[str, ...] | list[str] = ()) -> None:
        if device.name in self._devices or device.name in self._aliases:
            raise ValueError(f"duplicate UPS name {device.name!r}")
        self._devices[device.name] = device
        for alias in aliases:
            self.add_alias(alias, device.name)

    def add_alias(self, alias: str, target: str) -> None:
        if alias in self._devices or alias in self._aliases:
            raise ValueError(f"duplicate UPS name {alias!r}")
        if target not in self._devices:
            raise KeyError(f"alias {alias!r} names unknown UPS {target!r}")
        self._aliases[alias] = target

    def remove(self, name: str) -> Device | None:
        """Forget a device and its aliases; returns it (None if unknown)."""
        device = self._devices.pop(name, None)
        if device is not None:
            self.set_aliases(name, ())
        return device

    def aliases_of(self, name: str) -> list[str]:
        return sorted(a for a, target in self._aliases.items() if target == name)

    def set_aliases(self, name: str, aliases: tuple[str, ...] | list[str]) -> None:
        """Replace the alias names of ``name``."""
        for alias in self.aliases_of(name):
            del self._aliases[alias]
        for alias in aliases:
            self.add_alias(alias, name)

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
