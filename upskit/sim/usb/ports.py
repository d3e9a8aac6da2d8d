"""``sim://usb/<device>[?options]`` ports: the real USB transport on a simulated bus.

``<device>`` is a bridge name or a named unit from :mod:`upskit.sim.usb.catalog`
(``sim://usb/cypress``, ``sim://usb/ippon-backpro``, ``sim://usb/vultech-v2000``).
The chip fronts the project's Megatec simulator (or a fixed Megatec responder).

Query options:

* ``id``: registry key (default: the URL), so ``usb_bus(key)`` reaches the
  backend and device, and the shared simulator's controls (mains ...) work;
* ``dialect``, ``mains``, ``load``, ``charge``, ``speed``: passed to the UPS simulator;
* ``capture=<file>``: answer from a capture file instead (see ``capture.py``);
* a HID Power Device UPS (``sim://usb/apc-back-ups``, ``cyberpower``,
  ``eaton-ellipse``) is reached through the real pyusb HID port (:func:`make_port`);
  ``mains``, ``load``, ``charge``, ``speed`` set its physics;
* ``chunking=1``, ``late=N``, ``garbage=N``, ``timeouts=N``: chip faults;
* ``realtime=1``: keep the chips' settle pauses (off by default, tests stay fast);
* any USB option (``subdriver``, ``langid_fix`` ...) goes to the transport.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from upskit.config.values import is_yes
from upskit.sim.base import CommandResponder
from upskit.sim.usb.backend import SimBackend
from upskit.sim.usb.catalog import FORCED, build, is_hid_ups
from upskit.sim.usb.device import SimUsbDevice
from upskit.transport.base import Port, Transport

_BUSES: dict[str, SimBus] = {}
_LOCK = threading.Lock()

#: Query keys meant for the UPS simulator rather than the USB side.
UPS_KEYS = ("dialect", "mains", "load", "charge", "speed", "fault", "delay", "mode")
#: Query keys meant for the chip.
CHIP_KEYS = ("capture", "chunking", "late", "garbage", "timeouts", "realtime", "id")


@dataclass
class SimBus:
    """A simulated USB bus with its devices (what a test pokes at)."""

    backend: SimBackend
    devices: list[SimUsbDevice]

    @property
    def device(self) -> SimUsbDevice:
        return self.devices[0]

    def transport(self, options: Mapping[str, Any] | None = None, url: str = "auto") -> Any:
        """A real :class:`~upskit.transport.usb.UsbTransport` on this bus."""
        from upskit.transport.usb import UsbTransport

        return UsbTransport(url, dict(options or {}), backend=self.backend)

    def unplug(self, index: int = 0) -> None:
        self.devices[index].unplug()

    def replug(self, index: int = 0) -> None:
        self.backend.replug(self.devices[index])


def simulated_bus(*names: str, responder: CommandResponder | None = None,
                  responders: list[CommandResponder | None] | None = None,
                  realtime: bool = False) -> SimBus:
    """A bus with one device per name (bridge or catalog name), each with a responder.

    ``responder`` is shared by all devices; ``responders`` gives one per device.
    """
    backend = SimBackend()
    if realtime:
        backend.pause_scale = 1.0
    devices = []
    for i, name in enumerate(names):
        chosen = responders[i] if responders is not None else responder
        devices.append(backend.add(build(name, chosen)))
    return SimBus(backend, devices)


def usb_bus(key: str) -> SimBus:
    """The bus registered by a ``sim://usb/...`` URL (its ``id`` or the URL)."""
    with _LOCK:
        return _BUSES[key]


def forget(key: str | None = None) -> None:
    with _LOCK:
        if key is None:
            _BUSES.clear()
        else:
            _BUSES.pop(key, None)


def _bus_for(url: str, name: str, query: dict[str, str]) -> SimBus:
    from upskit.sim.usb.capture import load_capture
    from upskit.sim.usb.responder import megatec_responder

    key = query.get("id", url)
    with _LOCK:
        bus = _BUSES.get(key)
        if bus is not None:
            return bus
    if is_hid_ups(name):
        return _hid_bus(key, name, query)
    ups = {k: v for k, v in query.items() if k in UPS_KEYS}
    responder = megatec_responder(ups, key=key)
    bus = simulated_bus(name, responder=None if name.startswith("energizer") and not ups
                        else responder, realtime=is_yes(query.get("realtime")))
    device = bus.device
    faults = device.faults
    faults.chunking = is_yes(query.get("chunking"))
    faults.late = int(query.get("late", "0"))
    faults.garbage = int(query.get("garbage", "0"))
    faults.timeouts = int(query.get("timeouts", "0"))
    if "capture" in query:
        device.load_capture(load_capture(query["capture"]).groups)
    with _LOCK:
        return _BUSES.setdefault(key, bus)


def _hid_bus(key: str, name: str, query: dict[str, str]) -> SimBus:
    """A HID Power Device UPS whose physics takes ``mains``, ``load``, ``charge`` and
    ``speed`` from the URL, read as the plain simulators read them (a bad value raises
    ValueError naming the option)."""
    from upskit.sim import ports as sim_ports
    from upskit.sim.usb.hidups import HidUpsDevice

    given = sim_ports.build_device("megatec", {k: v for k, v in query.items()
                                              if k in ("mains", "load", "charge", "speed")})
    bus = simulated_bus(name)
    device = bus.device
    assert isinstance(device, HidUpsDevice)
    physics = device.physics
    physics.speed = given.physics.speed
    physics.mains = given.physics.mains
    if "load" in query:
        physics.load = given.physics.load
    physics.charge = min(1.0, given.physics.charge)
    with _LOCK:
        return _BUSES.setdefault(key, bus)


def make_transport(url: str, options: Mapping[str, Any]) -> Transport:
    """Port factory for ``sim://usb/<device>[?options]`` (called by ``upskit.sim.urls``)."""
    from upskit.transport.usb import UsbTransport

    parts = urlsplit(url)
    path = (parts.netloc + parts.path).strip("/")
    name = path.split("/", 1)[1] if "/" in path else "cypress"
    query = dict(parse_qsl(parts.query))
    bus = _bus_for(url, name.lower(), query)
    merged: dict[str, Any] = {k: v for k, v in query.items()
                              if k not in UPS_KEYS and k not in CHIP_KEYS}
    merged.update(options)
    forced = FORCED.get(name.lower())
    if forced and "subdriver" not in {k.lower() for k in merged}:
        spec = bus.device.spec
        merged.update(subdriver=forced, vendorid=f"{spec.vendorid:04x}",
                      productid=f"{spec.productid:04x}")
    transport = UsbTransport("auto", merged, backend=bus.backend)
    transport.url = url
    return transport


def _captured_port(url: str, query: dict[str, str]) -> Port:
    """``sim://usb/hid?capture=PATH``: the HID device a NUT usbhid-ups debug log shows
    (a report the log never read answers zeros of the length the ``Path`` lines imply,
    else of the length the driver asks, which it takes from the descriptor)."""
    from upskit.sim.usb.hidcapture import CapturedHidPort, CaptureError, load_nut_log

    path = query.get("capture")
    if not path:
        raise CaptureError(f"{url}: needs capture=PATH, a NUT usbhid-ups debug log (-DDD)")
    port = CapturedHidPort(load_nut_log(path), url)
    if port.skipped:
        import logging

        logging.getLogger(__name__).warning(
            "%s: %d field(s) of the log name a usage no table knows and are left out: %s",
            path, len(port.skipped), "; ".join(port.skipped[:5])
            + (" ..." if len(port.skipped) > 5 else ""))
    return port


def make_port(url: str, options: Mapping[str, Any]) -> Port:
    """Port factory for ``sim://usb/<device>``: the real pyusb HID port for a HID Power
    Device UPS (``sim://usb/apc-back-ups``), a NUT debug log as a HID device
    (``sim://usb/hid?capture=PATH``), else the Q* bridge transport."""
    from upskit.transport.usb.hid import UsbHidPort

    parts = urlsplit(url)
    path = (parts.netloc + parts.path).strip("/")
    name = path.split("/", 1)[1].lower() if "/" in path else ""
    if name == "hid":
        return _captured_port(url, dict(parse_qsl(parts.query)))
    if not is_hid_ups(name):
        return make_transport(url, options)
    query = dict(parse_qsl(parts.query))
    bus = _bus_for(url, name, query)
    merged: dict[str, Any] = {k: v for k, v in query.items()
                              if k not in UPS_KEYS and k not in CHIP_KEYS}
    merged.update(options)
    spec = bus.device.spec
    port = UsbHidPort(f"usb://{spec.vendorid:04x}:{spec.productid:04x}", merged,
                      backend=bus.backend)
    port.url = url
    return port
