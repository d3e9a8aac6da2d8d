"""The ``sim://`` port scheme: a simulated UPS on a plain line, or behind a simulated
USB chip (``sim://usb/<device>``).

This module only dispatches: :mod:`upskit.sim.ports` serves plain simulated lines and
:mod:`upskit.sim.usb.ports` (loaded only for ``usb/`` URLs) the simulated USB bus,
which in turn puts the plain simulator behind its chips, or serves a simulated HID
Power Device (a model, or a NUT debug log: ``sim://usb/hid?capture=PATH``).  A
simulated line takes its settings from the URL's query and no ups.conf option; a
simulated USB port takes the USB options (``subdriver``, ``langid_fix`` ...) like a
real one, a simulated HID device the HID port's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from upskit.options import NoOptions, OptionSet
from upskit.sim import ports
from upskit.transport.base import Port
from upskit.transport.hidports import HidPortOptions
from upskit.transport.url import PortScheme
from upskit.transport.usb.options import UsbOptions


def _is_usb(url: str) -> bool:
    name, _query = ports.parse_sim_url(url)
    return name == "usb" or name.startswith("usb/")


def make_transport(url: str, options: Mapping[str, Any]) -> Port:
    """Port factory for ``sim://`` URLs."""
    if ports.parse_sim_url(url)[0].startswith("snmp/"):  # snmp-ups resolves it itself
        raise ValueError(f"{url}: a simulated SNMP card (upskit.sim.snmp) serves snmp-ups only")
    if ports.parse_sim_url(url)[0].startswith("contact/"):
        from upskit.sim import contact

        return contact.make_port(url, options)
    if _is_usb(url):
        from upskit.sim.usb import ports as usb_ports

        return usb_ports.make_port(url, options)
    return ports.make_transport(url, options)


def _is_hid(url: str) -> bool:
    from upskit.sim.usb.catalog import is_hid_ups

    name = ports.parse_sim_url(url)[0].partition("/")[2].lower()
    return name == "hid" or is_hid_ups(name)


def option_set(url: str) -> type[OptionSet]:
    """The ups.conf options a ``sim://`` port takes: USB ones behind a simulated chip,
    the HID port's for a simulated HID Power Device (``sim://usb/apc-back-ups``,
    ``sim://usb/hid?capture=...``)."""
    if not _is_usb(url):
        return NoOptions
    return HidPortOptions if _is_hid(url) else UsbOptions


#: The ``sim://`` port scheme.
SCHEME = PortScheme(make_transport, options_for=option_set)
