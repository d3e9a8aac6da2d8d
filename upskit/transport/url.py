"""Port URL -> transport, like pyserial's ``serial_for_url``.

A plain path (``/dev/ttyUSB0``) is a serial port; ``auto`` and ``usb://...`` pick a
USB bridge; ``sim://<name>`` a simulated device; ``replay://<file>`` a capture.
Factories are imported lazily so that a daemon loads only what its ports need.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

from upskit.transport.base import Transport

Factory = Callable[[str, Mapping[str, Any]], Transport]

_SCHEMES: dict[str, str | Factory] = {
    "serial": "upskit.transport.serial:make_transport",
    "sim": "upskit.sim.ports:make_transport",
    "replay": "upskit.sim.replay:make_transport",
    "usb": "upskit.transport.usb:make_transport",
    "auto": "upskit.transport.usb:make_transport",
}


def register_scheme(scheme: str, factory: str | Factory) -> None:
    """Add or replace a URL scheme; ``factory`` may be ``"module:function"``."""
    _SCHEMES[scheme] = factory


def scheme_of(url: str) -> str:
    if url == "auto" or url.startswith("auto:"):
        return "auto"
    if "://" in url:
        return url.split("://", 1)[0].lower()
    return "serial"


def open_transport(url: str, options: Mapping[str, Any] | None = None) -> Transport:
    """Build (not open) the transport for ``url`` with driver ``options``."""
    scheme = scheme_of(url)
    factory = _SCHEMES.get(scheme)
    if factory is None:
        known = ", ".join(sorted(_SCHEMES))
        raise ValueError(f"unknown port scheme {scheme!r} in {url!r} (known: {known})")
    if isinstance(factory, str):
        module, _, attr = factory.partition(":")
        factory = getattr(importlib.import_module(module), attr)
        _SCHEMES[scheme] = factory
    assert callable(factory)
    return factory(url, options or {})
