"""``upskit lines PORT``: watch a serial port's modem lines and toggle DTR/RTS.

For finding which contact-closure cable type (genericups ``upstype``) a UPS uses: the
four input lines (CTS, DSR, RI, DCD) are printed whenever they change, and commands on
standard input drive the two outputs (``dtr on``, ``rts off``, ``d``/``r`` to toggle,
``break [seconds]``), so a user can power the cable, pull the UPS's plug and see
where its signals appear.  On a simulated port (``sim://contact/<upstype>``) the
commands ``mains on|off`` and ``charge <0..1>`` drive the simulated UPS too.
``quit`` (or Ctrl-C) ends; the lines are left as they are, as genericups leaves them.

Careful: on battery, some UPSes cut their load when a line is raised (that is their
shutdown signal); try this with nothing important plugged into the UPS.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio

    from upskit.transport.lines import LineState, ModemLines

HELP_TEXT = ("commands: dtr on|off, rts on|off, d / r (toggle), break [seconds], "
             "mains on|off and charge N (simulated UPS only), quit")


def _on_off(text: str) -> bool:
    word = text.strip().lower()
    if word in ("on", "1", "high", "yes"):
        return True
    if word in ("off", "0", "low", "no"):
        return False
    raise argparse.ArgumentTypeError(f"needs on or off, got {text!r}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from upskit.cli.argtypes import positive_number

    parser.add_argument("port", help="serial port or URL: /dev/ttyS0, sim://contact/2 ...")
    parser.add_argument("--dtr", type=_on_off, default=False, metavar="on|off",
                        help="DTR as the port opens (default off)")
    parser.add_argument("--rts", type=_on_off, default=False, metavar="on|off",
                        help="RTS as the port opens (default off)")
    parser.add_argument("--once", action="store_true",
                        help="print the lines once and exit")
    parser.add_argument("--interval", type=positive_number, default=0.1,
                        help="seconds between readings (default 0.1)")
    parser.add_argument("--duration", type=positive_number, default=None,
                        help="stop after this many seconds (default: at quit or Ctrl-C)")
    parser.add_argument("-o", "--option", action="append", default=[], metavar="KEY=VALUE",
                        help="port option, like in ups.conf (repeatable)")


def show(state: LineState, dtr: bool, rts: bool) -> str:
    """One line of output: the four inputs, then the two outputs."""
    def word(on: bool) -> str:
        return "on " if on else "off"

    return (f"CTS {word(state.cts)}  DSR {word(state.dsr)}  RI {word(state.ri)}  "
            f"DCD {word(state.cd)}  |  DTR {word(dtr)}  RTS {word(rts)}")


class _Session:
    """The outputs as set, the simulated UPS if any, and the command interpreter."""

    def __init__(self, port: ModemLines, dtr: bool, rts: bool) -> None:
        self.port = port
        self.dtr, self.rts = dtr, rts
        self.done = False

    async def command(self, line: str) -> str | None:
        """Run one command; a message to print, or None."""
        words = line.strip().lower().split()
        if not words:
            return None
        verb, rest = words[0], words[1:]
        if verb in ("q", "quit", "exit"):
            self.done = True
            return None
        if verb in ("d", "r") and not rest:
            return await self._set(verb == "d", not (self.dtr if verb == "d" else self.rts))
        if verb in ("dtr", "rts") and len(rest) == 1:
            try:
                level = _on_off(rest[0])
            except argparse.ArgumentTypeError as exc:
                return f"{verb}: {exc}"
            return await self._set(verb == "dtr", level)
        if verb == "break" and len(rest) <= 1:
            seconds = float(rest[0]) if rest and _is_number(rest[0]) else 0.25
            await self.port.send_break(seconds)
            return f"BREAK sent for {seconds:g} s"
        if verb in ("mains", "charge") and len(rest) == 1:
            return self._simulated(verb, rest[0])
        return f"unknown command {line.strip()!r}; {HELP_TEXT}"

    async def _set(self, is_dtr: bool, level: bool) -> str | None:
        dtr, rts = (level, self.rts) if is_dtr else (self.dtr, level)
        await self.port.set_outputs(dtr, rts)
        self.dtr, self.rts = dtr, rts
        return None

    def _simulated(self, verb: str, value: str) -> str | None:
        from upskit.sim.contact import SimContactPort

        if not isinstance(self.port, SimContactPort):
            return f"{verb}: only a simulated UPS (sim://contact/...) can be told that"
        ups = self.port.device
        if verb == "mains":
            try:
                ups.mains(_on_off(value))
            except argparse.ArgumentTypeError as exc:
                return f"mains: {exc}"
            return None
        if not _is_number(value) or not 0 <= float(value) <= 1:
            return f"charge: needs a number from 0 to 1, got {value!r}"
        with ups.physics.lock:
            ups.physics.charge = float(value)
        return None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _stdin_lines(loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[str | None]) -> None:
    """Feed standard input's lines into ``queue`` (run in a daemon thread)."""
    for line in sys.stdin:
        loop.call_soon_threadsafe(queue.put_nowait, line)
    loop.call_soon_threadsafe(queue.put_nowait, None)


async def _watch(session: _Session, args: argparse.Namespace) -> None:
    import asyncio
    import threading

    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue()
    if not args.once:
        threading.Thread(target=_stdin_lines, args=(loop, queue), daemon=True).start()
        print(HELP_TEXT, flush=True)
    started = loop.time()
    shown: str | None = None
    while not session.done:
        text = show(await session.port.read_lines(), session.dtr, session.rts)
        if text != shown:
            print(f"{loop.time() - started:8.2f}s  {text}", flush=True)
            shown = text
        if args.once or (args.duration is not None and loop.time() - started >= args.duration):
            return
        try:
            async with asyncio.timeout(args.interval):
                line = await queue.get()
        except TimeoutError:
            continue
        if line is not None:
            message = await session.command(line)
            if message:
                print(message, flush=True)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from upskit.cli.argtypes import port_options
    from upskit.transport import TransportError, open_port
    from upskit.transport.lines import LinesUnsupported, ModemLines

    options = port_options(args.option)
    try:
        port = open_port(args.port, options, ModemLines)  # type: ignore[type-abstract]
    except (ValueError, LookupError, ImportError, TypeError) as exc:
        print(f"upskit lines: cannot use port {args.port!r}: {exc}", file=sys.stderr)
        return 2

    async def main() -> None:
        port.keep_outputs(args.dtr, args.rts)
        async with port:
            await port.set_outputs(args.dtr, args.rts)
            await _watch(_Session(port, args.dtr, args.rts), args)

    try:
        asyncio.run(main())
    except LinesUnsupported as exc:
        print(f"upskit lines: {exc} (a pseudo-terminal or a three-wire adapter has no "
              "modem lines)", file=sys.stderr)
        return 1
    except TransportError as exc:
        print(f"upskit lines: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    return 0
