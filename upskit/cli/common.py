"""Helpers shared by the daemon-style subcommands."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio

    from upskit.config.settings import Listen, Settings


def add_config_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--nut-config-dir", metavar="DIR",
                       help="read NUT's ups.conf, upsd.conf, upsd.users, upsmon.conf from DIR")
    group.add_argument("--config", metavar="FILE.toml", help="read upskit's TOML configuration")


def load_settings(args: argparse.Namespace) -> Settings:
    """Load settings from the chosen source; exits with a clear message on errors."""
    from upskit.config.settings import ConfigError

    try:
        if getattr(args, "config", None):
            from upskit.config.toml import load_toml

            return load_toml(args.config)
        from upskit.config.nutfiles import load_nut_dir

        return load_nut_dir(getattr(args, "nut_config_dir", None) or "/etc/nut")
    except ConfigError as exc:
        print(f"upskit: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    except OSError as exc:
        print(f"upskit: cannot read configuration: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def reload_settings(args: argparse.Namespace) -> Settings | None:
    """Read the configuration again; on any error log it and return None."""
    import logging

    log = logging.getLogger("upskit")
    try:
        return load_settings(args)
    except SystemExit:
        log.error("configuration not reloaded: the running configuration stays in use")
        return None


def parse_listen(text: str) -> Listen:
    """``HOST:PORT``, ``[V6]:PORT``, ``HOST`` or ``:PORT`` -> Listen."""
    from upskit.config.addresses import DEFAULT_PORT
    from upskit.config.settings import Listen

    host, port = text, DEFAULT_PORT
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            raise argparse.ArgumentTypeError(f"bad address {text!r}")
        host, rest = text[1:end], text[end + 1 :]
        if rest.startswith(":"):
            port = _port(rest[1:])
    elif text.count(":") == 1:
        host, _, p = text.partition(":")
        port = _port(p)
    return Listen(host or "127.0.0.1", port)


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad port {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port {value} out of range")
    return value


def run_until_signal(main: Callable[[asyncio.Event], Awaitable[int | None]]) -> int:
    """Run ``main(stop_event)`` on a fresh loop; SIGINT/SIGTERM set the event."""
    import asyncio

    async def runner() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        result = await main(stop)
        return int(result or 0)

    try:
        with asyncio.Runner(loop_factory=event_loop_factory()) as loop_runner:
            return loop_runner.run(runner())
    except KeyboardInterrupt:
        return 130


#: Environment variable choosing the event loop of the daemon commands.
LOOP_VARIABLE = "UPSKIT_EVENT_LOOP"


def event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """The loop the daemon commands run on: asyncio's own (None), or uvloop's when
    ``UPSKIT_EVENT_LOOP=uvloop`` and the ``uvloop`` extra is installed (faster network
    serving for about 2 MB more memory); a wrong or unavailable choice is said once on
    standard error and asyncio's loop used."""
    import os

    wanted = os.environ.get(LOOP_VARIABLE, "").strip().lower()
    if wanted in ("", "asyncio"):
        return None
    if wanted != "uvloop":
        print(f"upskit: {LOOP_VARIABLE}={wanted!r} is not a known event loop (asyncio, "
              "uvloop); using asyncio's", file=sys.stderr)
        return None
    try:
        import uvloop
    except ImportError:
        print(f"upskit: {LOOP_VARIABLE}=uvloop but uvloop is not installed (pip install "
              "'upskit[uvloop]'); using asyncio's loop", file=sys.stderr)
        return None
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory
