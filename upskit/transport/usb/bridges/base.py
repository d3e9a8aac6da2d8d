"""What every USB-to-serial bridge provides.

A bridge turns one Megatec-style command (``b"Q1\\r"``) into the USB requests its
chip understands and the chip's answer back into the serial reply
(``b"(230.0 ...\\r"``).  Bridges talk through
:class:`~upskit.transport.usb.access.UsbIo`, the shared typed layer over an opened
pyusb device; USB errors pass through untouched (the bridge port decides what they
mean), protocol nonsense becomes :class:`PortGarbled`.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import ClassVar

from upskit.transport.base import PortGarbled
from upskit.transport.usb.access import UsbIo
from upskit.transport.usb.match import UsbIdentity

CR = b"\r"
#: Longest reply any Q* bridge accepts before calling it garbage.
MAX_REPLY = 512


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
