"""Simulated USB devices: a pyusb backend and every bridge chip behind it.

``simulated_bus("cypress", responder=...)`` builds a bus for tests;
``sim://usb/<device>`` URLs (see :mod:`upskit.sim.usb.ports`) give the real USB
transport on such a bus.
"""

from __future__ import annotations

from upskit.transport.usbsupport import require_pyusb

require_pyusb()  # the simulated devices sit behind the real pyusb: say what to install

from upskit.sim.usb.ports import SimBus, simulated_bus, usb_bus  # noqa: E402

__all__ = ["SimBus", "simulated_bus", "usb_bus"]
