"""One connection to a NUT driver's socket, as upsd holds it: dump, updates, keepalive,
commands with TRACKING ids.  Bounded everywhere; never spins when the peer goes away."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import socket
import struct

from upskit.drivers.nutsock.mirror import Mirror
from upskit.drivers.nutsock.wire import LineBuffer, line, quote, split_words, word
from upskit.model import CmdResult, Device

#: Seconds a write may wait for a driver that does not read before the link is dropped.
WRITE_TIMEOUT = 10.0
_READ_CHUNK = 65536


class LinkLost(Exception):
    """The driver's socket closed, broke, or stopped answering."""


class DriverLink:
    """A session with the driver at ``path`` mirrored into ``device``.

    :meth:`run` connects, asks for ``DUMPALL`` and mirrors every line until the link is
    lost (it then raises :class:`LinkLost`); a ``PING`` goes out after ``ping_interval``
    seconds of silence and a driver silent for three of them counts as gone.
    :meth:`command` sends ``INSTCMD``/``SET`` with a TRACKING id and waits for its result.
    """

    def __init__(self, path: str, device: Device, log: logging.LoggerAdapter[logging.Logger],
                 *, ping_interval: float = 2.0, command_timeout: float = 15.0,
                 write_timeout: float = WRITE_TIMEOUT) -> None:
        self.path = path
        self.device = device
        self.log = log
        self.ping_interval = ping_interval
        self.command_timeout = command_timeout
        self.write_timeout = write_timeout
        self.mirror = Mirror(device)
        self.dumped = asyncio.Event()
        self._writer: asyncio.StreamWriter | None = None
        self._pending: dict[str, asyncio.Future[int]] = {}
        #: Why this side dropped the link (the reader then only sees it closed).
        self._lost = ""
        #: When the driver last said something (loop time).
        self._heard = 0.0
        #: The driver's process id, from the socket's peer credentials (None: unknown).
        self.peer_pid: int | None = None
        self._ids = itertools.count(1)
        self._prefix = f"upskit-{os.getpid()}-"

    @property
    def connected(self) -> bool:
        return self._writer is not None

    async def run(self) -> None:
        """Connect and mirror until the link is lost; raises :class:`LinkLost` (or
        ``OSError`` when the socket cannot be reached)."""
        reader, writer = await asyncio.open_unix_connection(self.path, limit=_READ_CHUNK)
        sock = writer.get_extra_info("socket")
        self.peer_pid = peer_pid(sock) if sock is not None else None
        self._writer = writer
        self._lost = ""
        self._heard = asyncio.get_running_loop().time()
        self.mirror.begin_dump()
        self.dumped.clear()
        try:
            await self._send(line("DUMPALL"))
            pinger = asyncio.create_task(self._keepalive())
            try:
                await self._read(reader)
            finally:
                pinger.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await pinger
        finally:
            self._writer = None
            for future in self._pending.values():
                if not future.done():
                    future.set_result(int(CmdResult.FAILED))
            self._pending.clear()
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _read(self, reader: asyncio.StreamReader) -> None:
        lines = LineBuffer()
        dropped = bad = 0
        while True:
            try:
                async with asyncio.timeout(3 * self.ping_interval):
                    data = await reader.read(_READ_CHUNK)
            except TimeoutError:
                raise LinkLost(f"no answer on {self.path} for "
                               f"{3 * self.ping_interval:.0f} s") from None
            except OSError as exc:
                raise LinkLost(self._lost or f"{self.path}: {exc.strerror or exc}") from None
            if not data:
                raise LinkLost(self._lost or f"{self.path} closed by the driver")
            self._heard = asyncio.get_running_loop().time()
            for text in lines.feed(data):
                self._handle(split_words(text))
            if not self.device.stale:
                # as upsd: whatever the driver says shows it alive (MAXAGE counts from it)
                self.device.data_ok()
            if lines.dropped != dropped:
                dropped = lines.dropped
                self.log.warning("%s: over-long line from the driver dropped (%d so far)",
                                 self.device.name, dropped)
            if self.mirror.bad_lines != bad:
                bad = self.mirror.bad_lines
                self.log.debug("%s: %d unrecognised lines from the driver",
                               self.device.name, bad)

    def _handle(self, words: list[str]) -> None:
        reply = self.mirror.apply(words)
        if reply is None:
            return
        if reply.kind == "DUMPDONE":
            self.dumped.set()
        elif reply.kind == "TRACKING":
            future = self._pending.pop(reply.ident, None)
            if future is not None and not future.done():
                future.set_result(reply.status)

    async def _keepalive(self) -> None:
        """A PING whenever the driver was silent for ``ping_interval`` (as upsd does)."""
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.ping_interval)
            if loop.time() - self._heard >= self.ping_interval * 0.9:
                await self._send(line("PING"))

    async def _send(self, data: bytes) -> None:
        writer = self._writer
        if writer is None:
            raise LinkLost("not connected")
        writer.write(data)
        try:
            async with asyncio.timeout(self.write_timeout):
                await writer.drain()
        except TimeoutError:
            self._lost = f"the driver on {self.path} does not read"
            writer.transport.abort()
            raise LinkLost(self._lost) from None
        except OSError as exc:
            raise LinkLost(f"{self.path}: {exc.strerror or exc}") from None

    async def command(self, verb: str, *args: str) -> CmdResult:
        """``INSTCMD name [param]`` or ``SET name value`` with a TRACKING id; the
        driver's result (``FAILED`` when the link is down or no answer comes)."""
        if self._writer is None:
            return CmdResult.FAILED
        ident = f"{self._prefix}{next(self._ids)}"
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._pending[ident] = future
        words = [verb, *(word(a) if i == 0 else quote(a) for i, a in enumerate(args)),
                 "TRACKING", ident]
        try:
            await self._send(line(*words))
            async with asyncio.timeout(self.command_timeout):
                status = await future
        except (LinkLost, TimeoutError) as exc:
            self.log.warning("%s: %s %s: no result from the driver (%s)", self.device.name,
                             verb, args[0] if args else "", exc or "timed out")
            return CmdResult.FAILED
        finally:
            self._pending.pop(ident, None)
        try:
            return CmdResult(status)
        except ValueError:
            return CmdResult.FAILED


def peer_pid(sock: socket.socket) -> int | None:
    """The process id at the other end of a Unix socket, where the system says."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return None
    try:
        raw = sock.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i"))
    except OSError:
        return None
    pid, _uid, _gid = struct.unpack("3i", raw)
    return int(pid) or None


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU seconds process ``pid`` used so far (None: unknown)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None
