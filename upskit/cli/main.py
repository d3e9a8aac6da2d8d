"""Entry point of the ``upskit`` command: a thin dispatcher over lazily loaded subcommands.

Each built-in subcommand lives in ``upskit/cli/<name>.py`` (dashes become underscores)
and defines ``add_arguments(parser)`` and ``run(args) -> int``.  Those modules import
little at module level, so ``upskit get`` starts fast; the plain forms of ``get`` and
``list`` (positional words and ``--json``) are even read without argparse (see
:func:`quick_args`), anything else goes through the full parser.  The names are a plugin
registry: a package adds a subcommand through the entry-point group ``upskit.commands``
(a module or object with the same two functions, and ``HELP``, a one-line help)::

    [project.entry-points."upskit.commands"]
    report = "acme_ups.report"
"""

from __future__ import annotations

import os
import sys

from upskit import __version__
from upskit.lean import TYPE_CHECKING  # typing's, without importing typing at start

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from typing import Protocol

    from upskit.plugins import PluginRegistry

    class Subcommand(Protocol):
        """What a subcommand module (or plugin object) provides."""

        def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

        def run(self, args: argparse.Namespace) -> int: ...

    Namespace = argparse.Namespace
    #: Subcommand name -> its module (entry-point group ``upskit.commands``); made on
    #: first use by the module's ``__getattr__``.
    SUBCOMMANDS: PluginRegistry[Subcommand]
else:
    class Namespace:
        """What the quick path hands a subcommand: argparse.Namespace's attributes."""

        def __init__(self, **kwargs: object) -> None:
            self.__dict__.update(kwargs)

        def __repr__(self) -> str:
            items = ", ".join(f"{key}={value!r}" for key, value in self.__dict__.items())
            return f"Namespace({items})"

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


def _subcommand(obj: object) -> Subcommand:
    if callable(getattr(obj, "add_arguments", None)) and callable(getattr(obj, "run", None)):
        command: Subcommand = obj  # type: ignore[assignment]  # checked just above
        return command
    raise TypeError(f"{obj!r} defines no add_arguments(parser) and run(args)")


_registry: PluginRegistry[Subcommand] | None = None


def _subcommands() -> PluginRegistry[Subcommand]:
    """Subcommand name -> its module (entry-point group ``upskit.commands``); made on
    first use, as ``SUBCOMMANDS`` (the quick path of ``get``/``list`` needs none of it)."""
    global _registry
    if _registry is None:
        from upskit.plugins import PluginRegistry

        _registry = PluginRegistry(
            "command", "commands",
            {name: f"upskit.cli.{name.replace('-', '_')}" for name in COMMANDS},
            check=_subcommand, casefold=False,
        )
    return _registry


def __getattr__(name: str) -> object:
    if name == "SUBCOMMANDS":
        return _subcommands()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

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
    return [*COMMANDS, *(name for name in _subcommands().names() if name not in COMMANDS)]


def _help(name: str, command: Subcommand) -> str:
    if name in COMMANDS:
        return COMMANDS[name]
    text = getattr(command, "HELP", None) or (getattr(command, "__doc__", None) or "")
    return str(text).strip().split("\n", 1)[0]


def _formatter(prog: str) -> argparse.HelpFormatter:
    """argparse's formatter, sized without importing ``shutil`` (and through it bz2,
    lzma and zlib) at every start: only help output needs the terminal's width."""
    import argparse

    return argparse.HelpFormatter(prog, width=_terminal_columns() - 2)


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
    import argparse

    from upskit.plugins import PluginUnavailable

    parser = argparse.ArgumentParser(
        prog="upskit", description="UPS monitoring and safe shutdown, NUT-compatible.",
        formatter_class=_formatter,
    )
    parser.add_argument("--version", action="version", version=f"upskit {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="more log output (repeat for debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _command_names(argv):
        try:
            command = _subcommands().load(name)
        except PluginUnavailable as exc:
            print(f"upskit: {exc}; command left out", file=sys.stderr)
            continue
        help_text = _help(name, command)
        sp = sub.add_parser(name, help=help_text, description=help_text,
                            formatter_class=_formatter)
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


#: Subcommand -> (its positional arguments, how many of them are required, the
#: defaults of its options) for :func:`quick_args`; tests/cli/test_quick_args.py checks
#: that these read a command line exactly as the full parser does.
_QUICK: dict[str, tuple[tuple[str, ...], int, dict[str, object]]] = {
    "get": (("ups", "var"), 1, {}),
    "list": (("where",), 0, {"long": False, "clients": False}),
}


def quick_args(argv: Sequence[str]) -> Namespace | None:
    """``get`` and ``list`` given only positional words and ``--json``, read without
    argparse (whose import and parser set-up cost more than the rest of such a run),
    with what the full parser would make of them; None for anything else (another
    command, an option, a wrong count, help), which the full parser then reads."""
    if not argv or argv[0] not in _QUICK:
        return None
    names, required, defaults = _QUICK[argv[0]]
    at = [index for index, word in enumerate(argv) if index and word != "--json"]
    words = [argv[index] for index in at]
    if not required <= len(words) <= len(names) or any(w.startswith("-") for w in words):
        return None
    if at and at[-1] - at[0] >= len(at):
        return None  # an option between the positionals: argparse refuses some of those
    from upskit.cli.target import connection_defaults

    # __import__, not importlib.import_module: importlib would load warnings as well
    module = _subcommand(__import__(f"upskit.cli.{argv[0]}", fromlist=["run"]))
    values = {**defaults, **connection_defaults(), **dict.fromkeys(names)}
    values.update(zip(names, words, strict=False))
    values["json"] = len(words) < len(argv) - 1
    return Namespace(command=argv[0], verbose=0, sub_verbose=0, **values, _module=module)


def main(argv: list[str] | None = None) -> int:
    args = quick_args(sys.argv[1:] if argv is None else argv)
    if args is None:
        parser = build_parser(argv)
        args = parser.parse_args(argv)
        module: Subcommand | None = getattr(args, "_module", None)
        if module is None:
            parser.print_help(sys.stderr)
            return 2
    else:
        module = args._module
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
