"""USB ports on pyusb: one device access (:mod:`.access`), device matching
(:mod:`.match`), the Q* bridge chips (:mod:`.bridges`), the bridge port (:mod:`.port`)
and a HID port (:mod:`.hid`).

pyusb itself is imported only when a USB port is used.
"""

from upskit.transport.usb.access import get_default_backend, set_default_backend
from upskit.transport.usb.port import UsbTransport

__all__ = ["UsbTransport", "get_default_backend", "set_default_backend"]
