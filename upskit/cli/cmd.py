"""``upskit cmd``: list or run a UPS's instant commands, like ``upscmd``.

``upskit cmd -l UPS`` prints the commands as ``upscmd -l`` does; ``upskit cmd [-u USER]
[-p PASS] [-w] [-t SECONDS] UPS COMMAND [VALUE]`` runs one.  ``--json`` prints
``{"ups": NAME, "commands": {COMMAND: DESCRIPTION}}`` for ``-l`` and
``{"ups", "command", "value", "result", "tracking"}`` for a run.
"""

from __future__ import annotations

import argparse

from upskit.cli import control
from upskit.cli import target as t


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-l", "--list", action="store_true", help="list instant commands")
    control.add_control_options(parser)
    t.add_ups_argument(parser, "UPS to address")
    parser.add_argument("command", nargs="?", metavar="COMMAND", help="instant command to run")
    parser.add_argument("value", nargs="?", metavar="VALUE", help="optional command parameter")
    t.add_connection_options(parser)


def run(args: argparse.Namespace) -> int:
    return t.on_ups(args, lambda target, ups: _run(args, target, ups))


def _run(args: argparse.Namespace, target: t.Target, ups: str) -> int:
    if args.list:
        return _list(args, target, ups)
    if args.command is None:
        return t.error("no instant command given (see upskit cmd -l UPS)")
    outcome = control.perform(
        args, target, lambda client: client.instcmd(ups, args.command, args.value)
    )
    if args.json and outcome.result is not None:
        t.write_json({"ups": ups, "command": args.command, "value": args.value,
                      "result": outcome.result, "tracking": outcome.tracking})
    return outcome.code


def _list(args: argparse.Namespace, target: t.Target, ups: str) -> int:
    from upskit.client import NutError

    try:
        with t.open_client(target, args) as client:
            names = client.list_commands(ups)
            described = {name: client.get_cmddesc(ups, name) for name in names}
    except NutError as exc:
        return t.error(exc.message)
    if args.json:
        t.write_json({"ups": ups, "commands": described})
        return 0
    lines = [f"Instant commands supported on UPS [{ups}]:\n", "\n"]
    lines += [f"{name} - {desc}\n" for name, desc in described.items()]
    t.write("".join(lines))
    return 0
