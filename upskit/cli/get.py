"""``upskit get UPS[@HOST[:PORT]] [VAR]``: show a UPS's variables, like ``upsc``.

Text output matches ``upsc`` byte for byte (``var: value`` lines, or the bare value),
errors too (``Error: ...`` on stderr, exit code 1).  ``--json`` prints
``{"ups": NAME, "vars": {VAR: VALUE, ...}}`` or ``{"ups": NAME, "var": VAR, "value": VALUE}``.
"""

from __future__ import annotations

from upskit.cli import target as t
from upskit.lean import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    t.add_ups_argument(parser, "UPS to query")
    parser.add_argument("var", nargs="?", metavar="VAR", help="only this variable")
    t.add_connection_options(parser)


def run(args: argparse.Namespace) -> int:
    return t.on_ups(args, lambda target, ups: _show(args, target, ups))


def _show(args: argparse.Namespace, target: t.Target, ups: str) -> int:
    from upskit.client import NutError

    if args.var is not None and "." not in args.var:
        return t.error("old-style variable names are not supported")
    try:
        with t.open_client(target, args) as client:
            if args.var is None:
                values = client.list_vars(ups)
            else:
                value = client.get_var(ups, args.var)
    except NutError as exc:
        if exc.code == "UNKNOWN-COMMAND":
            if args.var is None:
                return t.error("upsd is too old to support this query")
            return t.error("variable unknown (old upsd detected)")
        return t.error(exc.message)
    if args.var is None:
        if args.json:
            t.write_json({"ups": ups, "vars": values})
        else:
            t.write("".join(f"{name}: {val}\n" for name, val in values.items()))
    elif args.json:
        t.write_json({"ups": ups, "var": args.var, "value": value})
    else:
        t.write(f"{value}\n")
    return 0
