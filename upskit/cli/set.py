"""``upskit set``: list or change a UPS's writable variables, like ``upsrw``.

``upskit set [-l] UPS [VAR]`` describes the writable variables (only VAR when given)
in upsrw's format: name, description, type, then options, ranges or the value.
``upskit set [-u USER] [-p PASS] [-w] -s VAR=VALUE UPS`` changes one (``-s VAR``
asks for the value).  ``--json`` prints ``{"ups": NAME, "variables": {VAR: {...}}}``
for a listing and ``{"ups", "var", "value", "result", "tracking"}`` for a change.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from upskit.cli import control
from upskit.cli import target as t

if TYPE_CHECKING:
    from upskit.client import Client


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-l", "--list", action="store_true",
                        help="list writable variables (the default without -s)")
    parser.add_argument("-s", "--set", metavar="VAR[=VALUE]", help="variable to change")
    control.add_control_options(parser)
    t.add_ups_argument(parser, "UPS to address")
    parser.add_argument("var", nargs="?", metavar="VAR", help="describe only this variable")
    t.add_connection_options(parser)


def run(args: argparse.Namespace) -> int:
    action = _list if args.set is None else _set
    return t.on_ups(args, lambda target, ups: action(args, target, ups))


def _set(args: argparse.Namespace, target: t.Target, ups: str) -> int:
    var, equals, value = args.set.partition("=")
    if not equals:
        sys.stdout.write(f"Enter new value for {var}: ")
        sys.stdout.flush()
        line = sys.stdin.readline()
        if not line:
            sys.stderr.write("Error reading from stdin!\n")
            return 1
        value = line.rstrip("\r\n")
    outcome = control.perform(args, target, lambda client: client.set_var(ups, var, value))
    if args.json and outcome.result is not None:
        t.write_json({"ups": ups, "var": var, "value": value,
                      "result": outcome.result, "tracking": outcome.tracking})
    return outcome.code


def describe(client: Client, ups: str, var: str, value: str) -> dict[str, Any]:
    """Everything upsrw shows about one writable variable."""
    info: dict[str, Any] = {"description": client.get_desc(ups, var), "value": value}
    words = [w for w in client.get_type(ups, var) if w != "RW"]
    for word in words:
        if word == "ENUM":
            info.update(type="ENUM", options=client.list_enum(ups, var))
            return info
        if word == "RANGE":
            info.update(type="RANGE", ranges=[list(r) for r in client.list_range(ups, var)])
            return info
        if word.startswith("STRING:"):
            info.update(type="STRING", max_length=word[len("STRING:"):])
            return info
        if word == "NUMBER":
            info.update(type="NUMBER")
            return info
    info.update(type=words[0] if words else "", unrecognized=True)
    return info


def _in_range(value: str, low: str, high: str) -> bool:
    try:
        return float(low) <= float(value) <= float(high)
    except ValueError:
        return False


def render(var: str, info: dict[str, Any]) -> str:
    """One variable's block in upsrw's layout."""
    lines = [f"[{var}]", info["description"]]
    kind = info["type"]
    value = info["value"]
    if info.get("unrecognized"):
        lines.append(f"Type: {kind} (unrecognized)")
    elif kind == "ENUM":
        lines.append("Type: ENUM")
        lines += [
            f'Option: "{opt}"' + (" SELECTED" if opt == value else "") for opt in info["options"]
        ]
    elif kind == "RANGE":
        lines.append("Type: RANGE NUMBER")
        lines += [
            f'Option: "{low}-{high}"' + (" SELECTED" if _in_range(value, low, high) else "")
            for low, high in info["ranges"]
        ]
    elif kind == "STRING":
        lines += ["Type: STRING", f"Maximum length: {info['max_length']}", f"Value: {value}"]
    else:
        lines += ["Type: NUMBER", f"Value: {value}"]
    return "\n".join(lines) + "\n\n"


def _list(args: argparse.Namespace, target: t.Target, ups: str) -> int:
    from upskit.client import NutError

    try:
        with t.open_client(target, args) as client:
            writable = client.list_rw(ups)
            if args.var is not None:
                if args.var not in writable:
                    return t.error(f"{args.var} is not a writable variable of {ups}")
                writable = {args.var: writable[args.var]}
            variables = {var: describe(client, ups, var, val) for var, val in writable.items()}
    except NutError as exc:
        return t.error(exc.message)
    if args.json:
        for info in variables.values():
            if "max_length" in info and info["max_length"].isdigit():
                info["max_length"] = int(info["max_length"])
        t.write_json({"ups": ups, "variables": variables})
    else:
        t.write("".join(render(var, info) for var, info in variables.items()))
    return 0
