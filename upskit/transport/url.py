"""Port URL -> port, like pyserial's ``serial_for_url``.

A plain path (``/dev/ttyUSB0``) is a serial port; ``auto`` and ``usb://...`` pick a
USB bridge; ``hid://``, ``hidraw://`` and ``usbhid://`` a HID device
(:mod:`upskit.transport.hidports`); ``sim://<name>`` a simulated device;
``replay://<file>`` a capture.
Schemes live in the ``ports`` plugin registry (entry-point group ``upskit.ports``), so
a third-party package can add its own; factories are imported on first use, so a
daemon loads only what its ports need.

A scheme declares the ups.conf options its ports take (a :class:`PortScheme` with an
:class:`~upskit.options.OptionSet`); its factory receives those keys only, parsed.  A
plain factory function registered as a scheme takes no options: it receives an empty
set.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from upskit.options import Given, NoOptions, OptionSet
from upskit.plugins import PluginRegistry, PluginUnavailable
from upskit.transport.base import Port, Transport

P = TypeVar("P", bound=Port)

#: A port factory: ``(url, options) -> port``; ``options`` is the scheme's option set.
Factory = Callable[[str, Mapping[str, Any]], Transport]


@dataclass(frozen=True)
class PortScheme:
    """A URL scheme: the factory of its ports and the options those ports take.

    ``options`` is the :class:`~upskit.options.OptionSet` of every URL of the scheme;
    ``options_for`` picks one by URL instead (``sim://usb/...`` takes USB options,
    ``sim://megatec`` none).
    """

    make: Callable[[str, Any], object]
    options: type[OptionSet] = NoOptions
    options_for: Callable[[str], type[OptionSet]] | None = None

    def option_set(self, url: str) -> type[OptionSet]:
        """The options a port for ``url`` takes."""
        return self.options if self.options_for is None else self.options_for(url)


def _as_scheme(obj: object) -> PortScheme:
    if isinstance(obj, PortScheme):
        return obj
    if callable(obj):
        return PortScheme(obj)
    raise TypeError(f"{obj!r} is neither a PortScheme nor a port factory")


#: URL scheme -> :class:`PortScheme` (a plain factory ``(url, options) -> port`` is
#: taken as a scheme without options).
PORT_SCHEMES: PluginRegistry[PortScheme] = PluginRegistry(
    "port scheme", "ports",
    {
        "serial": "upskit.transport.serial:SCHEME",
        "sim": "upskit.sim.urls:SCHEME",
        "replay": "upskit.sim.replay:make_transport",
        "usb": "upskit.transport.usb.port:SCHEME",
        "auto": "upskit.transport.usb.port:SCHEME",
        "hid": "upskit.transport.hidports:HID_SCHEME",
        "hidraw": "upskit.transport.hidports:HIDRAW_SCHEME",
        "usbhid": "upskit.transport.hidports:USBHID_SCHEME",
    },
    check=_as_scheme, extras={"usb": "usb", "serial": "serial"},
)


class PortUnavailable(PluginUnavailable, ValueError):
    """A known port scheme whose code cannot run here (pyusb missing ...)."""


def register_scheme(scheme: str, factory: str | Factory | PortScheme) -> None:
    """Add or replace a URL scheme; ``factory`` may be ``"module:attribute"``."""
    PORT_SCHEMES.register(scheme, factory if isinstance(factory, str) else _as_scheme(factory))


def scheme_of(url: str) -> str:
    if url == "auto" or url.startswith("auto:"):
        return "auto"
    if "://" in url:
        return url.split("://", 1)[0].lower()
    return "serial"


def port_scheme(url: str) -> PortScheme:
    """The scheme of ``url``: :class:`~upskit.plugins.UnknownPlugin` (a ``ValueError``
    listing the known schemes) or :class:`PortUnavailable` when there is none here."""
    try:
        return PORT_SCHEMES.load(scheme_of(url))
    except PluginUnavailable as exc:
        raise PortUnavailable(str(exc)) from exc


def port_options(url: str) -> type[OptionSet]:
    """The option set of the port ``url`` names (raises as :func:`port_scheme`)."""
    return port_scheme(url).option_set(url)


def open_port(url: str, options: Mapping[str, Given] | None = None,
              kind: type[P] = Port) -> P:  # type: ignore[assignment]
    """Build (not open) the port for ``url``, which must offer the capability ``kind``
    (:class:`~upskit.transport.base.Transport` for command/reply,
    :class:`~upskit.transport.hid.HidPort` for HID reports ...).

    ``options`` is the port's option set, or any mapping of ups.conf options of which
    the scheme's own keys are taken and parsed (a bad value raises
    :class:`~upskit.options.BadOption`, a ``ValueError``).  An unknown scheme raises
    :class:`~upskit.plugins.UnknownPlugin` (a ``ValueError`` listing the known schemes);
    a scheme whose code cannot be loaded here raises :class:`PortUnavailable` (saying
    which extra to install), and so does a port without the capability asked for.
    """
    scheme = port_scheme(url)
    port = scheme.make(url, scheme.option_set(url).of(options))
    if not isinstance(port, kind):
        what = "a port" if kind is Port else f"a {kind.__name__}"
        raise PortUnavailable(f"port scheme {scheme_of(url)!r} built {port!r}, not {what}")
    return port


def open_transport(url: str, options: Mapping[str, Given] | None = None) -> Transport:
    """:func:`open_port` for a command/reply port."""
    return open_port(url, options, Transport)  # type: ignore[type-abstract]
