"""A NUT debug log answers the USB strings it can place: the identity texts at the
indexes its ``iManufacturer``/``iProduct``/``iSerialNumber`` fields read."""

from __future__ import annotations

from tests.sim.test_hidcapture import nut_log
from upskit.sim.usb.hidcapture import CapturedHidPort, parse_nut_log

STRING_FIELDS = "\n".join([
    "[D3] Report[get]: (2 bytes) => 01 02",
    "[D1] Path: UPS.PowerSummary.iProduct, Type: Feature, ReportID: 0x01, "
    "Offset: 0, Size: 8, Value: 2",
    "[D3] Report[get]: (2 bytes) => 02 03",
    "[D1] Path: UPS.PowerSummary.iSerialNumber, Type: Feature, ReportID: 0x02, "
    "Offset: 0, Size: 8, Value: 3",
    "[D3] Report[get]: (2 bytes) => 03 04",
    "[D1] Path: UPS.PowerSummary.iDeviceChemistry, Type: Feature, ReportID: 0x03, "
    "Offset: 0, Size: 8, Value: 4",
    "[D3] Report[get]: (2 bytes) => 0a 00",
    "[D1] Path: UPS.PowerSummary.iManufacturer, Type: Feature, ReportID: 0x0a, "
    "Offset: 0, Size: 8, Value: 0.03",
])


async def test_the_log_places_its_identity_strings() -> None:
    port = CapturedHidPort(parse_nut_log(nut_log() + "\n" + STRING_FIELDS))
    await port.open()
    try:
        assert await port.string(2) == "Acme 650"
        assert await port.string(3) == "AC650-0042"
        assert await port.string(4) is None  # the chemistry text is not in the log
        assert await port.string(0) is None  # the mis-encoded iManufacturer places nothing
    finally:
        await port.close()


async def test_a_log_without_string_fields_has_no_strings() -> None:
    port = CapturedHidPort(parse_nut_log(nut_log()))
    await port.open()
    try:
        assert await port.string(1) is None
    finally:
        await port.close()
