"""Real USB descriptor bytes for simulated devices, and their parsed views.

A :class:`DeviceSpec` says what a device looks like; the functions here turn it
into the exact bytes a device returns to GET_DESCRIPTOR (device, configuration
with interface, HID class and endpoint descriptors, strings, LANGID table) and
parse those bytes back into the attribute objects pyusb's backend API hands out.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class EndpointSpec:
    """One endpoint: address (0x81 = IN 1), transfer type bits, packet size."""

    address: int
    attributes: int = 0x03  # interrupt
    max_packet: int = 8
    interval: int = 10


@dataclass(frozen=True)
class InterfaceSpec:
    """One interface (alternate setting 0) with its endpoints."""

    number: int = 0
    cls: int = 0x03  # HID
    subclass: int = 0x00
    protocol: int = 0x00
    endpoints: tuple[EndpointSpec, ...] = (EndpointSpec(0x81),)
    #: HID report descriptor (HID interfaces only).
    report_descriptor: bytes = b""


@dataclass(frozen=True)
class DeviceSpec:
    """What a simulated device says about itself."""

    vendorid: int
    productid: int
    manufacturer: str = ""
    product: str = ""
    serial: str = ""
    bcd_device: int = 0x0100
    bcd_usb: int = 0x0110
    max_packet0: int = 8
    langids: tuple[int, ...] = (0x0409,)
    interfaces: tuple[InterfaceSpec, ...] = (InterfaceSpec(),)
    max_power_ma: int = 100
    #: String index of each text (0 = absent); bridges may need the low indexes free.
    string_indexes: tuple[int, int, int] = (1, 2, 3)
    extra_strings: dict[int, str] = field(default_factory=dict)

    def strings(self) -> dict[int, str]:
        """Index -> text of every string the device holds."""
        table = dict(self.extra_strings)
        for index, text in zip(self.string_indexes,
                               (self.manufacturer, self.product, self.serial), strict=True):
            if index and text:
                table[index] = text
        return table

    def index_of(self, which: int) -> int:
        texts = (self.manufacturer, self.product, self.serial)
        return self.string_indexes[which] if texts[which] else 0


def device_descriptor(spec: DeviceSpec) -> bytes:
    return struct.pack(
        "<BBHBBBBHHHBBBB", 18, 0x01, spec.bcd_usb, 0, 0, 0, spec.max_packet0,
        spec.vendorid, spec.productid, spec.bcd_device,
        spec.index_of(0), spec.index_of(1), spec.index_of(2), 1,
    )


def hid_descriptor(report_length: int) -> bytes:
    """The 9-byte HID class descriptor (HID 1.10, one report descriptor)."""
    return struct.pack("<BBHBBBH", 9, 0x21, 0x0110, 0, 1, 0x22, report_length)


def config_descriptor(spec: DeviceSpec) -> bytes:
    body = b""
    for intf in spec.interfaces:
        body += struct.pack("<BBBBBBBBB", 9, 0x04, intf.number, 0, len(intf.endpoints),
                            intf.cls, intf.subclass, intf.protocol, 0)
        if intf.cls == 0x03:
            body += hid_descriptor(len(intf.report_descriptor))
        for ep in intf.endpoints:
            body += struct.pack("<BBBBHB", 7, 0x05, ep.address, ep.attributes,
                                ep.max_packet, ep.interval)
    head = struct.pack("<BBHBBBBB", 9, 0x02, 9 + len(body), len(spec.interfaces), 1, 0, 0x80,
                       spec.max_power_ma // 2)
    return head + body


def string_descriptor(text: str) -> bytes:
    data = text.encode("utf-16-le")[:252]
    return bytes([2 + len(data), 0x03]) + data


def langid_descriptor(langids: tuple[int, ...]) -> bytes:
    data = b"".join(struct.pack("<H", x) for x in langids)
    return bytes([2 + len(data), 0x03]) + data


class Descriptor:
    """Attribute bag shaped like the descriptor objects pyusb backends return."""

    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)

    def __getattr__(self, name: str) -> Any:  # pragma: no cover - pyusb probes optional fields
        raise AttributeError(name)


@dataclass
class ParsedConfig:
    """A configuration descriptor split into pyusb-style views."""

    config: Descriptor
    interfaces: list[Descriptor]
    endpoints: list[list[Descriptor]]


def parse_config(raw: bytes) -> ParsedConfig:
    """Parse configuration bytes into configuration / interface / endpoint views."""
    _, _, total, n_intf, value, i_config, attrs, power = struct.unpack_from("<BBHBBBBB", raw)
    config = Descriptor(bLength=9, bDescriptorType=2, wTotalLength=total, bNumInterfaces=n_intf,
                        bConfigurationValue=value, iConfiguration=i_config, bmAttributes=attrs,
                        bMaxPower=power, extra_descriptors=[])
    interfaces: list[Descriptor] = []
    endpoints: list[list[Descriptor]] = []
    pos = 9
    while pos + 2 <= len(raw):
        length, kind = raw[pos], raw[pos + 1]
        if length < 2:
            break
        chunk = raw[pos:pos + length]
        if kind == 0x04:
            _, _, num, alt, n_ep, cls, sub, proto, i_intf = struct.unpack("<BBBBBBBBB", chunk)
            interfaces.append(Descriptor(
                bLength=9, bDescriptorType=4, bInterfaceNumber=num, bAlternateSetting=alt,
                bNumEndpoints=n_ep, bInterfaceClass=cls, bInterfaceSubClass=sub,
                bInterfaceProtocol=proto, iInterface=i_intf, extra_descriptors=[]))
            endpoints.append([])
        elif kind == 0x05 and interfaces:
            _, _, address, attrs, size, interval = struct.unpack("<BBBBHB", chunk)
            endpoints[-1].append(Descriptor(
                bLength=7, bDescriptorType=5, bEndpointAddress=address, bmAttributes=attrs,
                wMaxPacketSize=size, bInterval=interval, bRefresh=0, bSynchAddress=0,
                extra_descriptors=[]))
        elif interfaces:
            interfaces[-1].extra_descriptors.extend(chunk)
        pos += length
    return ParsedConfig(config, interfaces, endpoints)


# ------------------------------------------------------- HID report descriptors
def gamepad_report_descriptor(bits: int = 64) -> bytes:
    """A game pad with ``bits`` one-bit buttons in and out (the Energizer layout)."""
    return bytes([
        0x05, 0x01,        # Usage Page (Generic Desktop)
        0x09, 0x05,        # Usage (Game Pad)
        0xA1, 0x01,        # Collection (Application)
        0x05, 0x09,        #   Usage Page (Button)
        0x19, 0x01,        #   Usage Minimum (1)
        0x29, bits,        #   Usage Maximum (bits)
        0x15, 0x00,        #   Logical Minimum (0)
        0x25, 0x01,        #   Logical Maximum (1)
        0x75, 0x01,        #   Report Size (1)
        0x95, bits,        #   Report Count (bits)
        0x81, 0x02,        #   Input (Data, Variable, Absolute)
        0x19, 0x01,        #   Usage Minimum (1)
        0x29, bits,        #   Usage Maximum (bits)
        0x91, 0x02,        #   Output (Data, Variable, Absolute)
        0xC0,              # End Collection
    ])


def vendor_report_descriptor(size: int = 8, report_id: int | None = None) -> bytes:
    """A vendor-defined byte pipe of ``size`` bytes in, out (and feature)."""
    head = [0x06, 0x00, 0xFF, 0x09, 0x01, 0xA1, 0x01]
    if report_id is not None:
        head += [0x85, report_id]
    return bytes([
        *head,
        0x15, 0x00, 0x26, 0xFF, 0x00,  # Logical Minimum 0, Logical Maximum 255
        0x75, 0x08, 0x95, size,        # Report Size 8, Report Count size
        0x09, 0x01, 0x81, 0x02,        # Usage, Input (Data, Variable, Absolute)
        0x09, 0x01, 0x91, 0x02,        # Usage, Output
        0x09, 0x01, 0xB1, 0x02,        # Usage, Feature
        0xC0,                          # End Collection
    ])
