"""The simulated backend serves real descriptors to unmodified pyusb; captures replay."""

from __future__ import annotations

from pathlib import Path

import pytest
import usb.core
import usb.util

import upskit.sim.usb as simusb
from upskit.sim.usb import simulated_bus
from upskit.sim.usb.capture import format_capture, load_capture, parse_capture
from upskit.transport import open_transport
from upskit.transport.usb.bridges.armac import decode_packets

CAPTURES = Path(simusb.__file__).parent / "captures"


def test_pyusb_reads_descriptors_strings_and_hid_report() -> None:
    bus = simulated_bus("energizer")
    dev = usb.core.find(backend=bus.backend, idVendor=0x0F03, idProduct=0x0001)
    assert dev is not None
    assert dev.langids == (0x0409,)
    assert dev.product == "USB To RS232 Interface (V1.0) BaudRate 2400bps"
    assert dev.manufacturer == "Ver 1.0"
    intf = dev[0][(0, 0)]
    assert (intf.bInterfaceClass, intf.bInterfaceSubClass, intf.bInterfaceProtocol) == (3, 1, 2)
    assert list(intf.extra_descriptors)[:2] == [9, 0x21]  # HID class descriptor
    ep = intf[0]
    assert (ep.bEndpointAddress, ep.wMaxPacketSize, ep.bmAttributes) == (0x81, 8, 3)
    raw_cfg = dev.ctrl_transfer(0x80, 0x06, 0x0200, 0, 255)
    assert raw_cfg[1] == 2 and len(raw_cfg) == raw_cfg[2]
    # HID class request to interface 0 auto-claims: busy until the kernel driver goes.
    with pytest.raises(usb.core.USBError) as caught:
        dev.ctrl_transfer(0x21, 0x09, 0x0200, 0, b"Q1\r\x00\x00\x00\x00\x00")
    assert caught.value.errno == 16
    dev.detach_kernel_driver(0)
    dev.set_configuration()
    report = bytes(dev.ctrl_transfer(0x81, 0x06, 0x2200, 0, 255))
    assert report[:4] == b"\x05\x01\x09\x05"  # Generic Desktop / Game Pad
    dev.ctrl_transfer(0x21, 0x09, 0x0200, 0, b"Q1\r\x00\x00\x00\x00\x00")
    assert bytes(dev.read(0x81, 8, 100)).startswith(b"(")


def test_unplugged_device_raises_enodev_and_timeout_is_usbtimeouterror() -> None:
    bus = simulated_bus("cypress")
    dev = usb.core.find(backend=bus.backend)
    dev.detach_kernel_driver(0)
    dev.set_configuration()
    with pytest.raises(usb.core.USBTimeoutError):
        dev.read(0x81, 8, 10)
    bus.unplug()
    with pytest.raises(usb.core.USBError) as caught:
        dev.read(0x81, 8, 10)
    assert caught.value.errno == 19 and caught.value.backend_error_code == -4
    assert usb.core.find(backend=bus.backend) is None


def test_armac_trace_from_nut_notes_decodes() -> None:
    # Packets as printed: c1 28 31 ... ("(" + leftover), 81 32 ..., c3 33 33 2e ...
    head = decode_packets([bytes.fromhex("c1283100000000"), bytes.fromhex("81320000000000"),
                           bytes.fromhex("c333332e000000"), bytes.fromhex("82300d")])
    assert head == b"(233.0\r"


@pytest.mark.parametrize(("capture", "expected"), [
    ("armac-vultech-v2000.hex", b"(233.0 000.0 232.0 014 50.0 27.0 20.8 00001\r"),
    ("armac-r2000i.hex", b"(239.0 140.0 237.0 010 50.5 54.0 32.0 00001000\r"),
])
async def test_armac_captures_replay_to_the_printed_replies(capture: str, expected: bytes) -> None:
    transport = open_transport(f"sim://usb/armac?capture={CAPTURES / capture}", {})
    await transport.open()
    assert await transport.exchange(b"Q1\r") == expected


async def test_capture_roundtrip_and_groups() -> None:
    text = "# a log\n> Q1\n80 28 31\n\n> I\n0x82:23:41  # two bytes\n"
    cap = parse_capture(text)
    assert cap.groups == [[b"\x80\x28\x31"], [b"\x82\x23\x41"]]
    assert cap.commands == ["Q1", "I"]
    assert parse_capture(format_capture(cap.groups, ["Q1", "I"])).groups == cap.groups
    with pytest.raises(ValueError, match="line 2"):
        parse_capture("80 28\nzz\n")
    assert load_capture(CAPTURES / "armac-r2000i.hex").commands == ["Q1"]


async def test_sim_url_registers_bus_and_shares_ups_controls() -> None:
    from upskit.sim.usb.ports import usb_bus
    transport = open_transport("sim://usb/ippon-backpro?id=ippon-test", {})
    await transport.open()
    first = await transport.exchange(b"Q1\r")
    assert first.startswith(b"(")
    bus = usb_bus("ippon-test")
    bus.unplug()
    from upskit.transport import PortGone
    with pytest.raises(PortGone):
        await transport.exchange(b"Q1\r")
    bus.replug()
    assert (await transport.exchange(b"Q1\r")).startswith(b"(")


@pytest.mark.parametrize("word", ["1", "yes", "on", "TRUE"])
def test_chip_flags_take_every_yes_word(word: str) -> None:
    """``?chunking=on`` was silently ignored: only 1, yes and true (lower case) counted."""
    from upskit.sim.usb.ports import make_transport, usb_bus

    key = f"flags-{word}"
    make_transport(f"sim://usb/cypress?chunking={word}&realtime={word}&id={key}", {})
    bus = usb_bus(key)
    assert bus.device.faults.chunking
    assert bus.backend.pause_scale == 1.0


def test_the_request_log_is_bounded() -> None:
    """A simulated unit polled for days (``upskit demo --hid``) must not grow without end."""
    from upskit.sim.usb.device import REQUEST_LOG_SIZE

    bus = simulated_bus("energizer")
    dev = usb.core.find(backend=bus.backend, idVendor=0x0F03, idProduct=0x0001)
    assert dev is not None
    for _ in range(REQUEST_LOG_SIZE // 2 + 10):
        dev.ctrl_transfer(0x80, 0x06, 0x0100, 0, 18)  # GET_DESCRIPTOR (device)
        dev.ctrl_transfer(0x80, 0x06, 0x0100, 0, 18)
    assert len(bus.device.log) == REQUEST_LOG_SIZE
    assert bus.device.requests("control")
