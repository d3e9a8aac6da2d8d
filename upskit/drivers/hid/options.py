"""The ups.conf options of the HID driver: NUT's usbhid-ups ones (usbhid-ups(8))."""

from __future__ import annotations

from upskit.drivers.options import CommonOptions
from upskit.options import Option, flag, number, text, whole


class HidOptions(CommonOptions):
    """usbhid-ups's options; the USB matching keys belong to the port."""

    subdriver = Option(text, None, help="the subdriver to use, instead of VID:PID")
    pollfreq = Option(number(1, unit="seconds"), 30.0, help="seconds between full updates")
    offdelay = Option(whole(0, unit="seconds"), 20, help="seconds before the load is cut")
    ondelay = Option(whole(0, unit="seconds"), 30, help="seconds before power returns")
    onlinedischarge = flag(help="on line and discharging means on battery")
    onlinedischarge_calibration = flag(help="on line and discharging means calibrating")
    lowbatt = Option(number(0, 100, unit="percent"), None,
                     help="battery charge at or below which the battery is low")
    pollonly = flag(help="do not listen to input reports")
    interruptonly = flag(help="read status from input reports only")
    interruptsize = Option(whole(1), None, help="bytes to read per input report")
    explore = flag(help="use the generic subdriver and publish every path")
    disable_fix_report_desc = flag(help="do not apply the subdriver's descriptor fix-ups")
