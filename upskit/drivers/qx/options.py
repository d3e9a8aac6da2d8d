"""The ups.conf options of the Q* driver: NUT's nutdrv_qx ones, plus a few of upskit's.

The list follows ``nutdrv_qx -h`` and nutdrv_qx(8): driver options, USB matching
(``nut_usb_addvars``), every protocol's options (NUT accepts them whatever the protocol),
and upskit's own (``drain``, serial line settings).  A test keeps it in step with the
options the dialect tables read.
"""

from __future__ import annotations

from upskit.config.values import BadValue, show
from upskit.drivers.options import FLAG, TEXT, Option, choice, number, pattern, value, whole

#: What a voltronic capability option takes.
_ON_OFF = value(choice("enabled", "disabled"))


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


def subdriver(text: str) -> str:
    """A USB bridge name (``cypress``, ``krauler``...)."""
    from upskit.transport.usb.bridges import BRIDGES

    if text.lower() not in BRIDGES:
        raise BadValue(f"needs a known USB subdriver, got {show(text)} "
                       f"(known: {', '.join(sorted(BRIDGES))})")
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


def runtimecal(text: str) -> str:
    """``runtime,load,runtime,load``: two runtimes (seconds) at two loads (percent)."""
    parts = text.split(",")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) != 4 or any(n <= 0 for n in numbers):
        raise BadValue(f'needs "runtime,load,runtime,load" (four numbers above 0, e.g. '
                       f'"240,100,720,50"), got {show(text)}')
    return text


def langid(text: str) -> str:
    """A USB language id in hex (``0x409``, ``0x4095``)."""
    digits = text.strip().lower().removeprefix("0x")
    try:
        int(digits, 16)
    except ValueError:
        raise BadValue(f"needs a hex number like 0x409, got {show(text)}") from None
    return text


QX_OPTIONS: dict[str, Option] = {
    # the driver
    "port": value(port),
    "protocol": value(protocol),
    "ondelay": value(number(0, unit="seconds")),
    "offdelay": value(number(0, unit="seconds")),
    "stayoff": FLAG,
    "pollfreq": value(number(1, unit="seconds")),
    "runtimecal": value(runtimecal),
    "chargetime": value(number(0, unit="seconds")),
    "idleload": value(number(0, 100, unit="percent")),
    "novendor": FLAG,
    "norating": FLAG,
    "ignoresab": FLAG,
    "battery_voltage_reports_one_pack": FLAG,
    # USB
    "subdriver": value(subdriver),
    "vendor": value(pattern),
    "product": value(pattern),
    "serial": value(pattern),
    "vendorid": value(pattern),
    "productid": value(pattern),
    "bus": value(pattern),
    "device": value(pattern),
    "busport": value(pattern),
    "usb_set_altinterface": value(whole(0)),
    "usb_config_index": value(whole(0)),
    "usb_hid_rep_index": value(whole(0)),
    "usb_hid_desc_index": value(whole(0)),
    "usb_hid_ep_in": value(whole(0)),
    "usb_hid_ep_out": value(whole(0)),
    "allow_duplicates": FLAG,
    "langid_fix": value(langid),
    "noscanlangid": FLAG,
    "drain": value(choice("yes", "no", "on", "off", "true", "false", "1", "0")),
    # serial
    "cablepower": value(choice("normal", "reverse", "both", "none")),
    "baudrate": value(whole(1)),
    "baud": value(whole(1)),
    "serial_timeout": value(number(0.01, unit="seconds")),
    # voltronic
    **{name: _ON_OFF for name in (
        "bypass_alarm", "battery_alarm", "bypass_when_off", "alarm_control", "converter_mode",
        "eco_mode", "battery_open_status_check", "bypass_forbidding", "site_fault_detection",
        "advanced_eco_mode", "constant_phase_angle", "limited_runtime_on_battery")},
    "reset_to_default": FLAG,
    "max_bypass_volt": value(number(0, unit="volts")),
    "min_bypass_volt": value(number(0, unit="volts")),
    "max_bypass_freq": value(number(0, unit="hertz")),
    "min_bypass_freq": value(number(0, unit="hertz")),
    "work_range_type": value(choice("Appliance", "UPS")),
    "output_phase_angle": value(choice("000", "120", "180", "240")),
    "battery_number": value(whole(1, 9)),
    "testing": FLAG,
    # q2 / q6
    "nooutstats": FLAG,
    # bestups
    "pins_shutdown_mode": value(whole(0, 6)),
    # masterguard (slave_addr is upskit's older spelling)
    "slave_address": value(whole(0, 99)),
    "slave_addr": value(whole(0, 99)),
    "series": TEXT,
    "input_fault_voltage": TEXT,
    "number_of_battery_cells": TEXT,
    "nominal_cell_voltage": TEXT,
    "runtime_half": TEXT,
    "runtime_full": TEXT,
    "recharge_time": TEXT,
    "output_voltages": TEXT,
    **{f"fault_{n}": TEXT for n in range(1, 6)},
}
