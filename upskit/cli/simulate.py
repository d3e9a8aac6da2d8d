"""``upskit simulate DIALECT``: a simulated UPS on a pty, or answering stdin lines.

Control lines (stdin, or the ``--control`` unix socket, one per line):
``mains off|on``, ``load <percent>``, ``charge <0..1>``, ``advance <seconds>``,
``fault <garbage|truncate|nul|leading|silence|slow|off> [count]``, ``status``, ``quit``.
Without ``--pty`` every other line is sent to the device as a command and the reply
printed.
"""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dialect", help="Q* dialect to simulate (megatec, mustek, q1...)")
    parser.add_argument("--pty", action="store_true",
                        help="serve on a new pseudo-terminal and print its path")
    parser.add_argument("--baud", type=int, default=2400,
                        help="pace replies like this baud rate (0 = no pacing)")
    parser.add_argument("--table", action="store_true",
                        help="serve the dialect's canned NUT test table instead of the model")
    parser.add_argument("--speed", type=float, default=1.0,
                        help="simulated seconds per real second")
    parser.add_argument("--control", metavar="SOCKET",
                        help="also accept control lines on this unix socket path")


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


def _serve_socket(path: str, device: object) -> None:
    import contextlib
    import os
    import socket
    import threading

    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(4)

    def client(conn: socket.socket) -> None:
        with conn, conn.makefile("rw", encoding="utf-8") as stream:
            for line in stream:
                stream.write(control(device, line) + "\n")
                stream.flush()

    def accept() -> None:
        while True:
            conn, _ = server.accept()
            threading.Thread(target=client, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()


def run(args: argparse.Namespace) -> int:
    import sys

    from upskit.sim.device import SimDevice
    from upskit.sim.physics import UpsPhysics

    options = {"mode": "table"} if args.table else {}
    try:
        device = SimDevice(args.dialect, UpsPhysics(speed=args.speed), options)
    except LookupError as exc:
        print(f"upskit simulate: {exc}", file=sys.stderr)
        return 2
    if args.control:
        _serve_socket(args.control, device)
    server = None
    if args.pty:
        from upskit.sim.pty import PtyServer

        server = PtyServer(device, baud=args.baud or None).start()
        print(server.path, flush=True)
    try:
        for line in sys.stdin:
            line = line.strip()
            if line in ("quit", "exit"):
                break
            first = line.split(" ", 1)[0].lower()
            if server is None and first not in {"mains", "load", "charge", "advance",
                                                "fault", "status"}:
                reply, _ = device.respond(line.encode("latin-1") + b"\r")
                print("(silence)" if reply is None else repr(reply), flush=True)
                continue
            print(control(device, line), flush=True)
    finally:
        if server is not None:
            server.stop()
    return 0
