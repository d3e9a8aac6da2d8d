"""Port URL -> port, like pyserial's ``serial_for_url``.

A plain path (``/dev/ttyUSB0``) is a serial port; ``auto`` and ``usb://...`` pick a
USB bridge; ``sim://<name>`` a simulated device; ``replay://<file>`` a capture.
Schemes live in the ``ports`` plugin registry (entry-point group ``upskit.ports``), so
a third-party package can add its own; factories are imported on first use, so a
daemon loads only what its ports need.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from upskit.plugins import PluginRegistry, PluginUnavailable, callable_check
from upskit.transport.base import Transport

Factory = Callable[[str, Mapping[str, Any]], Transport]

#: URL scheme -> port factory ``(url, options) -> port``.
PORT_SCHEMES: PluginRegistry[Callable[..., object]] = PluginRegistry(
    "port scheme", "ports",
    {
        "serial": "upskit.transport.serial:make_transport",
        "sim": "upskit.sim.urls:make_transport",
        "replay": "upskit.sim.replay:make_transport",
        "usb": "upskit.transport.usb.port:make_transport",
        "auto": "upskit.transport.usb.port:make_transport",
    },
    check=callable_check, extras={"usb": "usb", "serial": "serial"},
)


class PortUnavailable(PluginUnavailable, ValueError):
    """A known port scheme whose code cannot run here (pyusb missing ...)."""


def register_scheme(scheme: str, factory: str | Factory) -> None:
    """Add or replace a URL scheme; ``factory`` may be ``"module:function"``."""
    PORT_SCHEMES.register(scheme, factory)


def scheme_of(url: str) -> str:
    if url == "auto" or url.startswith("auto:"):
        return "auto"
    if "://" in url:
        return url.split("://", 1)[0].lower()
    return "serial"


def open_transport(url: str, options: Mapping[str, Any] | None = None) -> Transport:
    """Build (not open) the port for ``url`` with driver ``options``.

    An unknown scheme raises :class:`~upskit.plugins.UnknownPlugin` (a ``ValueError``
    listing the known schemes); a scheme whose code cannot be loaded here raises
    :class:`PortUnavailable` (saying which extra to install).
    """
    try:
        factory = PORT_SCHEMES.load(scheme_of(url))
    except PluginUnavailable as exc:
        raise PortUnavailable(str(exc)) from exc
    port = factory(url, options or {})
    if not isinstance(port, Transport):
        raise PortUnavailable(f"port scheme {scheme_of(url)!r} built {port!r}, not a port")
    return port
