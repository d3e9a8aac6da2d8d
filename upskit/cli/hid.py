"""``upskit hid explore|descriptor|generate``: NUT's explore workflow for HID Power Devices.

``explore PORT`` prints every field as NUT's ``-x explore`` ``Path:`` line, after the
``- VendorID:`` ... lines naming the unit; ``descriptor PORT`` decodes the report
descriptor item by item; ``generate [LOG]`` reads explore lines (ours or a NUT debug
log) and writes a subdriver module and its test. A port or input that cannot be used
is a usage error (one line, exit 2); a device that stops answering is exit 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "explore a HID UPS, dump its report descriptor, generate a subdriver"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from upskit.cli.argtypes import positive_number

    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for action, text in (("explore", "print every field as NUT's explore Path: lines"),
                         ("descriptor", "decode the report descriptor item by item")):
        sp = actions.add_parser(action, help=text, description=text)
        sp.add_argument("port", help="port URL: sim://usb/apc-back-ups, usb://051d:0002 ...")
        sp.add_argument("-o", "--option", action="append", default=[], metavar="KEY=VALUE",
                        help="port option, like in ups.conf (repeatable)")
        sp.add_argument("-t", "--timeout", type=positive_number, default=30.0,
                        help="seconds the whole exchange may take (default 30)")
    text = "write a subdriver module and its test from explore lines"
    sp = actions.add_parser("generate", help=text, description=text)
    sp.add_argument("log", nargs="?", default="-",
                    help="upskit hid explore output or a NUT -x explore debug log "
                         "(default: standard input)")
    sp.add_argument("-d", "--directory", default=".",
                    help="where to write NAME.py and test_NAME.py (default: here)")
    sp.add_argument("-n", "--name", help="subdriver name (default: from the manufacturer)")
    sp.add_argument("--vendorid", type=_usb_id, help="USB vendor id (hex), if the log has none")
    sp.add_argument("--productid", type=_usb_id,
                    help="USB product id (hex), if the log has none")
    sp.add_argument("-f", "--force", action="store_true", help="overwrite existing files")


def _usb_id(text: str) -> int:
    try:
        value = int(text, 16)
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad USB id {text!r} (4 hex digits)") from None
    if not 0 <= value <= 0xFFFF:
        raise argparse.ArgumentTypeError(f"bad USB id {text!r} (4 hex digits)")
    return value


def _fail(message: str, code: int = 2) -> int:
    sys.stdout.flush()
    print(f"upskit hid: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    if args.action == "generate":
        return _generate(args)
    return _device(args)


def _device(args: argparse.Namespace) -> int:
    import asyncio

    from upskit.cli.argtypes import port_options
    from upskit.transport.base import TransportError
    from upskit.transport.hid import HidPort
    from upskit.transport.url import open_port

    options = port_options(args.option)
    try:
        port = open_port(args.port, options, HidPort)  # type: ignore[type-abstract]
    except (ValueError, LookupError, ImportError, TypeError) as exc:
        return _fail(f"cannot use port {args.port!r}: {exc}")
    try:
        lines = asyncio.run(asyncio.wait_for(_session(port, args.action), args.timeout))
    except (TransportError, OSError) as exc:
        return _fail(f"{args.port}: {exc or type(exc).__name__}", 1)
    except TimeoutError:
        return _fail(f"{args.port}: no answer within {args.timeout:g} s", 1)
    except ValueError as exc:  # DescriptorError
        return _fail(f"{args.port}: unusable report descriptor: {exc}", 1)
    for line in lines:
        print(line)
    return 0


async def _session(port: object, action: str) -> list[str]:
    from upskit.drivers.hid.descriptor import parse_descriptor
    from upskit.drivers.hid.explore import dump_items, explore, identity_lines
    from upskit.transport.hid import HidPort

    assert isinstance(port, HidPort)
    async with port:
        data = await port.report_descriptor()
        if action == "descriptor":
            return [f"Report Descriptor: ({len(data)} bytes)", *dump_items(data)]
        info: dict[str, str] = {}
        getter = getattr(port, "device_info", None)
        if callable(getter):
            info = {str(k): str(v) for k, v in dict(getter()).items()}
        fields, failed = await explore(port, parse_descriptor(data))
        for bad in failed:
            print(f"upskit hid: report 0x{bad.report_id:02x} not read: {bad.reason}",
                  file=sys.stderr)
        return [*identity_lines(info), *(str(f) for f in fields)]


def _generate(args: argparse.Namespace) -> int:
    from upskit.cli.generated import WriteRefused, read_input, write_module_and_test
    from upskit.drivers.hid.generate import LogError, generate

    try:
        text = read_input(args.log)
    except OSError as exc:
        return _fail(f"cannot read {args.log}: {exc.strerror or exc}")
    try:
        result = generate(text, args.name, args.vendorid, args.productid)
    except LogError as exc:
        return _fail(f"{'standard input' if args.log == '-' else args.log}: {exc}")
    try:
        module, test = write_module_and_test(Path(args.directory), result.name,
                                             result.module, result.test, force=args.force)
    except WriteRefused as exc:
        return _fail(str(exc))
    print(f"wrote {module} and {test}")
    return 0
