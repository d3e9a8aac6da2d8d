"""``upskit raw PORT COMMAND``: send one command and print the reply as text and hex.

A port or command that cannot be used (unknown scheme or simulator, bad option,
missing USB support) is a usage error: one line on stderr, exit code 2.  A device that
does not answer is exit code 1.
"""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from upskit.cli.argtypes import positive_number

    parser.add_argument("port", help="port URL: /dev/ttyUSB0, sim://megatec, replay://file...")
    parser.add_argument("command", help="command text, e.g. Q1 (a CR is appended)")
    parser.add_argument("-t", "--timeout", type=positive_number, default=1.0,
                        help="seconds to wait for the reply (default 1)")
    parser.add_argument("-o", "--option", action="append", default=[], metavar="KEY=VALUE",
                        help="transport option, like in ups.conf (repeatable)")
    parser.add_argument("--no-cr", action="store_true", help="do not append a CR")


def _hex(data: bytes) -> str:
    return " ".join(f"{b:02x}" for b in data)


def _usage_error(message: str) -> int:
    print(f"upskit raw: {message}", file=sys.stderr)
    return 2


def encode_command(text: str, cr: bool = True) -> bytes:
    """The bytes of a command written with Python escapes (``\\r``, ``\\x00``); raises
    ValueError naming the problem."""
    try:
        raw = text.encode("latin-1")
    except UnicodeEncodeError:
        raise ValueError(f"command {text!r} is not latin-1 text (write other bytes as "
                         "\\xNN escapes)") from None
    try:
        command = raw.decode("unicode_escape").encode("latin-1")
    except (UnicodeDecodeError, UnicodeEncodeError) as exc:
        raise ValueError(f"bad escape in command {text!r}: {exc.reason}") from None
    return command + b"\r" if cr else command


def run(args: argparse.Namespace) -> int:
    import asyncio

    from upskit.cli.argtypes import port_options
    from upskit.transport import TransportError, open_transport

    options = port_options(args.option)
    try:
        command = encode_command(args.command, cr=not args.no_cr)
    except ValueError as exc:
        return _usage_error(str(exc))
    try:
        transport = open_transport(args.port, options)
    except (ValueError, LookupError, ImportError, TypeError) as exc:
        hint = " (a contact-closure UPS answers no commands: see upskit lines PORT)" if (
            "not a Transport" in str(exc)) else ""
        return _usage_error(f"cannot use port {args.port!r}: {exc}{hint}")

    async def exchange() -> bytes:
        async with transport:
            return await transport.exchange(command, args.timeout)

    print(f"sent:  {command!r}")
    print(f"       {_hex(command)}")
    try:
        reply = asyncio.run(exchange())
    except TransportError as exc:
        sys.stdout.flush()
        print(f"upskit raw: {exc}", file=sys.stderr)
        return 1
    print(f"reply: {reply!r} ({len(reply)} bytes)")
    print(f"       {_hex(reply)}")
    return 0
