"""``upskit run``: drivers, NUT server and (when upsmon.conf has MONITOR lines) the monitor."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from upskit.cli.common import add_config_arguments, parse_listen

    add_config_arguments(parser)
    parser.add_argument(
        "--listen", action="append", type=parse_listen, metavar="HOST:PORT",
        help="listen here instead of upsd.conf's LISTEN lines (repeatable)",
    )
    parser.add_argument(
        "--no-monitor", action="store_true",
        help="do not run the shutdown monitor even if upsmon.conf has MONITOR lines",
    )


def run(args: argparse.Namespace) -> int:
    import asyncio
    import logging
    import signal

    from upskit.cli.common import load_settings, reload_settings, run_until_signal
    from upskit.runtime import Runtime

    settings = load_settings(args)
    if args.listen:
        settings.upsd.listen = list(args.listen)
    log = logging.getLogger("upskit")
    if args.verbose == 0:
        # a daemon's normal log: start-up, lost and regained devices, commands
        logging.getLogger().setLevel(logging.INFO)
    if not settings.ups.ups and not settings.upsd.allow_no_device:
        log.warning("no UPS configured in %s", settings.source or "the configuration")

    async def main(stop: asyncio.Event) -> int:
        runtime = Runtime(settings, with_monitor=not args.no_monitor)
        try:
            await runtime.start()
        except OSError as exc:
            print(f"upskit: cannot start the server: {exc}")
            await runtime.stop()
            return 1
        assert runtime.server is not None
        where = ", ".join(f"{h}:{p}" for h, p in runtime.server.ports)
        log.info("serving %d UPS on %s", len(runtime.registry), where)
        reloads: asyncio.Queue[None] = asyncio.Queue()
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, reloads.put_nowait, None)

        async def reload_on_hangup() -> None:
            while True:
                await reloads.get()
                log.info("SIGHUP: reading the configuration again")
                fresh = reload_settings(args)
                if fresh is None:
                    continue
                if args.listen:
                    fresh.upsd.listen = list(args.listen)
                try:
                    await runtime.reload(fresh)
                except Exception:
                    log.exception("reloading failed; the process keeps running")

        reloader = asyncio.create_task(reload_on_hangup())
        try:
            await stop.wait()
        finally:
            reloader.cancel()
            await runtime.stop()
        return 0

    return run_until_signal(main)
