"""Entry point of the ``upskit`` command: a thin dispatcher over lazily loaded subcommands.

Each subcommand lives in ``upskit/cli/<name>.py`` (dashes become underscores) and
defines ``add_arguments(parser)`` and ``run(args) -> int``.  Those modules import
only argparse at module level, so ``upskit get`` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from types import ModuleType

from upskit import __version__

#: subcommand -> one-line help.
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
}


#: Subcommands that never touch asyncio: they start without loading it at all.
_SYNC_COMMANDS = frozenset({"get", "list", "cmd", "set", "udev-rules"})


def _load(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"upskit.cli.{name.replace('-', '_')}")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("upskit.cli."):
            return None
        raise


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="upskit", description="UPS monitoring and safe shutdown, NUT-compatible."
    )
    parser.add_argument("--version", action="version", version=f"upskit {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="more log output (repeat for debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        module = _load(name)
        if module is None:
            continue
        sp = sub.add_parser(name, help=help_text, description=help_text)
        # -v also after the subcommand (``upskit run -v``); counted with the global ones
        sp.add_argument("-v", "--verbose", action="count", default=0, dest="sub_verbose",
                        help="more log output (repeat for debug)")
        module.add_arguments(sp)
        sp.set_defaults(_module=module)
    return parser


def setup_logging(verbosity: int) -> None:
    level = logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    module = getattr(args, "_module", None)
    if module is None:
        parser.print_help(sys.stderr)
        return 2
    args.verbose += args.sub_verbose
    if args.command not in _SYNC_COMMANDS:
        from upskit.lazyssl import import_asyncio

        import_asyncio()
    setup_logging(args.verbose)
    try:
        result: int = module.run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    return result


if __name__ == "__main__":
    sys.exit(main())
