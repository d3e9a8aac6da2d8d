"""The ups.conf options of the Q* driver: NUT's nutdrv_qx ones, plus a few of upskit's.

The list follows ``nutdrv_qx -h`` and nutdrv_qx(8): driver options and every protocol's
options (NUT accepts them whatever the protocol).  The serial and USB keys nutdrv_qx
also lists belong to the ports (:mod:`upskit.transport.options`); the driver accepts
them whatever its port, as NUT does, and never reads them.  A test keeps the list in
step with the options the dialect tables read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from upskit.drivers.options import CommonOptions
from upskit.options import BadValue, Option, choice, flag, number, show, text, whole

#: What a voltronic capability option takes.
_ON_OFF = Option(choice("enabled", "disabled"), None)


def protocol(text: str) -> str:
    """A Q* dialect name (``megatec``, ``megatec/old``, ``voltronic-qs``...)."""
    from upskit.drivers.qx.dialect import load_dialect
    from upskit.plugins import PluginUnavailable, UnknownPlugin

    try:
        load_dialect(text)
    except UnknownPlugin as exc:
        hint = f"; did you mean {exc.suggestion!r}?" if exc.suggestion else ""
        raise BadValue(f"needs a known protocol, got {show(text)} "
                       f"(known: {', '.join(exc.known)}){hint}") from None
    except PluginUnavailable as exc:
        raise BadValue(f"= {show(text)} cannot work here: {exc}") from None
    return text


def port(text: str) -> str:
    """Any port URL; a USB one (``auto``, ``usb://...``) only where pyusb can be imported."""
    from upskit.transport.url import scheme_of
    from upskit.transport.usbsupport import UsbUnavailable, require_pyusb

    if scheme_of(text) in ("auto", "usb"):
        try:
            require_pyusb()
        except UsbUnavailable as exc:
            raise BadValue(f'= "{text}" cannot work here: {exc}') from None
    return text


def runtimecal(text: str) -> tuple[float, float, float, float]:
    """``runtime,load,runtime,load``: two runtimes (seconds) at two loads (percent)."""
    parts = text.split(",")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) != 4 or any(not n > 0 for n in numbers):
        raise BadValue(f'needs "runtime,load,runtime,load" (four numbers above 0, e.g. '
                       f'"240,100,720,50"), got {show(text)}')
    return numbers[0], numbers[1], numbers[2], numbers[3]


class QxOptions(CommonOptions):
    """nutdrv_qx's options: the driver's own typed, each protocol's by name (``extra``)."""

    port = Option(port, None, help="a port URL (auto, usb://..., a device path, sim://...)")
    protocol = Option(protocol, None, help="the Q* protocol, instead of detecting it")
    ondelay = Option(number(0, unit="seconds"), None, help="seconds before power returns")
    offdelay = Option(number(0, unit="seconds"), None, help="seconds before the load is cut")
    stayoff = flag(help="killpower leaves the load off when power returns")
    pollfreq = Option(number(1, unit="seconds"), 30.0, help="seconds between full updates")
    runtimecal = Option(runtimecal, None, help="runtime,load,runtime,load for estimates")
    chargetime = Option(number(0, unit="seconds"), 43200.0,
                        help="seconds a flat battery takes to charge")
    idleload = Option(number(0, 100, unit="percent"), 10.0,
                      help="load of the UPS itself, percent")
    novendor = flag(help="do not ask the device for its vendor")
    norating = flag(help="do not ask the device for its ratings")
    ignoresab = flag(help="ignore the shutdown-active bit")
    battery_voltage_reports_one_pack = flag(help="battery.voltage is one pack's")

    extra: ClassVar[Mapping[str, Option[Any]]] = {
        # voltronic
        **{name: _ON_OFF for name in (
            "bypass_alarm", "battery_alarm", "bypass_when_off", "alarm_control",
            "converter_mode", "eco_mode", "battery_open_status_check", "bypass_forbidding",
            "site_fault_detection", "advanced_eco_mode", "constant_phase_angle",
            "limited_runtime_on_battery")},
        "reset_to_default": flag(),
        "max_bypass_volt": Option(number(0, unit="volts"), None),
        "min_bypass_volt": Option(number(0, unit="volts"), None),
        "max_bypass_freq": Option(number(0, unit="hertz"), None),
        "min_bypass_freq": Option(number(0, unit="hertz"), None),
        "work_range_type": Option(choice("Appliance", "UPS"), None),
        "output_phase_angle": Option(choice("000", "120", "180", "240"), None),
        "battery_number": Option(whole(1, 9), None),
        "testing": flag(),
        # q2 / q6
        "nooutstats": flag(),
        # bestups
        "pins_shutdown_mode": Option(whole(0, 6), None),
        # masterguard (slave_addr is upskit's older spelling)
        "slave_address": Option(whole(0, 99), None),
        "slave_addr": Option(whole(0, 99), None),
        **{name: Option(text, None) for name in (
            "series", "input_fault_voltage", "number_of_battery_cells",
            "nominal_cell_voltage", "runtime_half", "runtime_full", "recharge_time",
            "output_voltages", *(f"fault_{n}" for n in range(1, 6)))},
    }


#: The Q* driver's own options by name (besides NUT's common ones).
QX_OPTIONS: Mapping[str, Option[Any]] = {
    k: v for k, v in QxOptions.spec.items() if k not in CommonOptions.spec or k == "port"}
