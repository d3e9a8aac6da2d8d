"""``upskit drvctl start|stop|restart|reload|status|shutdown [NAME]``: ``upsdrvctl`` for upskit
drivers (``reload`` is NUT's ``upsdrvctl -c reload``: the driver reads its section again).

Without ``--run``: each UPS of NUT's ups.conf (or only NAME) gets its own
``upskit driver -a NAME`` process, with NUT's PID files and sockets.  With ``--run``:
the request goes to a running ``upskit run`` over its control socket, which starts,
stops or restarts that one UPS's driver and leaves the others alone.

Exit codes follow upsdrvctl: 0 when every driver did what was asked, 1 otherwise
(``status``: 1 when one is not running), 2 for a usage or configuration error.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from upskit.config.settings import UpsSettings

HELP = "start, stop or show drivers like upsdrvctl (or one UPS inside upskit run)"
ACTIONS = ("start", "stop", "restart", "reload", "status", "shutdown")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=ACTIONS)
    parser.add_argument("ups", nargs="?", metavar="NAME", help="only this UPS")
    parser.add_argument("-u", dest="user", metavar="USER",
                        help="drivers run as this user (standalone drivers only)")
    parser.add_argument("-D", dest="debug", action="count", default=0,
                        help="drivers log more (standalone drivers only)")
    parser.add_argument("-t", dest="timeout", type=float, default=45.0, metavar="SECONDS",
                        help="how long to wait for a driver to start or stop (default 45)")
    parser.add_argument("--run", nargs="?", const="", metavar="SOCKET", default=None,
                        help="ask a running `upskit run` (its control socket, default "
                             "/run/upskit/upskit.sock)")


def run(args: argparse.Namespace) -> int:
    if args.run is not None:
        return _ask_runtime(args)
    return _standalone(args)


def _ask_runtime(args: argparse.Namespace) -> int:
    import sys

    from upskit.monitor.control import ControlError, send_command
    from upskit.monitor.control_names import RUN_SOCKET

    path = args.run or RUN_SOCKET
    command = f"driver {args.action}" + (f" {args.ups}" if args.ups else "")
    if args.action == "reload":  # the process reloads: changed sections restart
        command = "reload"
    try:
        ok, text = send_command(path, command, timeout=args.timeout + 5)
    except ControlError as exc:
        print(f"upskit drvctl: {exc}", file=sys.stderr)
        return 1
    print(text.replace(" | ", "\n"), file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


def _standalone(args: argparse.Namespace) -> int:
    import sys

    from upskit.cli.nutstate import confpath
    from upskit.config.settings import ConfigError
    from upskit.config.ups_conf import load_ups_conf

    conf = confpath() / "ups.conf"
    try:
        sections = load_ups_conf(conf).ups
    except (ConfigError, OSError) as exc:
        print(f"upskit drvctl: cannot read {conf}: {exc}", file=sys.stderr)
        return 2
    if args.ups is not None:
        if args.ups not in sections:
            print(f"upskit drvctl: no UPS called {args.ups!r} in {conf}", file=sys.stderr)
            return 1
        names = [args.ups]
    else:
        names = list(sections)
    failed = 0
    if args.action == "shutdown":
        return _shutdown([sections[n] for n in names], args.timeout)
    for name in names:
        driver = sections[name].driver
        if args.action in ("stop", "restart"):
            failed += not _stop(name, driver, args.timeout)
        if args.action in ("start", "restart"):
            failed += not _start(name, driver, args)
        if args.action == "status":
            failed += not _status(name, driver)
        if args.action == "reload":
            failed += not _reload(name, driver)
    return 1 if failed else 0


def _start(name: str, driver: str, args: argparse.Namespace) -> bool:
    import subprocess
    import sys

    from upskit.cli.nutstate import pid_path, read_pid

    running = read_pid(pid_path(driver, name))
    if running is not None:
        print(f"{name}: driver {driver} already running (PID {running})")
        return True
    argv = [sys.executable, "-m", "upskit", "driver", "-a", name]
    if args.user:
        argv += ["-u", args.user]
    try:
        result = subprocess.run(argv, stdin=subprocess.DEVNULL, timeout=args.timeout,
                                check=False)
    except subprocess.TimeoutExpired:
        print(f"{name}: driver {driver} did not start within {args.timeout:.0f} s",
              file=sys.stderr)
        return False
    if result.returncode != 0:
        print(f"{name}: driver {driver} failed to start (exit status {result.returncode})",
              file=sys.stderr)
        return False
    print(f"{name}: driver {driver} started")
    return True


def _stop(name: str, driver: str, timeout: float) -> bool:
    import os
    import signal
    import sys
    import time

    from upskit.cli.nutstate import pid_path, read_pid

    pidfile = pid_path(driver, name)
    pid = read_pid(pidfile)
    if pid is None:
        print(f"{name}: no driver running ({pidfile} absent or stale)", file=sys.stderr)
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while read_pid(pidfile) == pid:
        if time.monotonic() > deadline:
            print(f"{name}: driver (PID {pid}) did not stop within {timeout:.0f} s",
                  file=sys.stderr)
            return False
        time.sleep(0.1)
    print(f"{name}: driver {driver} stopped")
    return True


def _shutdown(sections: list[UpsSettings], timeout: float) -> int:
    """``upsdrvctl shutdown``: ``upskit driver -a NAME -k`` for each UPS, in
    ``sdorder`` order (a negative one is left alone); 1 when one failed."""
    import subprocess
    import sys

    from upskit.monitor.killpower import shutdown_order

    failed = 0
    for ups in shutdown_order(sections):
        argv = [sys.executable, "-m", "upskit", "driver", "-a", ups.name, "-k"]
        try:
            code = subprocess.run(argv, stdin=subprocess.DEVNULL, timeout=timeout + 15,
                                  check=False).returncode
        except subprocess.TimeoutExpired:
            print(f"{ups.name}: shutdown timed out", file=sys.stderr)
            code = 1
        failed += code != 0
    return 1 if failed else 0


def _reload(name: str, driver: str) -> bool:
    """SIGHUP: the driver reads its section again (NUT's ``upsdrvctl -c reload``)."""
    import os
    import signal
    import sys

    from upskit.cli.nutstate import pid_path, read_pid

    pid = read_pid(pid_path(driver, name))
    if pid is None:
        print(f"{name}: no driver running", file=sys.stderr)
        return False
    os.kill(pid, signal.SIGHUP)
    print(f"{name}: driver {driver} (PID {pid}) asked to reload")
    return True


def _status(name: str, driver: str) -> bool:
    from upskit.cli.nutstate import pid_path, read_pid, socket_path

    pid = read_pid(pid_path(driver, name))
    state = "running" if pid is not None else "stopped"
    where = socket_path(driver, name)
    print(f"{name}\t{driver}\t{state}\t{pid if pid is not None else '-'}\t{where}")
    return pid is not None
