"""Every simulated USB chip by name, with the ids and strings real units show.

``build(name, responder)`` makes a fresh device; names are the bridge names plus
named models from the field (``ippon-backpro``, ``vultech-v2000`` ...) and the HID
Power Device UPSes (``apc-back-ups``, ``cyberpower``, ``eaton-ellipse``), kept in the
``usb-simulators`` plugin registry (a package can add its own chips).  Each
default identity is one the device table really picks the right bridge for
(except ``gtec`` and ``snr``, which NUT never auto-selects either: see
:data:`FORCED`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import cast

from upskit.plugins import PluginRegistry, callable_check
from upskit.sim.base import CommandResponder
from upskit.sim.usb import serial_chips as chips
from upskit.sim.usb.armac import ArmacDevice
from upskit.sim.usb.descriptors import (
    DeviceSpec,
    EndpointSpec,
    InterfaceSpec,
    gamepad_report_descriptor,
    vendor_report_descriptor,
)
from upskit.sim.usb.device import SimUsbDevice
from upskit.sim.usb.energizer import EnergizerDevice
from upskit.sim.usb.hidups import HidUpsDevice, HidUpsModel
from upskit.sim.usb.hidups_models import MODELS as HID_MODELS
from upskit.sim.usb.string_chips import FABULA, HUNNOX, KRAULER, SNR, StringDevice

Builder = Callable[[CommandResponder | None], SimUsbDevice]

HID8 = (InterfaceSpec(report_descriptor=vendor_report_descriptor(8)),)
HID64 = (InterfaceSpec(endpoints=(EndpointSpec(0x81, max_packet=64),),
                       report_descriptor=vendor_report_descriptor(64)),)
HID_IN_OUT = (InterfaceSpec(endpoints=(EndpointSpec(0x81), EndpointSpec(0x02)),
                            report_descriptor=vendor_report_descriptor(8)),)
ARMAC_INTERRUPT = (InterfaceSpec(endpoints=(EndpointSpec(0x82, max_packet=64),
                                            EndpointSpec(0x02, max_packet=64)),
                                 report_descriptor=vendor_report_descriptor(64)),)
VENDOR = (InterfaceSpec(cls=0xFF, endpoints=(EndpointSpec(0x81),)),)
#: Chips whose strings occupy the low indexes the commands use: keep 1 and 2 only.
STRINGS_12 = (1, 2, 0)


def _spec(vid: int, pid: int, vendor: str = "", product: str = "", serial: str = "",
          interfaces: tuple[InterfaceSpec, ...] = HID8,
          indexes: tuple[int, int, int] = (1, 2, 3)) -> DeviceSpec:
    return DeviceSpec(vid, pid, vendor, product, serial, interfaces=interfaces,
                      string_indexes=indexes)


def _energizer(model: str) -> Builder:
    spec = _spec(0x0F03, 0x0001, "Ver 1.0", "USB To RS232 Interface (V1.0) BaudRate 2400bps",
                 interfaces=(InterfaceSpec(subclass=0x01, protocol=0x02,
                                           report_descriptor=gamepad_report_descriptor()),))
    spec = replace(spec, bcd_device=0x0001)

    def build(responder: CommandResponder | None) -> SimUsbDevice:
        if responder is None:
            from upskit.sim.usb.responder import FixedMegatec

            responder = FixedMegatec(info=f"#Energizer {model} A0")
        return EnergizerDevice(spec, responder)

    return build


def _string(spec: DeviceSpec, table: dict[int, str], **quirks: object) -> Builder:
    def build(responder: CommandResponder | None) -> SimUsbDevice:
        return StringDevice(spec, responder, table, **quirks)  # type: ignore[arg-type]

    return build


def _armac(product: str, **kind: object) -> Builder:
    interrupt = bool(kind.get("interrupt_mode"))
    spec = _spec(0x0925, 0x1234, "Richcomm", product, "",
                 ARMAC_INTERRUPT if interrupt else HID8)

    def build(responder: CommandResponder | None) -> SimUsbDevice:
        return ArmacDevice(spec, responder, **kind)  # type: ignore[arg-type]

    return build


def _hid_ups(model: HidUpsModel) -> Builder:
    """A HID Power Device UPS: its own physics model stands behind it, no responder."""
    def build(responder: CommandResponder | None) -> SimUsbDevice:
        return HidUpsDevice(model)

    return build


def _plain(cls: type[SimUsbDevice], spec: DeviceSpec) -> Builder:
    def build(responder: CommandResponder | None) -> SimUsbDevice:
        return cls(spec, responder)

    return build


BUILDERS: dict[str, Builder] = {
    "cypress": _plain(chips.CypressDevice, _spec(0x0665, 0x5161, "", "USB to Serial")),
    "phoenix": _plain(chips.CypressDevice, _spec(0x06DA, 0x0601, "Phoenixtec Power",
                                                  "USB Cable (V2.00)")),
    "phoenixtec": _plain(chips.PhoenixtecDevice, _spec(0x06DA, 0x0002, "Phoenixtec Power",
                                                       "USB Cable (V2.00)", "", VENDOR)),
    "ippon": _plain(chips.IpponDevice, _spec(0x06DA, 0x0003, "Phoenixtec Power Co., Ltd",
                                             "USB to Serial")),
    "gtec": _plain(chips.GtecDevice, _spec(0x0665, 0x5161, "", "ZP120N")),
    "omron": _plain(chips.OmronDevice, _spec(0x0590, 0x00B7, "OMRON", "BN150T", "",
                                             HID64)),
    "sgs": _plain(chips.SgsDevice, _spec(0x0483, 0x0035, "STMicroelectronics", "TS Shara")),
    "fuji": _plain(chips.FujiDevice, _spec(0x0001, 0x0000, "ATCL FOR UPS", "ATCL FOR UPS",
                                           "", HID_IN_OUT)),
    "ablerex": _plain(chips.AblerexDevice, _spec(0xFFFF, 0x0000, "Ablerex", "625L")),
    "krauler": _string(_spec(0x0001, 0x0000, "Krauler", "UP-M500VA", "", HID8, STRINGS_12),
                       KRAULER),
    "fabula": _string(_spec(0x0001, 0x0000, "MEC", "MEC0003", "", HID8, STRINGS_12),
                      FABULA, shutdowns=True),
    "hunnox": _string(_spec(0x0001, 0x0000, "Fry's Electronics", "MEC0003", "", HID8,
                            STRINGS_12), HUNNOX, shutdowns=True, lockstep=True),
    "snr": _string(_spec(0x0001, 0x0000, "SNR", "MEC0003", "", HID8, STRINGS_12), SNR,
                   wake=True),
    "armac": _armac("PowerManagerII", data_per_packet=5),
    "energizer": _energizer("ER-OF800"),
    # Named units from the field.
    "ippon-backpro": _plain(chips.IpponDevice, _spec(0x06DA, 0x0003, "Phoenixtec Power Co., Ltd",
                                                     "Ippon BackPro")),
    "energizer-er-of800": _energizer("ER-OF800"),
    "energizer-er-hm450": _energizer("ER-HM450"),
    "energizer-er-hmof600": _energizer("ER-HMOF600"),
    "vultech-v2000": _armac("Vultech V2000", data_per_packet=6, nul_status=True),
    "armac-r2000i": _armac("Armac R/2000I/PSW", data_per_packet=5),
    "armac-r3000i": _armac("Armac R/3000I/PF1", interrupt_mode=True),
    "armac-interrupt": _armac("PowerManagerII", interrupt_mode=True),
    # HID Power Device UPSes (usbhid-ups), driven by the physics model
    **{name: _hid_ups(model) for name, model in HID_MODELS.items()},
}

#: Simulated USB devices by name (entry-point group ``upskit.usb_simulators``).
USB_SIMULATORS: PluginRegistry[Builder] = PluginRegistry(
    "simulated USB device", "usb_simulators", BUILDERS,
    check=lambda obj: cast(Builder, callable_check(obj)))

#: Names that need ``subdriver`` forced (the table never picks them).
FORCED = {"gtec": "gtec", "snr": "snr"}


def is_hid_ups(name: str) -> bool:
    """Whether catalog name ``name`` is a HID Power Device UPS (not a Q* bridge)."""
    return name in HID_MODELS


def bridge_of(name: str) -> str:
    """The bridge (subdriver) a catalog name speaks."""
    base = name.split("-", 1)[0]
    if base in ("vultech", "armac"):
        return "armac"
    return base


def build(name: str, responder: CommandResponder | None = None) -> SimUsbDevice:
    """A new simulated device ``name`` with ``responder`` behind it."""
    builder = USB_SIMULATORS.load(name)  # UnknownPlugin (a ValueError) lists the names
    if responder is None and not name.startswith("energizer"):
        from upskit.sim.usb.responder import FixedMegatec

        responder = FixedMegatec()
    return builder(responder)
