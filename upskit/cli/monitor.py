"""``upskit monitor``: watch UPSes and shut this machine down safely, like upsmon."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    src = parser.add_mutually_exclusive_group(required=True)
    src.add_argument("--nut-config-dir", metavar="DIR",
                     help="NUT configuration directory (upsmon.conf, upssched.conf)")
    src.add_argument("--config", metavar="FILE", help="upskit TOML configuration file")
    parser.add_argument("--check-config", action="store_true",
                        help="load the configuration, print what would be monitored, exit")


def run(args: argparse.Namespace) -> int:
    import asyncio
    import logging
    import signal
    import sys

    from upskit.config.settings import ConfigError
    from upskit.config.toml import load_any
    from upskit.monitor import Monitor

    log = logging.getLogger("upskit.monitor")
    if log.getEffectiveLevel() > logging.INFO:
        log.setLevel(logging.INFO)
    try:
        settings = load_any(args.nut_config_dir or args.config)
    except (ConfigError, OSError) as exc:
        print(f"upskit monitor: {exc}", file=sys.stderr)
        return 2
    if settings.upsmon is None or not settings.upsmon.monitors:
        print(f"upskit monitor: no MONITOR lines in {settings.source or 'the configuration'}",
              file=sys.stderr)
        return 2
    upsmon = settings.upsmon
    if args.check_config:
        for mon in upsmon.monitors:
            print(f"{mon.system} power={mon.power_value} role={mon.role}")
        print(f"MINSUPPLIES {upsmon.minsupplies}; SHUTDOWNCMD {upsmon.shutdowncmd or '(none)'}")
        return 0

    async def main() -> int:
        monitor = Monitor(upsmon, settings.upssched)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, monitor.stop)
        loop.add_signal_handler(signal.SIGUSR1, monitor.request_shutdown)
        return await monitor.run()

    return asyncio.run(main())
