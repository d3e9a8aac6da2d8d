"""Entry point of the ``upskit`` command: a thin dispatcher over lazily loaded subcommands.

Each built-in subcommand lives in ``upskit/cli/<name>.py`` (dashes become underscores)
and defines ``add_arguments(parser)`` and ``run(args) -> int``.  Those modules import
only argparse at module level, so ``upskit get`` starts fast.  The names are a plugin
registry: a package adds a subcommand through the entry-point group ``upskit.commands``
(a module or object with the same two functions, and ``HELP``, a one-line help)::

    [project.entry-points."upskit.commands"]
    report = "acme_ups.report"
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Protocol, cast

from upskit import __version__
from upskit.plugins import PluginRegistry, PluginUnavailable

#: Built-in subcommand -> one-line help, in the order ``--help`` lists them.
COMMANDS: dict[str, str] = {
    "demo": "serve a simulated UPS that fails and recovers, for trying clients",
    "run": "run drivers and the NUT network server (and monitor) from a configuration",
    "get": "show a UPS's variables, like upsc",
    "list": "list UPSes or clients on a server, like upsc -l / -L / -c",
    "cmd": "run or list instant commands, like upscmd",
    "set": "change or list writable variables, like upsrw",
    "monitor": "watch UPSes and shut this machine down safely, like upsmon",
    "killpower": "tell each UPS to cut power and return (late in system shutdown)",
    "simulate": "run a simulated UPS on a pseudo-terminal or in-process",
    "raw": "send one command through any port and print the raw reply",
    "scan": "find USB and serial UPSes and print a configuration for them",
    "udev-rules": "print udev rules (and hwdb) for every supported USB device",
    "hid": "explore a HID UPS, dump its report descriptor, generate a subdriver",
    "history": "print a UPS's recorded charge, runtime, load and voltages",
    "events": "print the event log: status changes, lost communication, FSD, commands",
    "lines": "show a serial port's modem lines live and toggle DTR/RTS (contact-closure UPSes)",
    "driver": "run one upskit driver for NUT's upsd, like a NUT driver program",
    "drvctl": "start, stop or show drivers like upsdrvctl (or one UPS inside upskit run)",
    "snmp": "SNMP tools: generate a mapping table (subdriver) from an snmpwalk",
}


class Subcommand(Protocol):
    """What a subcommand module (or plugin object) provides."""

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


def _subcommand(obj: object) -> Subcommand:
    if callable(getattr(obj, "add_arguments", None)) and callable(getattr(obj, "run", None)):
        return cast(Subcommand, obj)
    raise TypeError(f"{obj!r} defines no add_arguments(parser) and run(args)")


#: Subcommand name -> its module (entry-point group ``upskit.commands``).
SUBCOMMANDS: PluginRegistry[Subcommand] = PluginRegistry(
    "command", "commands",
    {name: f"upskit.cli.{name.replace('-', '_')}" for name in COMMANDS},
    check=_subcommand, casefold=False,
)

#: Subcommands that never touch asyncio: they start without loading it at all.
_SYNC_COMMANDS = frozenset({"get", "list", "cmd", "set", "udev-rules"})


def _command_names(argv: Sequence[str] | None) -> list[str]:
    """Only the built-in that ``argv`` asks for (loading every subcommand's module, and
    reading the installed packages' entry points, costs tens of milliseconds); else the
    built-in names, then installed ones."""
    words = sys.argv[1:] if argv is None else argv
    wanted = next((word for word in words if not word.startswith("-")), None)
    if wanted in COMMANDS:
        return [wanted]
    return [*COMMANDS, *(name for name in SUBCOMMANDS.names() if name not in COMMANDS)]


def _help(name: str, command: Subcommand) -> str:
    if name in COMMANDS:
        return COMMANDS[name]
    text = getattr(command, "HELP", None) or (getattr(command, "__doc__", None) or "")
    return str(text).strip().split("\n", 1)[0]


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter, sized without importing ``shutil`` (and through it bz2,
    lzma and zlib) at every start: only help output needs the terminal's width."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        if width is None:
            width = _terminal_columns() - 2
        super().__init__(prog, indent_increment, max_help_position, width)


def _terminal_columns() -> int:
    """What ``shutil.get_terminal_size`` says: $COLUMNS, else the terminal's, else 80."""
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else 80
    except (AttributeError, ValueError, OSError):
        return 80


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for ``argv`` (default: this process's arguments)."""
    parser = argparse.ArgumentParser(
        prog="upskit", description="UPS monitoring and safe shutdown, NUT-compatible.",
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"upskit {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="more log output (repeat for debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _command_names(argv):
        try:
            command = SUBCOMMANDS.load(name)
        except PluginUnavailable as exc:
            print(f"upskit: {exc}; command left out", file=sys.stderr)
            continue
        help_text = _help(name, command)
        sp = sub.add_parser(name, help=help_text, description=help_text,
                            formatter_class=_Formatter)
        # -v also after the subcommand (``upskit run -v``); counted with the global ones
        sp.add_argument("-v", "--verbose", action="count", default=0, dest="sub_verbose",
                        help="more log output (repeat for debug)")
        command.add_arguments(sp)
        sp.set_defaults(_module=command)
    return parser


def setup_logging(verbosity: int) -> None:
    import logging  # only now: the client commands start faster without it

    level = logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    module: Subcommand | None = getattr(args, "_module", None)
    if module is None:
        parser.print_help(sys.stderr)
        return 2
    args.verbose += args.sub_verbose
    if args.command not in _SYNC_COMMANDS:
        from upskit.lazyssl import import_asyncio

        import_asyncio()
    if args.verbose or args.command not in _SYNC_COMMANDS:
        setup_logging(args.verbose)  # the client commands log nothing unless asked
    try:
        result: int = module.run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    return result


if __name__ == "__main__":
    sys.exit(main())
