"""``upskit simulate snmp <mib>``: simulated SNMP UPS cards on a UDP port, in the
foreground.

Prints ``host:port``, the community (or the range of communities with ``--count``) and a
ups.conf section for ``driver = snmp-ups``, then serves until SIGTERM or SIGINT (or a
``quit`` line on standard input).  Standard input and ``--control`` take the control
lines of ``upskit simulate`` (``mains off``, ``charge 0.3``, ``advance 60``, ``fault
silence``, ``status`` ...); on standard input they apply to every simulated UPS, on the
control socket to the first.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from upskit.sim.snmp.serve import ServedAgent

#: ``upskit simulate``'s control-line handler: (device, line) -> answer.
Control = Callable[[object, str], str]
#: ``upskit simulate``'s control socket: (path, device) -> listening socket.
ServeSocket = Callable[[str, object], socket.socket]


def conf_snippet(served: ServedAgent, mib: str) -> str:
    """A ups.conf section for the first simulated UPS of ``served``."""
    return (f"[snmp-{mib}]\n  driver = snmp-ups\n  port = {served.host}:{served.port}\n"
            f"  community = {served.community}\n  mibs = {mib}\n")


def _banner(served: ServedAgent, mib: str) -> str:
    units = served.units
    if len(units) == 1:
        communities = f"community {units[0].community}"
    else:
        communities = f"communities {units[0].community} .. {units[-1].community}"
    return (f"{served.host}:{served.port}\n{communities}\n"
            f"# ups.conf\n{conf_snippet(served, mib)}")


def _read_stdin(served: ServedAgent, loop: asyncio.AbstractEventLoop,
                stop: asyncio.Event, control: Control) -> None:
    for raw in sys.stdin:
        line = raw.strip()
        if line in ("quit", "exit"):
            break
        if not line:
            continue
        answers = [control(unit.device, line) for unit in served.units]
        print(answers[0], flush=True)
    else:
        return  # end of input: keep serving until a signal
    loop.call_soon_threadsafe(stop.set)


async def _serve(args: argparse.Namespace, query: dict[str, str], control: Control,
                 serve_socket: ServeSocket) -> int:
    from upskit.sim.snmp.serve import start_agent

    try:
        served = await start_agent(args.mib, query, host=args.host, port=args.port)
    except OSError as exc:
        print(f"upskit simulate snmp: cannot listen on {args.host}:{args.port}: "
              f"{exc.strerror or exc}", file=sys.stderr)
        return 2
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    listener = None
    try:
        if args.control:
            try:
                listener = serve_socket(args.control, served.units[0].device)
            except OSError as exc:
                print(f"upskit simulate snmp: cannot listen on {args.control}: "
                      f"{exc.strerror or exc}", file=sys.stderr)
                return 2
        print(_banner(served, args.mib), end="", flush=True)
        threading.Thread(target=_read_stdin, args=(served, loop, stop, control),
                         daemon=True).start()
        await stop.wait()
    finally:
        served.close()
        if listener is not None:
            listener.close()
            with contextlib.suppress(OSError):
                os.unlink(args.control)
    return 0


def run(args: argparse.Namespace, control: Control, serve_socket: ServeSocket) -> int:
    """Serve ``args.mib`` until a signal or ``quit`` (``control`` and ``serve_socket``:
    ``upskit simulate``'s control lines and socket)."""
    from upskit.sim.snmp.models import load, names

    if not args.mib:
        print(f"upskit simulate snmp: name the MIB to simulate ({', '.join(names())})",
              file=sys.stderr)
        return 2
    query = {"community": args.community, "count": str(args.count),
             "speed": str(args.speed)}
    try:
        load(args.mib)
        from upskit.sim.snmp.serve import build_units

        build_units(args.mib, {**query, "count": "1"})  # option errors before binding
        return asyncio.run(_serve(args, query, control, serve_socket))
    except ValueError as exc:
        print(f"upskit simulate snmp: {exc}", file=sys.stderr)
        return 2
