"""``upskit driver -a NAME``: one upskit driver serving NUT's driver socket, so that
NUT's own ``upsd`` serves it (an upskit drop-in for one NUT driver program)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio
    from pathlib import Path

    from upskit.config.settings import UpsSettings
    from upskit.drivers.base import Driver
    from upskit.drivers.supervisor import Supervisor
    from upskit.model import Device

HELP = "run one upskit driver for NUT's upsd, like a NUT driver program"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-a", dest="ups", required=True, metavar="NAME",
                        help="the UPS section of ups.conf to drive")
    parser.add_argument("-u", dest="user", metavar="USER",
                        help="run as this user once the socket is made (when started as root)")
    parser.add_argument("-D", dest="debug", action="count", default=0,
                        help="more log output (repeatable); stays in the foreground")
    parser.add_argument("-F", dest="foreground", action="store_true",
                        help="stay in the foreground")
    parser.add_argument("-x", dest="extra", action="append", default=[], metavar="VAR=VALUE",
                        help="set a driver option as if ups.conf said it (repeatable; "
                             "VAR alone sets a flag), as NUT's drivers take -x")
    parser.add_argument("-k", dest="killpower", action="store_true",
                        help="tell the UPS to cut the load and return, then exit (a running "
                             "driver for it is stopped first), as NUT's drivers do")


def run(args: argparse.Namespace) -> int:
    import logging
    import os
    import sys

    from upskit.cli.nutstate import confpath, pid_path, read_pid, socket_path

    if args.debug:
        logging.getLogger().setLevel(logging.DEBUG if args.debug > 1 else logging.INFO)
    elif args.verbose == 0:
        logging.getLogger().setLevel(logging.INFO)
    try:
        extra = _extra_options(args.extra)
        prepared = _prepare(args.ups, extra=extra)
    except _Refused as exc:
        print(f"upskit driver: {exc}", file=sys.stderr)
        return 1
    ups, driver = prepared
    sock = socket_path(ups.driver, ups.name)
    pidfile = pid_path(ups.driver, ups.name)
    running = read_pid(pidfile)
    if args.killpower:
        return _killpower(ups, running)
    if running is not None and running != os.getpid():
        print(f"upskit driver: a driver for {ups.name} already runs (PID {running}, "
              f"{pidfile})", file=sys.stderr)
        return 1
    ready = None if args.foreground or args.debug else _daemonize()
    return _serve(driver, str(sock), pidfile, args.user, ready, str(confpath()), extra)


def _extra_options(words: list[str]) -> dict[str, str | bool]:
    """``-x VAR=VALUE`` / ``-x FLAG`` -> options (raises :class:`_Refused`)."""
    extra: dict[str, str | bool] = {}
    for word in words:
        key, sep, value = word.partition("=")
        key = key.strip()
        if not key:
            raise _Refused(f"-x {word!r}: needs VAR=VALUE or a flag name")
        if key == "driver":
            raise _Refused("-x driver: the driver is the section's (its socket is named "
                           "after it)")
        extra[key] = value.strip() if sep else True
    return extra


def _killpower(ups: UpsSettings, running: int | None) -> int:
    """``-k``: stop a running driver of ``ups`` (it holds the port), then command the
    shutdown; 0 when the UPS accepted it, 1 otherwise."""
    import asyncio
    import os
    import signal
    import sys
    import time

    from upskit.cli.nutstate import confpath
    from upskit.config.settings import Settings
    from upskit.model import CmdResult
    from upskit.monitor.killpower import shutdown_ups

    if running is not None and running != os.getpid():
        os.kill(running, signal.SIGTERM)
        deadline = time.monotonic() + 15.0
        while os.path.exists(f"/proc/{running}") and time.monotonic() < deadline:
            time.sleep(0.05)
    result = asyncio.run(shutdown_ups(ups, Settings(source=str(confpath()))))
    if result is not CmdResult.HANDLED:
        print(f"upskit driver: {ups.name}: shutdown not done ({result.name})", file=sys.stderr)
        return 1
    print(f"{ups.name}: shutdown commanded")
    return 0


class _Refused(Exception):
    """The driver cannot be run: the message says why."""


def _prepare(name: str, device: Device | None = None,
             extra: dict[str, str | bool] | None = None) -> tuple[UpsSettings, Driver]:
    """The ups.conf section ``name`` (with the ``-x`` options ``extra`` over it) and its
    upskit driver, built (not started) for ``device`` (a fresh one by default)."""
    from upskit.cli.nutstate import confpath
    from upskit.config.settings import ConfigError, Settings
    from upskit.config.ups_conf import load_ups_conf
    from upskit.drivers.build import driver_options
    from upskit.drivers.registry import UnknownDriver, driver_class
    from upskit.model import Device

    conf = confpath() / "ups.conf"
    try:
        settings = Settings(ups=load_ups_conf(conf), source=str(confpath()))
    except (ConfigError, OSError) as exc:
        raise _Refused(f"cannot read {conf}: {exc}") from None
    ups = settings.ups.ups.get(name)
    if ups is None:
        known = ", ".join(settings.ups.ups) or "none"
        raise _Refused(f"no UPS called {name!r} in {conf} (known: {known})")
    if extra:
        ups.options.update(extra)
        if isinstance(extra.get("port"), str):
            ups.port = str(extra["port"])
    try:
        cls = driver_class(ups.driver)
        options = cls.parse_options(driver_options(settings, ups), ups)
        if device is None:
            device = Device(ups.name, ups.desc)
        driver = cls(device, options, config_name=ups.driver)
    except ConfigError as exc:
        raise _Refused(str(exc)) from None
    except (UnknownDriver, LookupError, ValueError) as exc:
        raise _Refused(f"[{name}]: {exc}") from None
    return ups, driver


def _daemonize() -> int:
    """Go to the background as NUT's drivers do; the parent exits once the child
    reports readiness (0) or failure (1).  Returns the write end of that report pipe."""
    import os
    import sys

    read_end, write_end = os.pipe()
    if os.fork() > 0:
        os.close(write_end)
        answer = os.read(read_end, 1)
        os._exit(0 if answer == b"0" else 1)
    os.close(read_end)
    os.setsid()
    if os.fork() > 0:
        os._exit(0)
    sys.stdout.flush()
    sys.stderr.flush()
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    _log_to_syslog()
    return write_end


def _log_to_syslog() -> None:
    """A background driver logs to syslog, as NUT's do (its terminal is gone)."""
    import logging
    import logging.handlers
    import os

    if not os.path.exists("/dev/log"):
        return
    try:
        handler = logging.handlers.SysLogHandler(address="/dev/log")
    except OSError:
        return
    handler.setFormatter(logging.Formatter("upskit-driver[%(process)d]: %(message)s"))
    logging.getLogger().addHandler(handler)


def _report(ready: int | None, ok: bool) -> None:
    import os

    if ready is not None:
        try:
            os.write(ready, b"0" if ok else b"1")
            os.close(ready)
        except OSError:
            pass


def _drop_privileges(user: str, paths: list[str]) -> None:
    """Become ``user`` (when root), handing it ``paths`` first."""
    import grp
    import os
    import pwd

    if os.geteuid() != 0 or user == "root":
        return
    entry = pwd.getpwnam(user)
    for path in paths:
        os.chown(path, entry.pw_uid, entry.pw_gid)
    groups = [g.gr_gid for g in grp.getgrall() if user in g.gr_mem]
    os.setgroups(groups)
    os.setgid(entry.pw_gid)
    os.setuid(entry.pw_uid)


def _serve(driver: Driver, sock: str, pidfile: Path, user: str | None,
           ready: int | None, confdir: str, extra: dict[str, str | bool] | None = None) -> int:
    import asyncio
    import contextlib
    import logging
    import os
    import signal
    import sys

    from upskit.cli.common import run_until_signal
    from upskit.drivers.supervisor import Supervisor
    from upskit.server.drvsock import DriverSocketServer

    log = logging.getLogger("upskit.driver")

    async def main(stop: asyncio.Event) -> int:
        server = DriverSocketServer(driver.device, sock)
        try:
            await server.start()
            if user:
                _drop_privileges(user, [sock])
            pidfile.write_text(f"{os.getpid()}\n")
        except (OSError, KeyError) as exc:
            print(f"upskit driver: cannot serve {sock}: {exc}", file=sys.stderr)
            await server.close()
            _report(ready, False)
            return 1
        supervisor = Supervisor([driver])
        await supervisor.start()
        log.info("%s: driver %s serving %s (configuration in %s)", driver.device.name,
                 driver.name, sock, confdir)
        _report(ready, True)
        hangups: asyncio.Queue[None] = asyncio.Queue()
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, hangups.put_nowait, None)
        reloader = asyncio.create_task(_reload_on_hangup(hangups, supervisor, driver, extra))
        try:
            await stop.wait()
        finally:
            reloader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reloader
            await server.close()
            await supervisor.stop()
            with contextlib.suppress(OSError):
                if pidfile.read_text().strip() == str(os.getpid()):
                    pidfile.unlink()
        return 0

    return run_until_signal(main)


async def _reload_on_hangup(hangups: asyncio.Queue[None], supervisor: Supervisor,
                            first: Driver, extra: dict[str, str | bool] | None = None) -> None:
    """SIGHUP (``upskit drvctl reload``, NUT's ``upsdrvctl -c reload``): read the
    section again; when its options changed, a new driver takes over the same device
    (and socket).  A section that cannot be used keeps the running driver."""
    import logging

    log = logging.getLogger("upskit.driver")
    running = first
    while True:
        await hangups.get()
        name = running.device.name
        try:
            ups, fresh = _prepare(name, running.device, extra)
        except _Refused as exc:
            log.error("%s: reload refused, the driver keeps running: %s", name, exc)
            running.device.bind(running._guarded_instcmd, running._guarded_setvar)
            continue
        if ups.driver != running.config_name:
            log.error("%s: reload refused: the driver changed from %s to %s (its socket "
                      "name with it); restart it instead", name, running.config_name,
                      ups.driver)
            running.device.bind(running._guarded_instcmd, running._guarded_setvar)
            continue
        if dict(fresh.parameters) == dict(running.parameters):
            log.info("%s: reload: section unchanged", name)
            running.device.bind(running._guarded_instcmd, running._guarded_setvar)
            continue
        await supervisor.remove(name)
        fresh.device.bind(fresh._guarded_instcmd, fresh._guarded_setvar)
        supervisor.add(fresh)
        running = fresh
        log.info("%s: reload: driver restarted with the new section", name)
