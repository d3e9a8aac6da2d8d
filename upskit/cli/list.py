"""``upskit list [-L] [HOST[:PORT]]`` / ``upskit list -c UPS[@HOST[:PORT]]``: like ``upsc -l``.

Text output matches ``upsc``: UPS names one per line; with ``-L`` ``name: description``;
with ``-c`` the addresses of the clients logged in to a UPS.  ``--json`` prints
``{"ups": [NAME, ...]}``, ``{"ups": {NAME: DESCRIPTION}}`` or
``{"ups": NAME, "clients": [ADDRESS, ...]}``.
"""

from __future__ import annotations

from upskit.cli import target as t
from upskit.lean import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("-L", "--long", action="store_true",
                      help="show each UPS's description too (upsc -L)")
    mode.add_argument("-c", "--clients", action="store_true",
                      help="list the clients logged in to UPS (upsc -c)")
    parser.add_argument("where", nargs="?", metavar="HOST[:PORT] | UPS[@HOST[:PORT]]",
                        help="server (default localhost); with -c the UPS")
    t.add_connection_options(parser)


def run(args: argparse.Namespace) -> int:
    from upskit.client import NutError

    try:
        if args.clients:
            if args.where is None:
                raise t.TargetError("missing UPS name")
            target = t.parse_target(args.where)
        else:
            target = t.parse_host(args.where)
    except t.TargetError as exc:
        return t.target_error(exc)
    try:
        with t.open_client(target, args) as client:
            if args.clients:
                assert target.ups is not None
                clients = client.list_clients(target.ups)
            else:
                upses = client.list_ups()
    except NutError as exc:
        if exc.code == "UNKNOWN-COMMAND":
            return t.error("upsd is too old to support this query")
        return t.error(exc.message)
    if args.clients:
        if args.json:
            t.write_json({"ups": target.ups, "clients": clients})
        else:
            t.write("".join(f"{address}\n" for address in clients))
    elif args.long:
        if args.json:
            t.write_json({"ups": upses})
        else:
            t.write("".join(f"{name}: {desc}\n" for name, desc in upses.items()))
    elif args.json:
        t.write_json({"ups": list(upses)})
    else:
        t.write("".join(f"{name}\n" for name in upses))
    return 0
