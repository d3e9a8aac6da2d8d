"""What every USB-to-serial bridge provides, and the typed pyusb calls it uses.

A bridge turns one Megatec-style command (``b"Q1\\r"``) into the USB requests its
chip understands and the chip's answer back into the serial reply
(``b"(230.0 ...\\r"``).  Bridges talk through :class:`UsbIo`, a thin typed layer
over an opened pyusb device; USB errors pass through untouched (the USB transport
decides what they mean), protocol nonsense becomes :class:`PortGarbled`.
"""

from __future__ import annotations

import abc
import time
from dataclasses import dataclass
from typing import Any, ClassVar

from upskit.transport.base import PortGarbled
from upskit.transport.usbmatch import UsbIdentity

#: HID class request SET_REPORT: OUT | CLASS | INTERFACE.
SET_REPORT_TYPE = 0x21
SET_REPORT = 0x09
#: HID class request GET_REPORT: IN | CLASS | INTERFACE.
GET_REPORT_TYPE = 0xA1
GET_REPORT = 0x01
#: Standard GET_DESCRIPTOR, device recipient.
GET_DESCRIPTOR_TYPE = 0x80
GET_DESCRIPTOR = 0x06
DESC_STRING = 0x03
DESC_HID_REPORT = 0x22

CR = b"\r"
#: Longest reply any Q* bridge accepts before calling it garbage.
MAX_REPLY = 512


@dataclass(frozen=True)
class EndpointInfo:
    """One endpoint of the active configuration."""

    interface: int
    address: int
    kind: str  # "control" | "iso" | "bulk" | "interrupt"
    max_packet: int


class UsbIo:
    """Typed calls on one opened pyusb ``Device`` (the only place bridges touch pyusb)."""

    def __init__(self, device: Any, *, pause_scale: float = 1.0,
                 langid: int | None = None) -> None:
        self.device = device
        self.pause_scale = pause_scale
        #: LANGID for plain string reads; None = the device's first one.
        self.langid = langid

    # -------------------------------------------------------------- control
    def control_out(self, request_type: int, request: int, value: int, index: int,
                    data: bytes, timeout_ms: int) -> int:
        sent: int = self.device.ctrl_transfer(request_type, request, value, index,
                                              bytes(data), timeout_ms)
        return sent

    def control_in(self, request_type: int, request: int, value: int, index: int,
                   length: int, timeout_ms: int) -> bytes:
        got = self.device.ctrl_transfer(request_type, request, value, index, length, timeout_ms)
        return bytes(got)

    def set_report(self, value: int, data: bytes, timeout_ms: int, index: int = 0) -> int:
        """HID SET_REPORT (0x21/0x09) with ``wValue = value``."""
        return self.control_out(SET_REPORT_TYPE, SET_REPORT, value, index, data, timeout_ms)

    def get_report(self, value: int, length: int, timeout_ms: int, index: int = 0) -> bytes:
        """HID GET_REPORT (0xA1/0x01) with ``wValue = value``."""
        return self.control_in(GET_REPORT_TYPE, GET_REPORT, value, index, length, timeout_ms)

    # ------------------------------------------------------------ endpoints
    def read(self, endpoint: int, size: int, timeout_ms: int) -> bytes:
        return bytes(self.device.read(endpoint, size, timeout_ms))

    def write(self, endpoint: int, data: bytes, timeout_ms: int) -> int:
        written: int = self.device.write(endpoint, bytes(data), timeout_ms)
        return written

    def clear_halt(self, endpoint: int) -> None:
        self.device.clear_halt(endpoint)

    # -------------------------------------------------------------- strings
    def string(self, index: int) -> str:
        """A string descriptor as text (first or configured LANGID), non-ASCII as ``?``."""
        import usb.util

        text = usb.util.get_string(self.device, index, self.langid)
        return "".join(c if ord(c) < 128 else "?" for c in (text or ""))

    def raw_string(self, index: int, langid: int, size: int = 255) -> bytes:
        """A raw string descriptor (``bLength``, ``0x03``, UTF-16LE ...)."""
        return self.control_in(GET_DESCRIPTOR_TYPE, GET_DESCRIPTOR, (DESC_STRING << 8) | index,
                               langid, size, 5000)

    def report_descriptor(self, interface: int = 0, size: int = 1024) -> bytes:
        """The HID report descriptor of ``interface``."""
        return self.control_in(0x81, GET_DESCRIPTOR, DESC_HID_REPORT << 8, interface, size, 5000)

    def endpoints(self) -> list[EndpointInfo]:
        """Endpoints of the active configuration (first alternate setting)."""
        kinds = ("control", "iso", "bulk", "interrupt")
        found: list[EndpointInfo] = []
        config = self.device.get_active_configuration()
        for intf in config:
            if intf.bAlternateSetting != 0:
                continue
            for ep in intf:
                found.append(EndpointInfo(intf.bInterfaceNumber, ep.bEndpointAddress,
                                          kinds[ep.bmAttributes & 3], ep.wMaxPacketSize))
        return found

    def interface_count(self) -> int:
        config = self.device.get_active_configuration()
        return int(config.bNumInterfaces)

    def pause(self, seconds: float) -> None:
        """Wait as the chip needs (scaled down on simulated devices)."""
        if seconds * self.pause_scale > 0:
            time.sleep(seconds * self.pause_scale)


@dataclass(frozen=True)
class BridgeOptions:
    """The ups.conf options bridges care about."""

    langid_fix: int | None = None
    novendor: bool = False
    #: Read and drop stale replies before each command (None: the bridge decides).
    drain: bool | None = None


def up_to_cr(data: bytes) -> bytes:
    """``data`` up to and including its first CR (all of it when there is none)."""
    end = data.find(CR)
    return data if end < 0 else data[: end + 1]


def with_cr(data: bytes) -> bytes:
    """Append a CR unless the reply already ends with one."""
    return data if data.endswith(CR) else data + CR


def command_text(command: bytes) -> str:
    """The command without its CR, as ASCII text (non-ASCII bytes as ``?``)."""
    return command.rstrip(b"\r\x00").decode("ascii", "replace").replace("\ufffd", "?")


class Bridge(abc.ABC):
    """One USB-to-serial chip's wire format (a nutdrv_qx "subdriver").

    ``exchange`` runs in a worker thread with the device opened, configured and
    claimed.  It returns the serial reply (framed up to the CR where the chip
    gives one), raises :class:`PortGarbled` for bytes that cannot be a reply and
    lets pyusb's ``USBError`` through for the transport to classify.
    """

    name: ClassVar[str] = "bridge"
    #: Consecutive reply timeouts after which the chip is presumed wedged (reset).
    wedge_after_timeouts: ClassVar[int] = 4

    def __init__(self, options: BridgeOptions | None = None) -> None:
        self.options = options or BridgeOptions()

    def setup(self, io: UsbIo, ident: UsbIdentity) -> None:
        """Called after every (re)open, before the first exchange."""

    @abc.abstractmethod
    def exchange(self, io: UsbIo, command: bytes, timeout_ms: int) -> bytes:
        """Send ``command`` and return the reply; ``timeout_ms`` bounds each read."""

    # ------------------------------------------------------------- helpers
    @staticmethod
    def read_until_cr(io: UsbIo, endpoint: int, size: int, timeout_ms: int) -> bytes:
        """Interrupt reads of ``size`` until a CR arrives; timeouts propagate."""
        buf = b""
        empty = 0
        while CR not in buf:
            chunk = io.read(endpoint, size, timeout_ms)
            if not chunk:
                empty += 1
                if empty > 8:
                    raise PortGarbled("bridge keeps sending empty packets")
                continue
            buf += chunk
            if len(buf) > MAX_REPLY:
                raise PortGarbled(f"no CR in {len(buf)} bytes from the bridge")
        return buf

    @staticmethod
    def drain(io: UsbIo, endpoint: int, size: int, timeout_ms: int, times: int) -> int:
        """Read and drop up to ``times`` queued packets; stop at the first error."""
        import usb.core

        dropped = 0
        for _ in range(times):
            try:
                chunk = io.read(endpoint, size, timeout_ms)
            except usb.core.USBError as exc:
                if getattr(exc, "errno", None) in (32,):  # EPIPE: stalled endpoint
                    io.clear_halt(endpoint)
                break
            if not chunk:
                break
            dropped += len(chunk)
        return dropped
