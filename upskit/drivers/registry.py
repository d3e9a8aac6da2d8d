"""Driver names (NUT's and upskit's) -> driver classes, imported lazily."""

from __future__ import annotations

import importlib

from upskit.config.settings import UpsSettings
from upskit.drivers.base import Driver
from upskit.drivers.options import check_options

#: ups.conf ``driver =`` value -> ``module:Class``.  NUT names map to the upskit
#: driver that serves the same devices.
_DRIVERS: dict[str, str] = {
    "dummy-ups": "upskit.drivers.dummy.driver:DummyDriver",
    "dummy": "upskit.drivers.dummy.driver:DummyDriver",
    "nutdrv_qx": "upskit.drivers.qx.driver:QxDriver",
    "blazer_ser": "upskit.drivers.qx.driver:QxDriver",
    "blazer_usb": "upskit.drivers.qx.driver:QxDriver",
    "qx": "upskit.drivers.qx.driver:QxDriver",
    "usbhid-ups": "upskit.drivers.hid.driver:HidDriver",
    "snmp-ups": "upskit.drivers.snmp.driver:SnmpDriver",
    "genericups": "upskit.drivers.contact.driver:ContactDriver",
}


class UnknownDriver(LookupError):
    """The driver name is not one upskit knows or not available yet."""


def known_drivers() -> list[str]:
    return sorted(_DRIVERS)


def register_driver(name: str, target: str) -> None:
    _DRIVERS[name] = target


def driver_class(name: str) -> type[Driver]:
    """Return the class for a ups.conf driver name, raising :class:`UnknownDriver`."""
    target = _DRIVERS.get(name)
    if target is None:
        raise UnknownDriver(
            f"unknown driver {name!r} (known: {', '.join(known_drivers())})"
        )
    module, _, attr = target.partition(":")
    try:
        cls = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as exc:
        raise UnknownDriver(f"driver {name!r} is not available: {exc}") from exc
    if not (isinstance(cls, type) and issubclass(cls, Driver)):
        raise UnknownDriver(f"driver {name!r} does not name a Driver class")
    return cls


def checked_driver_class(ups: UpsSettings) -> type[Driver]:
    """The driver class of ``ups`` once its options passed the driver's check.

    Raises :class:`UnknownDriver`, or :class:`~upskit.drivers.options.OptionError` naming
    the file and line of an option the driver does not accept or a value of the wrong form.
    """
    cls = driver_class(ups.driver)
    check_options(ups.driver, cls.ups_options, ups)
    return cls
