"""The one way a UPS section of ups.conf becomes a driver (the runtime and killpower).

The section's options are split and parsed here, once: the driver receives its own
keys typed, its port the keys of the port's scheme (see
:func:`~upskit.drivers.options.split_options`).
"""

from __future__ import annotations

from upskit.config.settings import Settings, UpsSettings
from upskit.drivers.base import Driver
from upskit.drivers.context import DriverContext
from upskit.drivers.registry import driver_class_for
from upskit.model import Device

#: ups.conf global settings that every driver inherits unless its section sets them
#: (``maxretry`` and ``retrydelay`` belong to upsdrvctl: NUT's drivers never see them).
INHERITED_GLOBALS = ("pollinterval", "synchronous")


def driver_options(settings: Settings, ups: UpsSettings) -> dict[str, str | bool]:
    """The options one driver sees: inherited globals, its section, runtime hints."""
    options: dict[str, str | bool] = {}
    for key in INHERITED_GLOBALS:
        if key in settings.ups.globals:
            options[key] = settings.ups.globals[key]
    options.update(ups.options)
    options.setdefault("port", ups.port)
    if settings.source:
        options["_confdir"] = settings.source
    return options


def driver_setup(settings: Settings, ups: UpsSettings) -> tuple[str, dict[str, str | bool]]:
    """What a running driver depends on: a change means it must be restarted."""
    return ups.driver, driver_options(settings, ups)


def build_driver(settings: Settings, ups: UpsSettings, device: Device,
                 context: DriverContext | None = None) -> Driver:
    """The driver named in ``ups`` for ``device``, with its options and ``context``.

    Raises :class:`~upskit.drivers.registry.UnknownDriver` for a name no driver answers
    to, :class:`~upskit.drivers.options.OptionError` (a ``ConfigError`` naming file and
    line) for an option no layer takes or a value of the wrong form, and ``ValueError``
    for a driver that cannot work with its options.
    """
    cls = driver_class_for(ups)
    options = cls.parse_options(driver_options(settings, ups), ups)
    return cls(device, options, config_name=ups.driver, context=context)
