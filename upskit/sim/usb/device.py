"""The device side of a simulated USB bus: state, faults and the request log.

A :class:`SimUsbDevice` holds what a real unit would: its descriptors, whether the
kernel's driver is bound, the configuration, claimed interfaces, queued IN
packets per endpoint, halted endpoints and whether the chip has hung.  Bridge
devices (``serial_chips``, ``string_chips``, ``armac``, ``energizer``) subclass it and put a
:class:`~upskit.sim.base.CommandResponder` behind their wire format.
:class:`UsbFaults` makes the device misbehave the way real hardware does.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field

from upskit.sim.base import CommandResponder
from upskit.sim.usb.descriptors import (
    DeviceSpec,
    config_descriptor,
    device_descriptor,
    langid_descriptor,
    parse_config,
    string_descriptor,
)

#: Requests a simulated device remembers for tests and debugging.
REQUEST_LOG_SIZE = 4096


@dataclass(frozen=True)
class UsbRequest:
    """One request the host made, as the device saw it (for tests and debugging)."""

    kind: str  # control | read | write | reset | clear_halt | set_configuration | claim | detach
    request_type: int = 0
    request: int = 0
    value: int = 0
    index: int = 0
    data: bytes = b""
    length: int = 0
    endpoint: int = 0
    timeout: int = 0


@dataclass
class UsbFaults:
    """Misbehaviour to inject; counters are consumed as they fire."""

    #: Next N interrupt reads time out.
    timeouts: int = 0
    #: Next N interrupt reads stall (EPIPE) and leave the endpoint halted.
    stalls: int = 0
    #: Next N interrupt reads overflow; ``overflow_wedged`` = every read until reset.
    overflows: int = 0
    overflow_wedged: bool = False
    #: Next N replies come too late: after the host's read timed out, so they sit
    #: queued in front of the next command's reply (stale replies).
    late: int = 0
    #: Next N replies are replaced by random bytes.
    garbage: int = 0
    #: Split replies into packets of random size (where the chip allows short packets).
    chunking: bool = False
    #: Next control transfer to a class/vendor request times out.
    control_timeouts: int = 0
    #: Next N set_configuration/claim calls fail with EBUSY even after detach.
    busy: int = 0
    #: Seeded randomness for garbage and chunking.
    rng: random.Random = field(default_factory=lambda: random.Random(1234))


class SimUsbDevice:
    """A simulated USB device as the backend sees it."""

    #: Whether a kernel driver (usbhid) binds on plug-in: EBUSY until detached.
    binds_kernel_driver = True
    #: Longest wait (s) of an interrupt read that finds nothing queued, as a real
    #: endpoint waits out the read's timeout; 0: time out at once (bridges that tests
    #: drive to silence on purpose).
    idle_read_wait = 0.0

    def __init__(self, spec: DeviceSpec, responder: CommandResponder | None = None) -> None:
        self.spec = spec
        self.responder = responder
        self.faults = UsbFaults()
        #: The latest requests, oldest first (bounded: a simulator may run for days).
        self.log: deque[UsbRequest] = deque(maxlen=REQUEST_LOG_SIZE)
        self.device_bytes = device_descriptor(spec)
        self.config_bytes = config_descriptor(spec)
        self.parsed = parse_config(self.config_bytes)
        self.plugged = True
        self.generation = 0
        self.bus = 1
        self.address = 0
        self.port = 1
        self.hung = False
        self.resets = 0
        self.replay: deque[list[bytes]] | None = None
        self._late: list[bytes | None] = []
        self._power_on()

    # ---------------------------------------------------------------- state
    def _power_on(self) -> None:
        self.kernel_driver = self.binds_kernel_driver
        self.configuration = 0
        self.claimed: set[int] = set()
        self.halted: set[int] = set()
        self.in_queue: dict[int, deque[bytes]] = {}
        self.hung = False
        self.on_power_on()

    def on_power_on(self) -> None:
        """Bridge-specific state to clear on plug-in and reset."""

    def unplug(self) -> None:
        """Pull the cable: every handle now fails with ENODEV."""
        self.plugged = False

    def replug(self, address: int | None = None) -> None:
        """Plug the cable back: new address, kernel driver bound again."""
        self.plugged = True
        self.generation += 1
        self.address = address if address is not None else self.address + 1
        self._late.clear()
        self._power_on()

    def reset(self) -> None:
        """USB port reset: the chip starts over (and un-hangs)."""
        self.resets += 1
        kernel = self.kernel_driver
        configuration = self.configuration
        self._power_on()
        self.kernel_driver = kernel
        self.configuration = configuration

    def endpoint_size(self, address: int) -> int:
        for eps in self.parsed.endpoints:
            for ep in eps:
                if ep.bEndpointAddress == address:
                    return int(ep.wMaxPacketSize)
        return 0

    def has_endpoint(self, address: int) -> bool:
        return self.endpoint_size(address) > 0

    # -------------------------------------------------------------- strings
    def string(self, index: int, langid: int) -> bytes | None:
        """Raw string descriptor ``index`` (None: stall)."""
        if index == 0:
            return langid_descriptor(self.spec.langids)
        text = self.spec.strings().get(index)
        return None if text is None else string_descriptor(text)

    def report_descriptor(self, interface: int) -> bytes | None:
        for intf in self.spec.interfaces:
            if intf.number == interface and intf.report_descriptor:
                return intf.report_descriptor
        return None

    # ------------------------------------------------------------- requests
    def control_out(self, request_type: int, request: int, value: int, index: int,
                    data: bytes) -> int | None:
        """A class/vendor OUT request; return bytes taken, None to stall."""
        return None

    def control_in(self, request_type: int, request: int, value: int, index: int,
                   length: int) -> bytes | None:
        """A class/vendor IN request; return data, None to stall."""
        return None

    def interrupt_out(self, endpoint: int, data: bytes) -> int | None:
        """Data written to an OUT endpoint; return bytes taken, None to stall."""
        return None

    def before_read(self, endpoint: int, size: int) -> None:
        """Hook run before an IN transfer (chips that hang on odd reads)."""

    def on_idle_read(self, endpoint: int) -> None:
        """A read found nothing queued and times out: late replies arrive now."""
        if self._late:
            late, self._late = self._late, []
            for reply in late:
                self.deliver(reply)

    # ------------------------------------------------------------- replies
    def respond(self, command: bytes) -> bytes | None:
        """The responder's reply to ``command`` (None = silence)."""
        if self.responder is None:
            return None
        return self.responder.respond(command)

    def answer(self, command: bytes) -> None:
        """Run ``command`` and queue its reply in this chip's format."""
        if self.replay is not None:
            group = self.replay.popleft() if self.replay else []
            self.queue_packets(self.reply_endpoint(), list(group))
            return
        reply = self.respond(command)
        if reply is not None and self.faults.garbage > 0:
            self.faults.garbage -= 1
            reply = bytes(self.faults.rng.randrange(256) for _ in range(len(reply) or 8))
        if self.faults.late > 0:
            self.faults.late -= 1
            self._late.append(reply)
            return
        self.deliver(reply)

    def deliver(self, reply: bytes | None) -> None:
        """Queue ``reply`` as this chip's packets (subclasses format it)."""
        if reply:
            self.queue_packets(self.reply_endpoint(), self.packets(reply))

    def packets(self, reply: bytes) -> list[bytes]:
        size = max(1, self.endpoint_size(self.reply_endpoint()))
        return [reply[i:i + size] for i in range(0, len(reply), size)]

    def reply_endpoint(self) -> int:
        return 0x81

    def chunked(self, data: bytes, size: int) -> list[bytes]:
        """``data`` in packets of ``size``, or random shorter ones under chunking."""
        out = []
        pos = 0
        while pos < len(data):
            step = self.faults.rng.randint(1, size) if self.faults.chunking else size
            out.append(data[pos:pos + step])
            pos += step
        return out

    def queue_packets(self, endpoint: int, packets: list[bytes]) -> None:
        self.in_queue.setdefault(endpoint, deque()).extend(packets)

    def pending(self, endpoint: int = 0x81) -> int:
        """Bytes still queued on ``endpoint``."""
        return sum(len(p) for p in self.in_queue.get(endpoint, ()))

    def requests(self, kind: str | None = None) -> list[UsbRequest]:
        """The logged requests (of one kind)."""
        return [r for r in self.log if kind is None or r.kind == kind]

    def load_capture(self, groups: list[list[bytes]]) -> None:
        """Answer each command with the next group of raw packets (replay)."""
        self.replay = deque(groups)
