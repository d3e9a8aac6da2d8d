"""USB ports on pyusb: one device access (:mod:`.access`), device matching
(:mod:`.match`), the Q* bridge chips (:mod:`.bridges`), the bridge port (:mod:`.port`),
a HID port (:mod:`.hid`) and the ups.conf options of a USB port (:mod:`.options`).

pyusb itself is imported only when a USB port is used, and the modules of this package
only when one of their names is: a driver that checks USB options loads
:mod:`.options` alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from upskit.transport.usb.access import get_default_backend, set_default_backend
    from upskit.transport.usb.port import UsbTransport

__all__ = ["UsbTransport", "get_default_backend", "set_default_backend"]

_LAZY = {
    "UsbTransport": "upskit.transport.usb.port",
    "get_default_backend": "upskit.transport.usb.access",
    "set_default_backend": "upskit.transport.usb.access",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
