"""``upskit run``: drivers, NUT server and (when upsmon.conf has MONITOR lines) the monitor."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio

    from upskit.config.settings import Settings
    from upskit.monitor.control import Handler
    from upskit.runtime import Runtime


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from upskit.cli.common import add_config_arguments, parse_listen
    from upskit.cli.httpopt import add_http_argument

    add_config_arguments(parser)
    add_http_argument(parser)
    from upskit.cli.mqttopt import add_mqtt_argument

    add_mqtt_argument(parser)
    parser.add_argument(
        "--listen", action="append", type=parse_listen, metavar="HOST:PORT",
        help="listen here instead of upsd.conf's LISTEN lines (repeatable)",
    )
    parser.add_argument(
        "--no-monitor", action="store_true",
        help="do not run the shutdown monitor even if upsmon.conf has MONITOR lines",
    )
    parser.add_argument(
        "--control-socket", metavar="PATH",
        help="control socket for `upskit monitor -c fsd|reload|stop` "
             "(default /run/upskit/upskit.sock)",
    )
    parser.add_argument(
        "--check", action="store_true",
        help="check the configuration (every UPS's driver and options) and exit",
    )


def run(args: argparse.Namespace) -> int:
    import asyncio
    import logging
    import signal
    import sys

    from upskit.cli.common import load_settings, reload_settings, run_until_signal
    from upskit.cli.httpopt import apply_http, web_extra_missing
    from upskit.runtime import Runtime
    from upskit.server.server import NoDeviceError

    settings = load_settings(args)
    if args.check:
        return _check(settings)
    if args.listen:
        settings.upsd.listen = list(args.listen)
    apply_http(settings, args.http)
    from upskit.cli.mqttopt import apply_mqtt
    from upskit.runtime.integrations import integrations_missing

    apply_mqtt(settings, args.mqtt)
    missing = web_extra_missing(settings) or integrations_missing(
        settings.mqtt.enabled, settings.notify.enabled)
    if missing:
        print(f"upskit: {missing}", file=sys.stderr)
        return 1
    log = logging.getLogger("upskit")
    if args.verbose == 0:
        # a daemon's normal log: start-up, lost and regained devices, commands
        logging.getLogger().setLevel(logging.INFO)

    async def main(stop: asyncio.Event) -> int:
        from upskit import sdnotify
        from upskit.monitor.control import ControlServer, ignore_user_signals
        from upskit.monitor.control_names import RUN_SOCKET

        runtime = Runtime(settings, with_monitor=not args.no_monitor)
        from upskit.runtime.exporters import add_exporters

        add_exporters(runtime)
        from upskit.runtime.integrations import add_integrations

        add_integrations(runtime)
        try:
            await runtime.start()
        except NoDeviceError as exc:  # as upsd: no UPS, no server (unless ALLOW_NO_DEVICE)
            print(f"upskit: {exc}", file=sys.stderr)
            await runtime.stop()
            return 2
        except OSError as exc:
            print(f"upskit: cannot start the server: {exc}", file=sys.stderr)
            await runtime.stop()
            return 1
        assert runtime.server is not None
        where = ", ".join(f"{h}:{p}" for h, p in runtime.server.ports)
        log.info("serving %d UPS on %s", len(runtime.registry), where)
        loop = asyncio.get_running_loop()
        reload_lock = asyncio.Lock()

        async def reload() -> tuple[bool, str]:
            async with reload_lock:
                sdnotify.reloading()
                try:
                    return await reload_now()
                finally:
                    sdnotify.ready("serving")

        async def reload_now() -> tuple[bool, str]:
            fresh = reload_settings(args)
            if fresh is None:
                return False, "configuration not reloaded: the running configuration stays"
            if args.listen:
                fresh.upsd.listen = list(args.listen)
            apply_http(fresh, args.http)
            apply_mqtt(fresh, args.mqtt)
            try:
                await runtime.reload(fresh)
            except Exception:
                log.exception("reloading failed; the process keeps running")
                return False, "reloading failed; the process keeps running"
            log.info("configuration reloaded")
            return True, "configuration reloaded"

        async def fsd() -> tuple[bool, str]:
            monitor = runtime.monitor
            if monitor is None or not runtime.monitor_running:
                return False, "no monitor runs in this process"
            if not monitor.idle:
                return True, "a shutdown is already under way"
            log.critical("forced shutdown requested over the control socket")
            monitor.request_shutdown()
            return True, "shutdown sequence started"

        async def stop_request() -> tuple[bool, str]:
            stop.set()
            return True, "stopping"

        reloads: asyncio.Queue[None] = asyncio.Queue()
        loop.add_signal_handler(signal.SIGHUP, reloads.put_nowait, None)
        ignore_user_signals(loop)

        async def reload_on_hangup() -> None:
            while True:
                await reloads.get()
                log.info("SIGHUP: reading the configuration again")
                await reload()

        control = ControlServer(args.control_socket or RUN_SOCKET, _with_driver_requests(
            {"fsd": fsd, "reload": reload, "stop": stop_request}, runtime))
        await control.start()
        helpers = [asyncio.create_task(reload_on_hangup())]
        period = sdnotify.watchdog_period()
        if period is not None:
            helpers.append(asyncio.create_task(sdnotify.keep_alive(runtime.problems, period)))
        sdnotify.ready("serving")
        try:
            await stop.wait()
        finally:
            sdnotify.stopping()
            for helper in helpers:
                helper.cancel()
            await asyncio.gather(*helpers, return_exceptions=True)
            await control.close()
            await runtime.stop()
        return 0

    return run_until_signal(main)


def _check(settings: Settings) -> int:
    """``--check``: every UPS's driver and options, without starting anything."""
    from upskit.config.settings import ConfigError
    from upskit.drivers.registry import checked_driver_class

    problems = 0
    for ups in settings.ups.ups.values():
        try:
            cls = checked_driver_class(ups)
        except ConfigError as exc:
            print(f"upskit: {exc}")
            problems += 1
        except (LookupError, ValueError) as exc:
            where = f"{ups.origin}: " if ups.origin.line else ""
            print(f"upskit: {where}[{ups.name}]: {exc}")
            problems += 1
        else:
            print(f"{ups.name}: {ups.driver} ({cls.__module__}.{cls.__name__})")
    if problems:
        print(f"upskit: {problems} problem(s) in {settings.source}")
        return 1
    print(f"configuration OK: {len(settings.ups.ups)} UPS in {settings.source}")
    return 0


def _with_driver_requests(handlers: dict[str, Handler], runtime: Runtime) -> dict[str, Handler]:
    """The control handlers, answering ``driver start|stop|restart|status [NAME]`` too
    (``upskit drvctl --run``)."""
    from upskit.runtime.drivers import DriverControl

    control = DriverControl(runtime)

    class Requests(dict[str, "Handler"]):
        def get(self, key: str, default: Handler | None = None) -> Handler | None:  # type: ignore[override]
            found = super().get(key)
            words = key.split()
            if found is not None or len(words) not in (2, 3) or words[0] != "driver":
                return found if found is not None else default
            return lambda: control.request(words[1], words[2] if len(words) > 2 else None)

    return Requests(handlers)
