"""``upskit scan``: find USB and serial UPSes, say what they speak, print a config.

USB devices come from pyusb (or ``--simulate NAME`` devices on a simulated
bus); the device table names the bridge, and each candidate is probed through
the real transport with the Q* driver's protocol detection.  A unit a HID
subdriver claims (and no bridge entry supports) is a ``usbhid-ups`` unit: the scan
names the subdriver, without probing it.  Serial ports
(``/dev/ttyUSB*``, ``/dev/ttyACM*`` and any ``--serial PATH``) are probed in
parallel.  The whole scan stays under ``--time`` seconds (default 4.5).  SNMP agents
are asked only when named: ``--snmp HOST[/CIDR][:PORT]`` (:mod:`upskit.cli.scan_snmp`).
"""

from __future__ import annotations

import argparse
import glob
import re
import sys
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from upskit.config.settings import UpsConf


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from upskit.cli.argtypes import positive_number

    parser.add_argument("--serial", action="append", default=[], metavar="PATH",
                        help="also probe this serial port (repeatable)")
    parser.add_argument("--no-serial", action="store_true", help="skip serial ports")
    parser.add_argument("--no-usb", action="store_true", help="skip USB devices")
    parser.add_argument("--simulate", action="append", default=[], metavar="NAME",
                        help="scan a simulated USB bus with this device (repeatable)")
    parser.add_argument("--time", type=positive_number, default=4.5,
                        help="seconds the whole scan may take (default 4.5)")
    parser.add_argument("--snmp", action="append", default=[], metavar="HOST[/CIDR][:PORT]",
                        help="ask this SNMP agent (or every address of a network of at "
                             "most 256) which MIB it speaks (repeatable)")
    parser.add_argument("--community", default="public",
                        help="SNMP community for --snmp (default public)")
    parser.add_argument("--snmp-version", choices=("v1", "v2c"), default="v1",
                        help="SNMP version for --snmp (default v1, as snmp-ups)")


@dataclass
class Found:
    """One device the scan saw."""

    port: str
    label: str
    bridge: str | None = None
    dialect: str | None = None
    model: str = ""
    options: dict[str, str] = field(default_factory=dict)
    note: str = ""
    #: the HID subdriver claiming the unit (``"apc"``): a usbhid-ups unit
    hid: str | None = None
    #: the ``subdriver`` option the section needs (a possibly supported or unknown unit)
    hid_option: str | None = None
    #: a HID device nothing claims: listed only if its descriptor says power device
    hid_probe: bool = False
    #: nothing but its HID interface makes it a candidate (no table knows its vendor)
    hid_only: bool = False
    #: an SNMP agent's snmp-ups options (mibs, community, snmp_version)
    snmp: dict[str, str] | None = None

    @property
    def driver(self) -> str:
        if self.snmp:
            return "snmp-ups"
        return "usbhid-ups" if self.hid else "nutdrv_qx"


def _usb_candidates(backend: Any) -> list[tuple[Any, Found]]:
    import usb.core

    from upskit.drivers.hid.claims import claim_of
    from upskit.transport.usb import UsbTransport
    from upskit.transport.usb.bridges.table import Support, support_of

    found: list[tuple[Any, Found]] = []
    reader = UsbTransport("auto", {}, backend=backend)
    try:
        devices = list(usb.core.find(find_all=True, backend=backend))
    except usb.core.NoBackendError:
        return []
    for dev in devices:
        ident = reader.identify(dev)
        level, entry = support_of(ident)
        label = f"USB {ident.vid_pid} bus {ident.bus} device {ident.device}"
        text = " ".join(x for x in (ident.vendor, ident.product) if x)
        if text:
            label += f" \"{text}\""
        bridged = level is Support.SUPPORTED and entry is not None and entry.bridge
        hid = None if bridged else claim_of(ident.vendorid, ident.productid)
        probe = hid is None and not bridged and _has_hid_interface(dev)
        if level is Support.NOT_SUPPORTED and hid is None and not probe:
            continue
        item = Found("auto", label, hid=hid, hid_probe=probe,
                     hid_only=level is Support.NOT_SUPPORTED and hid is None)
        if hid is not None and hid.endswith(")"):  # possibly supported: NUT wants both
            item.hid_option = hid.split()[0]
        item.options = {"vendorid": f"{ident.vendorid:04x}", "productid": f"{ident.productid:04x}",
                        "bus": ident.bus}
        if ident.serial:  # a regular expression, as NUT's USB matching reads it
            item.options["serial"] = re.escape(ident.serial)
        if hid is not None:
            item.note = "HID Power Device"
        elif level is Support.SUPPORTED and entry is not None and entry.bridge is not None:
            item.bridge = entry.bridge
            item.note = entry.example
        elif entry is not None and entry.bridge is None:
            item.note = entry.example
            item.port = ""
        else:
            item.note = "vendor known, product not in the table: try subdriver="
            item.port = ""
        if not ident.serial.isprintable():  # ups.conf cannot hold a line break
            del item.options["serial"]
            item.note += " (serial number unprintable: left out)"
        found.append((dev, item))
    return found


def _has_hid_interface(dev: Any) -> bool:
    try:
        return any(intf.bInterfaceClass == 0x03 for cfg in dev for intf in cfg)
    except Exception:  # a device that cannot list its interfaces is not probed
        return False


async def _probe_hid(port: Any, item: Found) -> None:
    """Open ``port`` (a HID port) and read its report descriptor: a Power Device or
    Battery System page makes ``item`` a generic usbhid-ups unit."""
    from upskit.drivers.hid.descriptor import DescriptorError, parse_descriptor
    from upskit.transport.base import TransportError
    from upskit.transport.hidports import POWER_PAGES

    try:
        await port.open()
    except (TransportError, OSError) as exc:
        item.note = f"HID device, cannot open: {exc}"
        return
    try:
        raw = await port.report_descriptor()
        try:
            parsed = parse_descriptor(raw)
        except DescriptorError as exc:
            item.note = f"HID device, report descriptor unreadable: {exc}"
            return
        pages = {usage >> 16 for f in parsed.fields for usage in f.usage_path}
        if pages & POWER_PAGES:
            item.hid, item.hid_option, item.port = "generic", "generic", "auto"
            item.note = "HID Power Device; no subdriver claims it: try `upskit hid explore`"
        elif item.hid_only:
            item.note = "not a HID Power Device"
    except (TransportError, OSError) as exc:
        item.note = f"HID device, report descriptor unreadable: {exc}"
    finally:
        await port.close()


async def _probe(transport: Any, item: Found) -> None:
    """Open ``transport`` and name its dialect with the Q* driver's detection."""
    from upskit.drivers.qx.detect import detect
    from upskit.model import Device
    from upskit.transport.base import TransportError

    try:
        await transport.open()
    except TransportError as exc:
        item.note = f"cannot open: {exc}"
        return
    try:
        device = Device("scan")
        dialect = await detect(transport, device, {})
        if dialect is not None:
            item.dialect = dialect.name
            item.model = " ".join(filter(None, (
                device.get("device.mfr") or device.get("ups.mfr"),
                device.get("device.model") or device.get("ups.model"))))
    finally:
        await transport.close()


def settings(items: list[Found]) -> UpsConf:
    """One ``nutdrv_qx`` or ``usbhid-ups`` section per item: ``ups1``, ``ups2``..."""
    from upskit.config.settings import UpsConf, UpsSettings

    conf = UpsConf()
    for n, item in enumerate(items, 1):
        options: dict[str, str | bool] = dict(_options(item))
        conf.ups[f"ups{n}"] = UpsSettings(f"ups{n}", item.driver, item.port, options=options)
    return conf


def ups_conf(items: list[Found]) -> str:
    """The ``ups.conf`` for ``items``, each section saying which device it is."""
    from upskit.config.nut_writer import dump_ups_conf

    comments = {f"ups{n}": item.label + (f" - {item.model}" if item.model else "")
                for n, item in enumerate(items, 1)}
    return dump_ups_conf(settings(items), comments=comments, quote=("serial",))


def toml(items: list[Found]) -> str:
    """The same sections as upskit's TOML."""
    from upskit.config.toml_writer import dump_ups_toml

    return dump_ups_toml(settings(items))


def _options(item: Found) -> dict[str, str]:
    if item.snmp:
        return dict(item.snmp)
    opts = {k: v for k, v in item.options.items() if k != "bus"} if item.port == "auto" else {}
    if item.bridge:
        opts["subdriver"] = item.bridge
    elif item.hid_option:
        opts["subdriver"] = item.hid_option
    if item.dialect:
        opts["protocol"] = item.dialect
    return opts


async def scan(args: argparse.Namespace, simulated: Any = None) -> list[Found]:
    """Probe USB (``simulated``: a simulated bus's pyusb backend) and serial ports."""
    import asyncio

    from upskit.transport import open_transport

    deadline = time.monotonic() + max(0.5, args.time)
    jobs: list[tuple[Found, Any]] = []
    results: list[Found] = []
    if not args.no_usb and (simulated is not None or _pyusb_present()):
        backend: Any = simulated
        if backend is None:
            from upskit.transport.usb import get_default_backend

            backend = get_default_backend()
        candidates = _usb_candidates(backend)
        from upskit.transport.usb import UsbTransport
        from upskit.transport.usb.hid import UsbHidPort

        for _dev, item in candidates:
            results.append(item)
            if item.hid_probe:
                vid_pid = f"{item.options['vendorid']}:{item.options['productid']}"
                opts = {k: v for k, v in item.options.items() if k != "vendorid"
                        and k != "productid"}
                port = UsbHidPort(f"usbhid://{vid_pid}", opts, backend=backend)
                jobs.append((item, port))
                continue
            if item.bridge is None:
                continue
            opts = dict(item.options) | {"subdriver": item.bridge}
            jobs.append((item, UsbTransport("auto", opts, backend=backend)))
    if not args.no_serial:
        tty = glob.glob("/dev/ttyUSB*") + glob.glob("/dev/ttyACM*")
        paths = sorted(set(tty) | set(args.serial))
        for path in paths:
            item = Found(path, f"serial {path}")
            results.append(item)
            try:
                jobs.append((item, open_transport(path, {})))
            except (ValueError, OSError) as exc:
                item.note = str(exc)
    remaining = max(0.1, deadline - time.monotonic())
    tasks = [asyncio.create_task(_probe_hid(t, item) if item.hid_probe else _probe(t, item))
             for item, t in jobs]
    snmp_task = None
    if args.snmp:
        from upskit.cli.scan_snmp import scan_hosts

        snmp_task = asyncio.create_task(scan_hosts(
            args.snmp, args.community, args.snmp_version, min(1.0, remaining / 2)))
    if tasks:
        _done, pending = await asyncio.wait(tasks, timeout=remaining)
        for task in pending:
            task.cancel()
        for (item, _t), task in zip(jobs, tasks, strict=True):
            if task in pending:
                item.note += " (no answer in time)"
    if snmp_task is not None:
        results += [Found(a.where, f"SNMP agent {a.where}", model=a.model, note=a.note,
                          snmp=a.options or None) for a in await snmp_task]
    # a HID device whose descriptor said no power page (a keyboard) is not a UPS
    return [r for r in results if not (r.hid_only and r.note == "not a HID Power Device")]


def _pyusb_present() -> bool:
    from upskit.transport.usbsupport import UsbUnavailable, require_pyusb

    try:
        require_pyusb()
    except UsbUnavailable as exc:
        print(f"upskit scan: USB devices skipped: {exc}", file=sys.stderr)
        return False
    return True


def run(args: argparse.Namespace) -> int:
    import asyncio

    from upskit.transport.usbsupport import UsbUnavailable

    simulated = None
    if args.simulate and not args.no_usb:
        try:
            from upskit.sim.usb import simulated_bus

            simulated = simulated_bus(*args.simulate).backend
        except (UsbUnavailable, ValueError) as exc:  # no pyusb, or an unknown device name
            print(f"upskit scan: {exc}", file=sys.stderr)
            return 2
    if args.snmp:
        from upskit.cli.scan_snmp import BadSnmpTarget, expand

        try:
            for spec in args.snmp:
                expand(spec)
        except BadSnmpTarget as exc:
            print(f"upskit scan: {exc}", file=sys.stderr)
            return 2
    results = asyncio.run(scan(args, simulated))
    if not results:
        print("No UPS-like USB device, serial port or SNMP agent found.")
        return 1
    print("Found:")
    for item in results:
        what = []
        if item.hid == "generic":
            what.append("usbhid-ups, subdriver generic (no subdriver claims it; try "
                        "`upskit hid explore`)")
        elif item.hid:
            what.append(f"usbhid-ups, subdriver {item.hid}")
        if item.snmp:
            what.append(f"snmp-ups, mibs {item.snmp['mibs']}")
        if item.bridge:
            what.append(f"bridge {item.bridge}")
        if item.dialect:
            what.append(f"protocol {item.dialect}")
        if item.model:
            what.append(item.model)
        extra = f" [{item.note.strip()}]" if item.note.strip() else ""
        none = "HID device" if item.hid_only else "no Q* UPS detected"
        print(f"  {item.label}: {', '.join(what) or none}{extra}")
    usable = [i for i in results if i.port and (i.dialect or i.bridge or i.hid or i.snmp)]
    if usable:
        print("\n# ups.conf\n" + ups_conf(usable))
        print("# upskit.toml\n" + toml(usable))
    return 0
