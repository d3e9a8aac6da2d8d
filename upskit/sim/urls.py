"""The ``sim://`` port scheme: a simulated UPS on a plain line, or behind a simulated
USB chip (``sim://usb/<device>``).

This module only dispatches: :mod:`upskit.sim.ports` serves plain simulated lines and
:mod:`upskit.sim.usb.ports` (loaded only for ``usb/`` URLs) the simulated USB bus,
which in turn puts the plain simulator behind its chips.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from upskit.sim import ports
from upskit.transport.base import Transport


def make_transport(url: str, options: Mapping[str, Any]) -> Transport:
    """Port factory for ``sim://`` URLs."""
    name, _query = ports.parse_sim_url(url)
    if name == "usb" or name.startswith("usb/"):
        from upskit.sim.usb import ports as usb_ports

        return usb_ports.make_transport(url, options)
    return ports.make_transport(url, options)
