"""The ups.conf options of a serial port (the USB ones: :mod:`upskit.transport.usb.options`).

Each port scheme hands its factory only the keys it declares, parsed once when the UPS
is set up (see :class:`~upskit.transport.url.PortScheme`); driver keys such as
``offdelay`` never reach a port.  This module is small on purpose: a driver checks
these keys without loading pyserial.
"""

from __future__ import annotations

from upskit.options import Option, OptionSet, choice, number, whole

#: Line speed of a serial port when no option names one (NUT's Megatec default).
DEFAULT_BAUD = 2400


class SerialOptions(OptionSet):
    """A serial line (a device path or ``serial://``): speed, reply time, cable power."""

    baudrate = Option(whole(1), None, help="line speed in baud (default 2400)")
    baud = Option(whole(1), None, help="older spelling of baudrate")
    serial_timeout = Option(number(0.01, unit="seconds"), 1.0,
                            help="seconds a reply may take")
    cablepower = Option(choice("normal", "reverse", "both", "none"), "normal",
                        help="how DTR/RTS power the cable: normal (DTR on, RTS off), "
                             "reverse, both or none")

    @property
    def speed(self) -> int:
        """The line speed: ``baudrate``, else ``baud``, else 2400."""
        return self.baudrate or self.baud or DEFAULT_BAUD
