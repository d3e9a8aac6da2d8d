"""``upskit snmp generate WALKFILE``: a mapping-table module and its test from a walk.

NUT's ``gen-snmp-subdriver.sh`` workflow: ``snmpwalk -On`` output (or a snmpsim
``.snmprec`` recording) -> ``NAME.py`` (the table, every object of the vendor's subtree
as a mapped or commented row) and ``test_NAME.py``.  A file that cannot be read or
understood is one line on standard error and exit 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "SNMP tools: generate a mapping table (subdriver) from an snmpwalk"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    text = "write a mapping-table module and its test from an snmpwalk -On output"
    sp = actions.add_parser("generate", help=text, description=text)
    sp.add_argument("walk", help="snmpwalk -On output or a snmpsim .snmprec file "
                                 "(- for standard input)")
    sp.add_argument("--names", metavar="WALKFILE",
                    help="the same walk with MIB names (snmpwalk -m ALL, without -On): "
                         "objects whose names say what they are become mapped rows")
    sp.add_argument("-n", "--name", help="table name, the mibs= value (default: from the "
                                         "enterprise number)")
    sp.add_argument("--sysoid", help="sysObjectID, when the walk has none")
    sp.add_argument("--type", dest="device_type", choices=("ups", "pdu", "ats"),
                    default="ups", help="device.type of the agent (default ups)")
    sp.add_argument("-o", "--directory", default=".",
                    help="where to write NAME.py and test_NAME.py (default: here)")
    sp.add_argument("-f", "--force", action="store_true", help="overwrite existing files")


def _fail(message: str, code: int = 2) -> int:
    sys.stdout.flush()
    print(f"upskit snmp: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    from upskit.cli.generated import WriteRefused, read_input, write_module_and_test
    from upskit.drivers.snmp.generate import WalkError, generate

    try:
        text = read_input(args.walk)
        names = read_input(args.names) if args.names else None
    except OSError as exc:
        return _fail(f"cannot read {exc.filename or args.walk}: {exc.strerror or exc}")
    source = "standard input" if args.walk == "-" else Path(args.walk).name
    try:
        result = generate(text, args.name or "", names_text=names, sysoid=args.sysoid,
                          device_type=args.device_type, source=source)
    except WalkError as exc:
        return _fail(f"{source}: {exc}")
    try:
        module, test = write_module_and_test(Path(args.directory), result.name,
                                             result.module, result.test, force=args.force)
    except WriteRefused as exc:
        return _fail(str(exc))
    mapped = ", ".join(sorted(result.mapped)) or "none (give --names)"
    print(f"wrote {module} and {test}; mapped: {mapped}")
    return 0
