"""Device drivers: one package per family, each a subclass of :class:`Driver`."""

from upskit.drivers.base import CommunicationError, Driver, DriverOptions
from upskit.drivers.registry import driver_class, known_drivers

__all__ = ["CommunicationError", "Driver", "DriverOptions", "driver_class", "known_drivers"]
