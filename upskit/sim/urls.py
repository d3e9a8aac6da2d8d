"""The ``sim://`` port scheme: a simulated UPS on a plain line, or behind a simulated
USB chip (``sim://usb/<device>``).

This module only dispatches: :mod:`upskit.sim.ports` serves plain simulated lines and
:mod:`upskit.sim.usb.ports` (loaded only for ``usb/`` URLs) the simulated USB bus,
which in turn puts the plain simulator behind its chips.  A simulated line takes its
settings from the URL's query and no ups.conf option; a simulated USB port takes the
USB options (``subdriver``, ``langid_fix`` ...) like a real one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from upskit.options import NoOptions, OptionSet
from upskit.sim import ports
from upskit.transport.base import Port
from upskit.transport.url import PortScheme
from upskit.transport.usb.options import UsbOptions


def _is_usb(url: str) -> bool:
    name, _query = ports.parse_sim_url(url)
    return name == "usb" or name.startswith("usb/")


def make_transport(url: str, options: Mapping[str, Any]) -> Port:
    """Port factory for ``sim://`` URLs."""
    if _is_usb(url):
        from upskit.sim.usb import ports as usb_ports

        return usb_ports.make_port(url, options)
    return ports.make_transport(url, options)


def option_set(url: str) -> type[OptionSet]:
    """The ups.conf options a ``sim://`` port takes: USB ones behind a simulated chip."""
    return UsbOptions if _is_usb(url) else NoOptions


#: The ``sim://`` port scheme.
SCHEME = PortScheme(make_transport, options_for=option_set)
