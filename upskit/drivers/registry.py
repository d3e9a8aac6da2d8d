"""Driver names (NUT's and upskit's) -> driver classes, imported lazily.

The names live in the ``driver`` plugin registry: a third-party package adds its own
driver through the entry-point group ``upskit.drivers``.
"""

from __future__ import annotations

from upskit.config.settings import UpsSettings
from upskit.drivers.base import Driver
from upskit.plugins import PluginRegistry, PluginUnavailable, UnknownPlugin, subclass_of

#: ups.conf ``driver =`` value -> ``module:Class``.  NUT names map to the upskit
#: driver that serves the same devices.
DRIVERS: PluginRegistry[type[Driver]] = PluginRegistry(
    "driver", "drivers",
    {
        "dummy-ups": "upskit.drivers.dummy.driver:DummyDriver",
        "dummy": "upskit.drivers.dummy.driver:DummyDriver",
        "nutdrv_qx": "upskit.drivers.qx.driver:QxDriver",
        "blazer_ser": "upskit.drivers.qx.driver:QxDriver",
        "blazer_usb": "upskit.drivers.qx.driver:QxDriver",
        "qx": "upskit.drivers.qx.driver:QxDriver",
        "usbhid-ups": "upskit.drivers.hid.driver:HidDriver",
        "genericups": "upskit.drivers.contact.driver:ContactDriver",
        "snmp-ups": "upskit.drivers.snmp.driver:SnmpDriver",
    },
    check=subclass_of(Driver), casefold=False,  # type: ignore[type-abstract]
)

#: NUT drivers whose upskit counterpart is planned but not written yet.
NOT_IMPLEMENTED: frozenset[str] = frozenset()


class UnknownDriver(LookupError):
    """The driver name is not one upskit knows, or its code cannot be loaded here."""


def known_drivers() -> list[str]:
    """Every driver name a ups.conf may use here (built in and installed)."""
    return DRIVERS.names()


def register_driver(name: str, target: str | type[Driver]) -> None:
    """Add or replace a driver name; ``target`` may be ``"module:Class"``."""
    DRIVERS.register(name, target)


def driver_class(name: str) -> type[Driver]:
    """Return the class for a ups.conf driver name, raising :class:`UnknownDriver`."""
    try:
        return DRIVERS.load(name)
    except UnknownPlugin as exc:
        if name in NOT_IMPLEMENTED:
            raise UnknownDriver(
                f"driver {name!r} is not implemented in this version of upskit "
                f"(available: {', '.join(exc.known)})") from None
        raise UnknownDriver(str(exc)) from None
    except PluginUnavailable as exc:
        raise UnknownDriver(str(exc)) from exc


def driver_class_for(ups: UpsSettings) -> type[Driver]:
    """The class serving ``ups``: NUT's own program when the section asks for it or
    names a NUT driver upskit lacks (:mod:`upskit.drivers.nutsock`), else ``driver``'s."""
    from upskit.drivers.nutsock.driver import NutSocketDriver, wants_nut_program

    if wants_nut_program(ups, native=ups.driver in DRIVERS):
        return NutSocketDriver
    return driver_class(ups.driver)


def checked_driver_class(ups: UpsSettings) -> type[Driver]:
    """The driver class of ``ups`` once its options passed the driver's check.

    Raises :class:`UnknownDriver`, or :class:`~upskit.drivers.options.OptionError` naming
    the file and line of an option the driver does not accept or a value of the wrong form.
    """
    cls = driver_class_for(ups)
    cls.parse_options(ups.options, ups)
    return cls
