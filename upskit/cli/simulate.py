"""``upskit simulate DIALECT``: a simulated UPS on a pty, or answering stdin lines.

Control lines (stdin, or the ``--control`` unix socket, one per line):
``mains off|on``, ``load <percent>``, ``charge <0..1>``, ``advance <seconds>``,
``fault <garbage|truncate|nul|leading|silence|slow|off> [count]``, ``status``, ``quit``.
Without ``--pty`` every other line is sent to the device as a command and the reply
printed.

With ``--pty`` or ``--control`` the simulator keeps serving when standard input ends
(in the background, under nohup, from a script) and stops on SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from upskit.sim.device import SimDevice


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from upskit.cli.argtypes import non_negative_int, positive_number

    parser.add_argument("dialect", help="Q* dialect to simulate (megatec, mustek, q1...), "
                        "or snmp")
    parser.add_argument("mib", nargs="?",
                        help="with snmp: the card's MIB (ietf, apcc, pw)")
    parser.add_argument("--pty", action="store_true",
                        help="serve on a new pseudo-terminal and print its path")
    parser.add_argument("--baud", type=non_negative_int, default=2400,
                        help="pace replies like this baud rate (0 = no pacing)")
    parser.add_argument("--table", action="store_true",
                        help="serve the dialect's canned NUT test table instead of the model")
    parser.add_argument("--speed", type=positive_number, default=1.0,
                        help="simulated seconds per real second")
    parser.add_argument("--control", metavar="SOCKET",
                        help="also accept control lines on this unix socket path")
    snmp = parser.add_argument_group("snmp")
    snmp.add_argument("--host", default="127.0.0.1", help="address the SNMP agent binds")
    snmp.add_argument("--port", type=non_negative_int, default=0,
                      help="UDP port of the SNMP agent (0: any free port)")
    snmp.add_argument("--community", default="public", help="SNMP community")
    snmp.add_argument("--count", type=non_negative_int, default=1,
                      help="simulated UPSes on the port, communities COMMUNITY1..N")


def control(device: object, line: str) -> str:
    """Apply one control line to a SimDevice; return a short answer."""
    from upskit.config.values import is_yes
    from upskit.sim.device import SimDevice

    assert isinstance(device, SimDevice)
    words = line.split()
    if not words:
        return ""
    ups = device.physics
    try:
        match words[0].lower():
            case "mains":
                device.mains(is_yes(words[1]))
            case "load":
                ups.load = float(words[1])
            case "charge":
                ups.charge = float(words[1])
            case "advance":
                ups.advance(float(words[1]))
            case "fault":
                device.fault(words[1], int(words[2]) if len(words) > 2 else None)
            case "status":
                ups.update()
                return (f"mains={'on' if ups.mains else 'off'} charge={ups.charge:.3f} "
                        f"load={ups.load:g} output={'on' if ups.output_on else 'off'} "
                        f"test={'yes' if ups.testing else 'no'} "
                        f"fault={device.faults.mode or 'none'}")
            case _:
                return f"unknown control {words[0]!r}"
    except (IndexError, ValueError) as exc:
        return f"error: {exc}"
    return "ok"


class _Stop(Exception):
    """SIGTERM or SIGINT arrived: stop serving."""


def _raise_stop(signum: int, frame: object) -> None:
    raise _Stop


def _serve_socket(path: str, device: object) -> socket.socket:
    """Answer control lines on a unix socket at ``path``; returns the listening socket."""
    import threading

    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(path)
        server.listen(4)
    except OSError:
        server.close()
        raise

    def client(conn: socket.socket) -> None:
        with contextlib.suppress(OSError, UnicodeDecodeError), conn, \
                conn.makefile("rw", encoding="utf-8") as stream:
            for line in stream:
                stream.write(control(device, line) + "\n")
                stream.flush()

    def accept() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:  # closed: the simulator is stopping
                return
            threading.Thread(target=client, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    return server


def _answer_stdin(device: SimDevice, on_pty: bool) -> bool:
    """Apply standard input lines (commands too, unless the device is on a pty); True
    when a ``quit`` line asked to stop."""
    for raw in sys.stdin:
        line = raw.strip()
        if line in ("quit", "exit"):
            return True
        first = line.split(" ", 1)[0].lower()
        if not on_pty and first not in {"mains", "load", "charge", "advance", "fault",
                                         "status"}:
            try:
                reply, _ = device.respond(line.encode("latin-1") + b"\r")
            except UnicodeEncodeError:
                print("error: commands are latin-1 text", flush=True)
                continue
            print("(silence)" if reply is None else repr(reply), flush=True)
            continue
        print(control(device, line), flush=True)
    return False


def run(args: argparse.Namespace) -> int:
    """Serve until ``quit`` on standard input or a signal (with ``--pty``/``--control``,
    the end of standard input does not stop the simulator: it may run in the background)."""
    from upskit.sim.device import SimDevice
    from upskit.sim.physics import UpsPhysics

    if args.dialect == "snmp":
        from upskit.cli.simulate_snmp import run as run_snmp

        return run_snmp(args, control, _serve_socket)
    if args.mib is not None:
        print(f"upskit simulate: unexpected argument {args.mib!r}", file=sys.stderr)
        return 2
    options = {"mode": "table"} if args.table else {}
    try:
        device = SimDevice(args.dialect, UpsPhysics(speed=args.speed), options)
    except LookupError as exc:
        print(f"upskit simulate: {exc}", file=sys.stderr)
        return 2
    serving = bool(args.pty or args.control)
    previous = {sig: signal.signal(sig, _raise_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    listener: socket.socket | None = None
    server = None
    try:
        if args.control:
            try:
                listener = _serve_socket(args.control, device)
            except OSError as exc:
                print(f"upskit simulate: cannot listen on {args.control}: "
                      f"{exc.strerror or exc}", file=sys.stderr)
                return 2
        if args.pty:
            from upskit.sim.pty import PtyServer

            server = PtyServer(device, baud=args.baud or None).start()
            print(server.path, flush=True)
        if not _answer_stdin(device, server is not None) and serving:
            while True:
                signal.pause()
    except _Stop:
        pass
    finally:
        for sig in previous:
            signal.signal(sig, signal.SIG_IGN)
        if server is not None:
            server.stop()
        if listener is not None:
            listener.close()
            with contextlib.suppress(OSError):
                os.unlink(args.control)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
