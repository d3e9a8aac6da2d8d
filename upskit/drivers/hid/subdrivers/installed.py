"""HID subdrivers from other packages: the ``upskit.hid_subdrivers`` entry-point group.

A subdriver written by ``upskit hid generate`` (or by hand) becomes part of
``usbhid-ups`` when a package declares it::

    [project.entry-points."upskit.hid_subdrivers"]
    acme = "acme_ups.acme:SUBDRIVER"

Installed subdrivers are asked before the built-in ones (a user adds one to serve a
unit better than the shipped table does). One that cannot be loaded is logged and left
out: the driver goes on with the others.
"""

from __future__ import annotations

import logging

from upskit.drivers.hid.subdriver import Subdriver
from upskit.plugins import PluginRegistry, PluginUnavailable

log = logging.getLogger(__name__)


def _subdriver(obj: object) -> Subdriver:
    if isinstance(obj, Subdriver):
        return obj
    raise TypeError(f"{obj!r} is not a HID Subdriver")


#: Installed subdriver name -> its Subdriver object.
HID_SUBDRIVERS: PluginRegistry[Subdriver] = PluginRegistry(
    "HID subdriver", "hid_subdrivers", check=_subdriver)


def installed() -> list[Subdriver]:
    """The installed (and run-time registered) subdrivers that load, by name."""
    found: list[Subdriver] = []
    for name in HID_SUBDRIVERS.names():
        try:
            found.append(HID_SUBDRIVERS.load(name))
        except (PluginUnavailable, LookupError) as exc:
            log.warning("HID subdriver %r left out: %s", name, exc)
        except Exception as exc:  # a plugin module that raises while being imported
            log.warning("HID subdriver %r left out: %s: %s", name, type(exc).__name__, exc)
    return found
