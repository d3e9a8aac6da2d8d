"""A pyusb backend serving simulated devices, so unmodified pyusb runs on them.

:class:`SimBackend` implements ``usb.backend.IBackend``: enumeration, descriptor
views, open/close, configuration, claiming, kernel-driver attach/detach, control,
interrupt (and bulk) transfers, clear-halt and reset.  Errors are raised exactly
as pyusb's libusb-1.0 backend raises them (``USBError(text, libusb code, errno)``,
``USBTimeoutError`` for timeouts), so the code under test cannot tell the
difference.  Timeouts return at once: simulated time is free.
"""

from __future__ import annotations

import array
import errno
import threading
import time
from collections import deque
from typing import Any

import usb.backend
import usb.core

from upskit.sim.usb.descriptors import Descriptor
from upskit.sim.usb.device import SimUsbDevice, UsbRequest

#: How often a waiting interrupt read looks at its device again (s).
IDLE_SLICE = 0.1

_ERRORS = {
    "IO": (-1, errno.EIO, "Input/output error"),
    "ACCESS": (-3, errno.EACCES, "Access denied (insufficient permissions)"),
    "NO_DEVICE": (-4, errno.ENODEV, "No such device (it may have been disconnected)"),
    "NOT_FOUND": (-5, errno.ENOENT, "Entity not found"),
    "BUSY": (-6, errno.EBUSY, "Resource busy"),
    "TIMEOUT": (-7, errno.ETIMEDOUT, "Operation timed out"),
    "OVERFLOW": (-8, errno.EOVERFLOW, "Overflow"),
    "PIPE": (-9, errno.EPIPE, "Pipe error"),
}


def usb_error(name: str) -> usb.core.USBError:
    """The exception libusb-1.0 under pyusb raises for error ``name``."""
    code, number, text = _ERRORS[name]
    if name == "TIMEOUT":
        return usb.core.USBTimeoutError(text, code, number)
    return usb.core.USBError(text, code, number)


class _DeviceRef:
    """The backend's opaque device id: one device in one plug-in generation."""

    def __init__(self, device: SimUsbDevice) -> None:
        self.device = device
        self.generation = device.generation


class _Handle:
    def __init__(self, ref: _DeviceRef) -> None:
        self.ref = ref
        self.closed = False


class SimBackend(usb.backend.IBackend):  # type: ignore[misc]
    """pyusb backend over a list of :class:`SimUsbDevice`."""

    #: Bridges scale their settle pauses by this (0: simulated chips need none).
    pause_scale = 0.0

    def __init__(self, devices: list[SimUsbDevice] | None = None) -> None:
        super().__init__()
        self.devices: list[SimUsbDevice] = []
        self.lock = threading.RLock()
        self._idle = threading.Condition(self.lock)
        self._next_address = 2
        for device in devices or []:
            self.add(device)

    def add(self, device: SimUsbDevice, bus: int = 1) -> SimUsbDevice:
        """Plug ``device`` into this bus (gets the next free address)."""
        device.bus = bus
        device.address = self._next_address
        device.port = len(self.devices) + 1
        self._next_address += 1
        self.devices.append(device)
        return device

    def replug(self, device: SimUsbDevice) -> None:
        """Plug ``device`` back in at a new address."""
        device.replug(self._next_address)
        self._next_address += 1

    # ------------------------------------------------------------ helpers
    @staticmethod
    def _live(handle_or_ref: Any) -> SimUsbDevice:
        ref = handle_or_ref.ref if isinstance(handle_or_ref, _Handle) else handle_or_ref
        if isinstance(handle_or_ref, _Handle) and handle_or_ref.closed:
            raise usb_error("NO_DEVICE")
        device: SimUsbDevice = ref.device
        if not device.plugged or device.generation != ref.generation:
            raise usb_error("NO_DEVICE")
        return device

    # --------------------------------------------------------- enumeration
    def enumerate_devices(self) -> list[_DeviceRef]:
        with self.lock:
            return [_DeviceRef(d) for d in self.devices if d.plugged]

    def get_parent(self, dev: Any) -> None:
        return None

    def get_device_descriptor(self, dev: _DeviceRef) -> Descriptor:
        device = dev.device
        raw = device.device_bytes
        return Descriptor(
            bLength=raw[0], bDescriptorType=raw[1], bcdUSB=int.from_bytes(raw[2:4], "little"),
            bDeviceClass=raw[4], bDeviceSubClass=raw[5], bDeviceProtocol=raw[6],
            bMaxPacketSize0=raw[7], idVendor=int.from_bytes(raw[8:10], "little"),
            idProduct=int.from_bytes(raw[10:12], "little"),
            bcdDevice=int.from_bytes(raw[12:14], "little"), iManufacturer=raw[14],
            iProduct=raw[15], iSerialNumber=raw[16], bNumConfigurations=raw[17],
            address=device.address, bus=device.bus, port_number=device.port,
            port_numbers=(device.port,), speed=1,
        )

    def get_configuration_descriptor(self, dev: _DeviceRef, config: int) -> Descriptor:
        if config != 0:
            raise IndexError(config)
        return dev.device.parsed.config

    def get_interface_descriptor(self, dev: _DeviceRef, intf: int, alt: int,
                                 config: int) -> Descriptor:
        if alt != 0:
            raise IndexError(alt)
        return dev.device.parsed.interfaces[intf]

    def get_endpoint_descriptor(self, dev: _DeviceRef, ep: int, intf: int, alt: int,
                                config: int) -> Descriptor:
        return dev.device.parsed.endpoints[intf][ep]

    # ---------------------------------------------------------- lifecycle
    def open_device(self, dev: _DeviceRef) -> _Handle:
        self._live(dev)
        return _Handle(dev)

    def close_device(self, dev_handle: _Handle) -> None:
        dev_handle.closed = True

    def set_configuration(self, dev_handle: _Handle, config_value: int) -> None:
        with self.lock:
            device = self._live(dev_handle)
            device.log.append(UsbRequest("set_configuration", value=config_value))
            if device.kernel_driver or device.faults.busy > 0:
                device.faults.busy = max(0, device.faults.busy - 1)
                raise usb_error("BUSY")
            device.configuration = config_value

    def get_configuration(self, dev_handle: _Handle) -> int:
        return self._live(dev_handle).configuration

    def set_interface_altsetting(self, dev_handle: _Handle, intf: int, altsetting: int) -> None:
        self._live(dev_handle)

    def claim_interface(self, dev_handle: _Handle, intf: int) -> None:
        with self.lock:
            device = self._live(dev_handle)
            device.log.append(UsbRequest("claim", index=intf))
            if device.kernel_driver:
                raise usb_error("BUSY")
            device.claimed.add(intf)

    def release_interface(self, dev_handle: _Handle, intf: int) -> None:
        device = self._live(dev_handle)
        device.claimed.discard(intf)

    def is_kernel_driver_active(self, dev_handle: _Handle, intf: int) -> bool:
        return self._live(dev_handle).kernel_driver

    def detach_kernel_driver(self, dev_handle: _Handle, intf: int) -> None:
        device = self._live(dev_handle)
        device.log.append(UsbRequest("detach", index=intf))
        if not device.kernel_driver:
            raise usb_error("NOT_FOUND")
        device.kernel_driver = False

    def attach_kernel_driver(self, dev_handle: _Handle, intf: int) -> None:
        self._live(dev_handle).kernel_driver = True

    def clear_halt(self, dev_handle: _Handle, ep: int) -> None:
        with self.lock:
            device = self._live(dev_handle)
            device.log.append(UsbRequest("clear_halt", endpoint=ep))
            device.halted.discard(ep)

    def reset_device(self, dev_handle: _Handle) -> None:
        with self.lock:
            device = self._live(dev_handle)
            device.log.append(UsbRequest("reset"))
            device.reset()

    # ----------------------------------------------------------- transfers
    def ctrl_transfer(self, dev_handle: _Handle, bmRequestType: int, bRequest: int,
                      wValue: int, wIndex: int, data: array.array[int], timeout: int) -> int:
        with self.lock:
            device = self._live(dev_handle)
            is_in = bool(bmRequestType & 0x80)
            payload = b"" if is_in else bytes(data)
            device.log.append(UsbRequest("control", bmRequestType, bRequest, wValue, wIndex,
                                         payload, len(data), 0, timeout))
            kind = (bmRequestType >> 5) & 3
            if kind == 0:
                return self._standard(device, bmRequestType, bRequest, wValue, wIndex, data)
            if device.hung:
                raise usb_error("TIMEOUT")
            if device.faults.control_timeouts > 0:
                device.faults.control_timeouts -= 1
                raise usb_error("TIMEOUT")
            if is_in:
                got = device.control_in(bmRequestType, bRequest, wValue, wIndex, len(data))
                if got is None:
                    raise usb_error("PIPE")
                return self._fill(data, got)
            taken = device.control_out(bmRequestType, bRequest, wValue, wIndex, payload)
            if taken is None:
                raise usb_error("PIPE")
            return taken

    def _standard(self, device: SimUsbDevice, rtype: int, request: int, value: int, index: int,
                  data: array.array[int]) -> int:
        if request != 0x06 or not rtype & 0x80:
            raise usb_error("PIPE")
        kind, number = value >> 8, value & 0xFF
        if kind == 0x01:
            raw: bytes | None = device.device_bytes
        elif kind == 0x02:
            raw = device.config_bytes
        elif kind == 0x03:
            raw = device.string(number, index)
        elif kind == 0x22:
            raw = device.report_descriptor(index)
        else:
            raw = None
        if raw is None:
            raise usb_error("PIPE")
        return self._fill(data, raw)

    @staticmethod
    def _fill(buffer: array.array[int], data: bytes) -> int:
        count = min(len(buffer), len(data))
        buffer[:count] = array.array("B", data[:count])
        return count

    def intr_read(self, dev_handle: _Handle, ep: int, intf: int, buff: array.array[int],
                  timeout: int) -> int:
        with self.lock:
            device = self._live(dev_handle)
            size = len(buff)
            device.log.append(UsbRequest("read", endpoint=ep, length=size, timeout=timeout))
            device.before_read(ep, size)
            self._live(dev_handle)  # the hook may have knocked the device off the bus
            faults = device.faults
            if device.hung:
                raise usb_error("TIMEOUT")
            if faults.stalls > 0:
                faults.stalls -= 1
                device.halted.add(ep)
            if ep in device.halted:
                raise usb_error("PIPE")
            if faults.overflow_wedged or faults.overflows > 0:
                faults.overflows = max(0, faults.overflows - 1)
                raise usb_error("OVERFLOW")
            if faults.timeouts > 0:
                faults.timeouts -= 1
                raise usb_error("TIMEOUT")
            queue = self._wait_for_input(device, ep, size, timeout)
            self._live(dev_handle)  # unplugged while the read waited
            if not queue:
                device.on_idle_read(ep)
                raise usb_error("TIMEOUT")
            max_packet = device.endpoint_size(ep) or 8
            out = b""
            while queue:
                packet = queue[0]
                if len(packet) > size - len(out):
                    if not out:
                        queue.popleft()
                        raise usb_error("OVERFLOW")
                    break
                queue.popleft()
                out += packet
                if len(packet) < max_packet or len(out) == size:
                    break
            return self._fill(buff, out)

    def _wait_for_input(self, device: SimUsbDevice, ep: int, size: int,
                        timeout: int) -> deque[bytes] | None:
        """The endpoint's queue once it holds something, waiting (lock released) up to
        the read's timeout as a real endpoint does, for devices that wait at all."""
        wait = min(timeout / 1000 if timeout > 0 else device.idle_read_wait,
                   device.idle_read_wait)
        deadline = time.monotonic() + wait
        while not device.in_queue.get(ep):
            left = deadline - time.monotonic()
            if left <= 0 or device.hung or not device.plugged:
                break
            self._idle.wait(min(left, IDLE_SLICE))
            device.before_read(ep, size)  # time passed: the device may have news
        return device.in_queue.get(ep)

    def intr_write(self, dev_handle: _Handle, ep: int, intf: int, data: array.array[int],
                   timeout: int) -> int:
        with self.lock:
            device = self._live(dev_handle)
            payload = bytes(data)
            device.log.append(UsbRequest("write", endpoint=ep, data=payload, timeout=timeout))
            if device.hung:
                raise usb_error("TIMEOUT")
            taken = device.interrupt_out(ep, payload)
            if taken is None:
                raise usb_error("PIPE")
            return taken

    bulk_read = intr_read
    bulk_write = intr_write
