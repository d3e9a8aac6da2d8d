"""A NUT usbhid-ups debug log as a simulated HID device.

The logs are written here for a small made-up UPS, in the shapes users paste: with
NUT's timestamps and [Dn] tags, without them, with Windows line ends, with other USB
devices checked before the UPS, with the descriptor wrapped over several lines.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from upskit.sim.usb.hidcapture import (
    CapturedHidPort,
    CaptureError,
    load_nut_log,
    parse_nut_log,
)
from upskit.transport import HidPort, PortGone

#: A made-up 30-byte descriptor: it is only carried, never parsed, here.
DESCRIPTOR = bytes(range(0x40, 0x40 + 30))


def hexs(data: bytes) -> str:
    return " ".join(f"{b:02x}" for b in data)


def nut_log(stamped: bool = True) -> str:
    lines = [
        "[D2] Checking device 1 of 2 (1D6B/0002)",
        "[D2] - VendorID: 1d6b",
        "[D2] - ProductID: 0002",
        "[D2] - Manufacturer: unknown",
        "[D2] - Product: unknown",
        "[D2] - Serial Number: unknown",
        "[D2] - Bus: 001",
        "[D2] Trying to match device",
        "[D2] Device does not match - skipping",
        "[D2] Checking device 2 of 2 (0999/0101)",
        "[D2] - VendorID: 0999",
        "[D2] - ProductID: 0101",
        "[D2] - Manufacturer: Acme Power",
        "[D2] - Product: Acme 650",
        "[D2] - Serial Number: AC650-0042",
        "[D2] - Bus: 002",
        "[D2] - Device: 005",
        "[D2] - Device release number: 0106",
        "[D2] Trying to match device",
        "[D2] Device matches",
        "[D2] Report Descriptor size = 30",
        f"[D3] Report Descriptor: (30 bytes) => {hexs(DESCRIPTOR[:12])}",
        f"[D3]  {hexs(DESCRIPTOR[12:24])}",
        f"[D3]  {hexs(DESCRIPTOR[24:])}",
        "[D3] Report[get]: (3 bytes) => 0c 64 00",
        "[D1] Path: UPS.PowerSummary.RemainingCapacity, Type: Feature, ReportID: 0x0c, "
        "Offset: 0, Size: 8, Value: 100",
        "[D3] Report[buf]: (3 bytes) => 0c 64 00",
        "[D1] Path: UPS.PowerSummary.RunTimeToEmpty, Type: Feature, ReportID: 0x0c, "
        "Offset: 8, Size: 16, Value: 0",
        "[D3] Report[get]: (2 bytes) => 16 0e",
        "[D1] Path: UPS.PowerSummary.PresentStatus.ACPresent, Type: Input, "
        "ReportID: 0x16, Offset: 0, Size: 1, Value: 0",
        "[D3] Report[err]: (2 bytes) => 17 01",
        "[D1] Path: UPS.Output.DelayBeforeShutdown, Type: Feature, ReportID: 0x17, "
        "Offset: 0, Size: 16, Value: -1",
        "[D1] Path: UPS.Output.DelayBeforeStartup, Type: Feature, ReportID: 0x18, "
        "Offset: 0, Size: 24, Value: -1",
        "[D3] Report[set]: (3 bytes) => 17 3c 00",
        "[D3] Report[get]: (3 bytes) => 0c 63 00",  # read again later: the latest wins
        "[D3] Report[int]: (2 bytes) => 16 0c",
    ]
    if stamped:
        return "\n".join(f"   {0.01 * i:.6f}\t{line}" for i, line in enumerate(lines))
    return "\n".join(line.split("] ", 1)[1] for line in lines)


@pytest.mark.parametrize("variant", ["stamped", "plain", "crlf"])
def test_a_log_becomes_a_capture(variant: str) -> None:
    text = nut_log(stamped=variant != "plain")
    if variant == "crlf":
        text = text.replace("\n", "\r\n")
    cap = parse_nut_log(text)
    assert (cap.vendorid, cap.productid, cap.bcd) == (0x0999, 0x0101, 0x0106)
    assert (cap.vendor, cap.product, cap.serial, cap.bus, cap.device) == (
        "Acme Power", "Acme 650", "AC650-0042", "002", "005")
    assert cap.descriptor == DESCRIPTOR
    assert cap.reports() == {0x0C: b"\x0c\x63\x00", 0x16: b"\x16\x0e", 0x17: b"\x17\x01"}
    assert cap.interrupts == [b"\x16\x0c"]
    assert [(f.path, f.type, f.report_id, f.offset, f.size, f.value)
            for f in cap.fields][:2] == [
        ("UPS.PowerSummary.RemainingCapacity", "Feature", 12, 0, 8, "100"),
        ("UPS.PowerSummary.RunTimeToEmpty", "Feature", 12, 8, 16, "0")]
    assert cap.numbered
    assert cap.report_lengths() == {0x0C: 4, 0x16: 2, 0x17: 3, 0x18: 4}


def test_without_a_match_verdict_the_last_device_counts() -> None:
    cap = parse_nut_log("- VendorID: 0463\n- ProductID: ffff\n- Product: unknown\n"
                        "- VendorID: 0764\n- ProductID: 0501\n- Product: CP1500\n")
    assert (cap.vendorid, cap.productid, cap.product) == (0x0764, 0x0501, "CP1500")
    empty = parse_nut_log("nothing to see\n")
    assert empty.vendorid is None and empty.descriptor == b""


def test_unnumbered_reports() -> None:
    cap = parse_nut_log("Report[get]: (2 bytes) => 64 00\n"
                        "Path: UPS.PowerSummary.RemainingCapacity, Type: Feature, "
                        "ReportID: 0x00, Offset: 0, Size: 16, Value: 100\n")
    assert not cap.numbered
    assert cap.reports() == {0: b"\x64\x00"}
    assert cap.report_lengths() == {0: 2}


@pytest.mark.parametrize(("text", "message"), [
    ("Report Descriptor: (30 bytes) => 05 84 09 04\nPath: x", "line 1: report descriptor "
     "announces 30 bytes, the log holds 4"),
    ("a\nReport[get]: (3 bytes) => 0c zz 00\n", "line 2: Report[get]: not hex"),
    ("Report[get]: (3 bytes) => 0c 64\n", "line 1: Report[get] announces 3 bytes"),
])
def test_broken_logs_name_the_line(text: str, message: str) -> None:
    with pytest.raises(CaptureError, match=re.escape(message)):
        parse_nut_log(text)


def test_load_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(CaptureError, match=r"nope\.log: cannot read"):
        load_nut_log(tmp_path / "nope.log")
    bad = tmp_path / "bad.log"
    bad.write_text("Report[int]: (2 bytes) => 16\n")
    with pytest.raises(CaptureError, match=r"bad\.log: line 1"):
        load_nut_log(bad)
    good = tmp_path / "good.log"
    good.write_bytes(nut_log().encode() + b"\n\xff\xfe junk\n")
    assert load_nut_log(good).descriptor == DESCRIPTOR


async def test_the_port_answers_as_the_device_did() -> None:
    port = CapturedHidPort(parse_nut_log(nut_log()), "sim://usb/hid?capture=x.log")
    assert isinstance(port, HidPort)
    async with port:
        assert port.device_info()["driver.parameter.serial"] == "AC650-0042"
        assert port.device_info()["ups.vendorid"] == "0999"
        assert await port.report_descriptor() == DESCRIPTOR
        assert await port.get_feature(0x0C, 4) == b"\x0c\x63\x00"
        assert await port.get_feature(0x0C, 2) == b"\x0c\x63"
        assert await port.get_feature(0x17, 3) == b"\x17\x01"  # as short as it came
        # never read: zeros of the length the Path lines imply
        assert await port.get_feature(0x18, 64) == b"\x18\x00\x00\x00"
        assert await port.get_feature(0x30, 5) == b"\x30\x00\x00\x00\x00"
        await port.set_feature(0x18, b"\x18\x3c\x00\x00")
        assert await port.get_feature(0x18, 4) == b"\x18\x3c\x00\x00"
        await port.set_output(2, b"\x02\x01")
        assert port.outputs == [b"\x02\x01"]
        stream = port.input_reports()
        assert await asyncio.wait_for(anext(stream), 10) == b"\x16\x0c"
        asyncio.get_running_loop().call_later(0.05, port.push_input, b"\x16\x0d")
        assert await asyncio.wait_for(anext(stream), 10) == b"\x16\x0d"
        port.unplug()
        with pytest.raises(PortGone):
            await asyncio.wait_for(anext(stream), 10)
        with pytest.raises(PortGone):
            await port.get_feature(0x0C, 4)
    with pytest.raises(PortGone):
        await port.open()
    port.replug()
    async with port:
        assert await port.get_feature(0x0C, 4) == b"\x0c\x63\x00"


async def test_report_lengths_given_by_the_caller_win() -> None:
    cap = parse_nut_log(nut_log())
    by_map = CapturedHidPort(cap, report_lengths={0x18: 2, 0x40: 3})
    by_func = CapturedHidPort(cap, report_lengths=lambda rid: 6 if rid == 0x18 else None)
    async with by_map, by_func:
        assert await by_map.get_feature(0x18, 64) == b"\x18\x00"
        assert await by_map.get_feature(0x40, 64) == b"\x40\x00\x00"
        assert await by_func.get_feature(0x18, 64) == bytes([0x18]) + bytes(5)
        assert await by_func.get_feature(0x0C, 64) == b"\x0c\x63\x00"


async def test_close_ends_the_stream_and_a_reopen_serves_again() -> None:
    port = CapturedHidPort(parse_nut_log(nut_log()))
    await port.open()
    stream = port.input_reports()
    assert await asyncio.wait_for(anext(stream), 10) == b"\x16\x0c"
    waiting = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0.05)
    await port.close()
    with pytest.raises(PortGone):
        await asyncio.wait_for(waiting, 10)
    await port.open()
    port.push_input(b"\x16\x0e")
    assert await asyncio.wait_for(anext(port.input_reports()), 10) == b"\x16\x0e"
    await port.close()


def test_a_log_without_descriptor_or_fields_is_no_device() -> None:
    with pytest.raises(CaptureError, match="neither a 'Report Descriptor:' line nor"):
        CapturedHidPort(parse_nut_log("- VendorID: 0999\n"))


def test_the_device_nut_matched_counts_not_the_last_checked() -> None:
    cap = parse_nut_log("Checking device 1 of 2 (0999/0101)\n- VendorID: 0999\n"
                        "- ProductID: 0101\nDevice matches\n"
                        "Checking device 2 of 2 (1D6B/0003)\n- VendorID: 1d6b\n"
                        "- ProductID: 0003\nDevice does not match - skipping\n"
                        "Checking device (046D/C52B)\n- VendorID: 046d\n")  # cut short
    assert (cap.vendorid, cap.productid) == (0x0999, 0x0101)
    skipped = parse_nut_log("Checking device (1D6B/0003)\n- VendorID: 1d6b\n"
                            "Device does not match - skipping\n")
    assert skipped.vendorid is None
