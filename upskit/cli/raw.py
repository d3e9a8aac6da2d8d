"""``upskit raw PORT COMMAND``: send one command and print the reply as text and hex."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("port", help="port URL: /dev/ttyUSB0, sim://megatec, replay://file...")
    parser.add_argument("command", help="command text, e.g. Q1 (a CR is appended)")
    parser.add_argument("-t", "--timeout", type=float, default=1.0,
                        help="seconds to wait for the reply (default 1)")
    parser.add_argument("-o", "--option", action="append", default=[], metavar="KEY=VALUE",
                        help="transport option, like in ups.conf (repeatable)")
    parser.add_argument("--no-cr", action="store_true", help="do not append a CR")


def _hex(data: bytes) -> str:
    return " ".join(f"{b:02x}" for b in data)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from upskit.transport import TransportError, open_transport

    options: dict[str, str | bool] = {}
    for item in args.option:
        key, sep, value = item.partition("=")
        options[key] = value if sep else True
    command = args.command.encode("latin-1").decode("unicode_escape").encode("latin-1")
    if not args.no_cr:
        command += b"\r"

    async def exchange() -> bytes:
        transport = open_transport(args.port, options)
        async with transport:
            return await transport.exchange(command, args.timeout)

    print(f"sent:  {command!r}")
    print(f"       {_hex(command)}")
    try:
        reply = asyncio.run(exchange())
    except (TransportError, ValueError) as exc:
        print(f"error: {exc}")
        return 1
    print(f"reply: {reply!r} ({len(reply)} bytes)")
    print(f"       {_hex(reply)}")
    return 0
