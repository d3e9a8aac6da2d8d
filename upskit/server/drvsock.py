"""NUT's driver socket served from a :class:`Device`, so that NUT's ``upsd`` serves an
upskit driver unchanged (``upskit driver``).

Each connection gets broadcast updates from the device's events (unless it sent
``NOBROADCAST``) and answers ``DUMPALL``, ``PING``, ``GETPID``, ``INSTCMD`` and ``SET``
(with ``TRACKING`` ids), ``BROADCAST`` and ``LOGOUT``.  Input lines are bounded, a
peer that stops reading is dropped once ``max_pending`` bytes wait for it, and a
connection costs nothing while the peer is quiet.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Iterator

from upskit.drivers.nutsock.wire import LineBuffer, flag_words, line, quote, split_words, word
from upskit.model import CmdResult, Device, DeviceEvent, DeviceSnapshot, EventKind
from upskit.unixsock import bind_unix, unlink_if_ours

log = logging.getLogger(__name__)

#: Bytes that may wait for a peer before it counts as not reading.
MAX_PENDING = 1 << 20
#: Connections served at once (upsd needs one; tools like upsdrvctl a few more).
MAX_CLIENTS = 16
#: Commands one connection may have running at once.
MAX_RUNNING = 32


def dump_lines(snap: DeviceSnapshot) -> Iterator[bytes]:
    """What ``DUMPALL`` answers for ``snap``, ``DUMPDONE`` last."""
    stale = snap.stale or not snap.connected
    if stale:
        yield line("DATASTALE")
    for var in snap.variables:
        yield line("SETINFO", word(var.name), quote(var.value))
        if var.aux:
            yield line("SETAUX", word(var.name), str(var.aux))
        flags = flag_words(var.flags)
        if flags:
            yield line("SETFLAGS", word(var.name), *flags)
        for value in var.enums:
            yield line("ADDENUM", word(var.name), quote(value))
        for low, high in var.ranges:
            yield line("ADDRANGE", word(var.name), str(low), str(high))
    for cmd in snap.commands:
        yield line("ADDCMD", word(cmd))
    if not stale:
        yield line("DATAOK")
    yield line("DUMPDONE")


class _Client:
    """One peer on the socket."""

    def __init__(self, server: DriverSocketServer, writer: asyncio.StreamWriter) -> None:
        self.server = server
        self.writer = writer
        self.broadcast = True
        self.running: set[asyncio.Task[None]] = set()

    def send(self, data: bytes) -> bool:
        """Queue ``data``; False (and the peer dropped) when it stopped reading."""
        if self.writer.is_closing():
            return False
        self.writer.write(data)
        if self.writer.transport.get_write_buffer_size() > self.server.max_pending:
            log.warning("%s: driver-socket peer does not read; connection dropped",
                        self.server.device.name)
            self.writer.transport.abort()
            return False
        return True


class DriverSocketServer:
    """Serves ``device`` on NUT's driver socket at ``path``."""

    def __init__(self, device: Device, path: str, *, max_pending: int = MAX_PENDING,
                 max_clients: int = MAX_CLIENTS) -> None:
        self.device = device
        self.path = path
        self.max_pending = max_pending
        self.max_clients = max_clients
        self.clients: set[_Client] = set()
        self._server: asyncio.AbstractServer | None = None
        self._inode: int | None = None
        self._unsubscribe: object = None
        self._enums: dict[str, tuple[str, ...]] = {}
        self._ranges: dict[str, tuple[tuple[int, int], ...]] = {}

    async def start(self, mode: int = 0o660) -> None:
        """Create the socket (an old one nobody answers on is replaced); raises
        ``OSError`` when it cannot, ``FileExistsError`` when a live driver holds it."""
        sock, self._inode = bind_unix(self.path, mode, "driver")
        for var in self.device.variables():
            self._enums[var.name] = tuple(var.enums)
            self._ranges[var.name] = tuple(var.ranges)
        self._unsubscribe = self.device.subscribe(self._on_event)
        self._server = await asyncio.start_unix_server(self._serve, sock=sock)

    async def close(self) -> None:
        """Stop serving, drop every peer and remove the socket (if still ours)."""
        if callable(self._unsubscribe):
            self._unsubscribe()
            self._unsubscribe = None
        if self._server is not None:
            self._server.close()
            self._server = None
        for client in list(self.clients):
            client.writer.transport.abort()
        unlink_if_ours(self.path, self._inode)

    # ----------------------------------------------------------- broadcasts
    def _on_event(self, event: DeviceEvent) -> None:
        lines = list(self._event_lines(event))
        if not lines:
            return
        data = b"".join(lines)
        for client in list(self.clients):
            if client.broadcast:
                client.send(data)

    def _event_lines(self, event: DeviceEvent) -> Iterator[bytes]:
        kind, name = event.kind, event.name
        if kind is EventKind.VARIABLE:
            if event.value is None:
                self._enums.pop(name, None)
                self._ranges.pop(name, None)
                yield line("DELINFO", word(name))
            else:
                yield line("SETINFO", word(name), quote(event.value))
        elif kind is EventKind.STALE or (kind is EventKind.CONNECTED and event.value == "0"):
            yield line("DATASTALE")
        elif kind is EventKind.OK or (kind is EventKind.CONNECTED and event.value == "1"
                                      and not self.device.stale):
            yield line("DATAOK")
        elif kind is EventKind.FLAGS and event.flags is not None:
            yield line("SETFLAGS", word(name), *flag_words(event.flags))
        elif kind is EventKind.AUX and event.aux is not None:
            yield line("SETAUX", word(name), str(event.aux))
        elif kind is EventKind.ENUMS and event.enums is not None:
            before = self._enums.get(name, ())
            self._enums[name] = event.enums
            yield from (line("DELENUM", word(name), quote(v))
                        for v in before if v not in event.enums)
            yield from (line("ADDENUM", word(name), quote(v))
                        for v in event.enums if v not in before)
        elif kind is EventKind.RANGES and event.ranges is not None:
            old = self._ranges.get(name, ())
            self._ranges[name] = event.ranges
            yield from (line("DELRANGE", word(name), str(lo), str(hi))
                        for lo, hi in old if (lo, hi) not in event.ranges)
            yield from (line("ADDRANGE", word(name), str(lo), str(hi))
                        for lo, hi in event.ranges if (lo, hi) not in old)
        elif kind is EventKind.COMMAND_ADDED:
            yield line("ADDCMD", word(name))
        elif kind is EventKind.COMMAND_REMOVED:
            yield line("DELCMD", word(name))

    # ------------------------------------------------------------ requests
    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if len(self.clients) >= self.max_clients:
            log.warning("%s: driver socket: too many connections; one refused",
                        self.device.name)
            writer.transport.abort()
            return
        client = _Client(self, writer)
        self.clients.add(client)
        lines = LineBuffer()
        dropped = 0
        try:
            while not writer.is_closing():
                data = await reader.read(65536)
                if not data:
                    break
                for text in lines.feed(data):
                    if not self._request(client, split_words(text)):
                        return
                if lines.dropped != dropped:
                    dropped = lines.dropped
                    log.warning("%s: driver socket: over-long line dropped",
                                self.device.name)
        except OSError as exc:
            log.debug("%s: driver-socket peer gone: %r", self.device.name, exc)
        finally:
            self.clients.discard(client)
            for task in client.running:
                task.cancel()
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    def _request(self, client: _Client, words: list[str]) -> bool:
        """Handle one request; False when the peer logged out."""
        if not words:
            return True
        verb, args = words[0].upper(), words[1:]
        if verb == "PING":
            client.send(line("PONG"))
        elif verb == "DUMPALL":
            client.send(b"".join(dump_lines(self.device.snapshot())))
        elif verb == "GETPID":
            client.send(line("PID", str(os.getpid())))
        elif verb == "NOBROADCAST":
            client.broadcast = False
        elif verb == "BROADCAST":
            client.broadcast = not (args and _number(args[0]) <= 0)
        elif verb == "LOGOUT":
            return False
        elif verb in ("INSTCMD", "SET"):
            self._command(client, verb, args)
        else:
            log.debug("%s: driver socket: unknown request %r", self.device.name, verb)
        return True

    def _command(self, client: _Client, verb: str, args: list[str]) -> None:
        tracking = None
        if len(args) >= 2 and args[-2].upper() == "TRACKING":
            tracking, args = args[-1], args[:-2]
        if not args or (verb == "SET" and len(args) != 2) or len(args) > 2:
            if tracking is not None:
                client.send(line("TRACKING", word(tracking), str(int(CmdResult.INVALID))))
            return
        if len(client.running) >= MAX_RUNNING:
            if tracking is not None:
                client.send(line("TRACKING", word(tracking), str(int(CmdResult.FAILED))))
            return
        task = asyncio.create_task(self._run_command(client, verb, args, tracking))
        client.running.add(task)
        task.add_done_callback(client.running.discard)

    async def _run_command(self, client: _Client, verb: str, args: list[str],
                           tracking: str | None) -> None:
        if verb == "INSTCMD":
            result = await self.device.instcmd(args[0], args[1] if len(args) > 1 else None)
        else:
            result = await self.device.setvar(args[0], args[1])
        log.info("%s: %s %s from the driver socket -> %s", self.device.name, verb,
                 args[0], result.name)
        if tracking is not None:
            client.send(line("TRACKING", word(tracking), str(int(result))))


def _number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 1

