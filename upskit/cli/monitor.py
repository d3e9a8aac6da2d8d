"""``upskit monitor``: watch UPSes and shut this machine down safely, like upsmon.

``-c fsd|reload|stop`` talks to a running monitor (or ``upskit run``) over its control
socket, as ``upsmon -c`` does.
"""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from upskit.monitor.control_names import COMMANDS

    src = parser.add_mutually_exclusive_group()
    src.add_argument("--nut-config-dir", metavar="DIR",
                     help="NUT configuration directory (upsmon.conf, upssched.conf)")
    src.add_argument("--config", metavar="FILE", help="upskit TOML configuration file")
    parser.add_argument("--check-config", action="store_true",
                        help="load the configuration, print what would be monitored, exit "
                             "(non-zero when it could never shut this system down)")
    parser.add_argument("-c", dest="control", choices=COMMANDS,
                        help="tell the running monitor to start the shutdown now (fsd), "
                             "read its configuration again (reload) or stop (stop)")
    parser.add_argument("--control-socket", metavar="PATH",
                        help="the control socket (default /run/upskit/monitor.sock; with "
                             "-c, also /run/upskit/upskit.sock of `upskit run`)")


def run(args: argparse.Namespace) -> int:
    import sys

    if args.control:
        return _control(args.control, args.control_socket)
    if not (args.nut_config_dir or args.config):
        print("upskit monitor: one of --nut-config-dir or --config is required",
              file=sys.stderr)
        return 2
    return _daemon(args)


def _control(command: str, path: str | None) -> int:
    import os
    import sys

    from upskit.monitor.control import ControlError, send_command
    from upskit.monitor.control_names import MONITOR_SOCKET, RUN_SOCKET

    if path is None:
        path = next((p for p in (MONITOR_SOCKET, RUN_SOCKET) if os.path.exists(p)),
                    MONITOR_SOCKET)
    try:
        ok, text = send_command(path, command)
    except ControlError as exc:
        print(f"upskit monitor: {exc}", file=sys.stderr)
        return 1
    print(f"upskit monitor: {text}", file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


def _daemon(args: argparse.Namespace) -> int:
    import asyncio
    import logging
    import sys

    from upskit.config.settings import ConfigError, Settings
    from upskit.config.toml import load_any
    from upskit.monitor.control_names import MONITOR_SOCKET
    from upskit.monitor.daemon import MonitorDaemon, shutdowncmd_warning

    log = logging.getLogger("upskit.monitor")
    if log.getEffectiveLevel() > logging.INFO:
        log.setLevel(logging.INFO)
    source = args.nut_config_dir or args.config

    def load() -> Settings:
        return load_any(source)

    try:
        settings = load()
    except (ConfigError, OSError) as exc:
        print(f"upskit monitor: {exc}", file=sys.stderr)
        return 2
    if settings.upsmon is None or not settings.upsmon.monitors:
        print(f"upskit monitor: no MONITOR lines in {settings.source or 'the configuration'}",
              file=sys.stderr)
        return 2
    upsmon = settings.upsmon
    warning = shutdowncmd_warning(settings)
    if args.check_config:
        for mon in upsmon.monitors:
            print(f"{mon.system} power={mon.power_value} role={mon.role}")
        print(f"MINSUPPLIES {upsmon.minsupplies}; SHUTDOWNCMD {upsmon.shutdowncmd or '(none)'}")
        if warning:
            print(f"upskit monitor: {warning}", file=sys.stderr)
            return 2
        return 0

    async def main() -> int:
        daemon = MonitorDaemon(settings, load, args.control_socket or MONITOR_SOCKET)
        notify = None
        if settings.notify.enabled:  # Apprise URLs of upskit-notify.conf / [notify]
            from upskit.exporters.notify import NotifyService

            notify = NotifyService(settings)
            await notify.start()
            daemon.listeners.append(notify.deliver)
        try:
            return await daemon.serve()
        finally:
            if notify is not None:
                await notify.stop()

    return asyncio.run(main())
