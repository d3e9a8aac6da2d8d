"""One client connection: bytes in, request lines run in order, replies out in bounded batches."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    import ssl

from upskit.server.commands import OVERLONG_REPLY, Commands
from upskit.server.connection import ConnectionState

log = logging.getLogger(__name__)

#: Request lines (and their bytes) split off and waiting for their turn; beyond either
#: the session stops splitting (and reading) until the queue shrinks.
_MAX_QUEUED_LINES = 64
_MAX_QUEUED_BYTES = 8 * 1024
#: Bytes taken from the socket at a time.
_READ_SIZE = 2048
#: The one buffer every session reads into: a transport fills it and hands it to
#: ``buffer_updated`` at once, which copies out what it keeps before returning, so
#: connections need no read buffer of their own (5,000 of them would hold 10 MB).
_READ_BUFFER = bytearray(_READ_SIZE)
_READ_VIEW = memoryview(_READ_BUFFER)
#: Reply bytes gathered before they are written and the socket's fill level is checked.
_BATCH = 8 * 1024
#: Unsent reply bytes at which a session stops answering (and reading) until the client
#: has read some; the transport asks to resume below a quarter of that.
WRITE_HIGH_WATER = 32 * 1024


class SessionHost(Protocol):
    """What a session needs from the server that accepted it."""

    commands: Commands
    max_line: int
    tls_context: ssl.SSLContext | None
    write_stall_timeout: float

    def forget(self, session: Session) -> None: ...

    def stalled(self, session: Session) -> None: ...


class Session(asyncio.BufferedProtocol):
    """Protocol object for one TCP connection.

    Lines are answered strictly in order; replies computed together are joined and
    written in batches.  Every buffer is bounded: bytes are read a few KiB at a time,
    at most ``_MAX_QUEUED_LINES`` lines (``_MAX_QUEUED_BYTES``) wait, and a client
    that does not read its replies makes the session stop answering and reading until
    the socket drains, and is dropped (``host.stalled``) if it does not drain in time.
    After the client half-closes, every complete line it sent is still answered, then
    the connection closes.  Whatever closes the connection, ``connection_lost`` tears
    it down and tells the host (``host.forget``).
    """

    def __init__(self, host: SessionHost) -> None:
        self.host = host
        self.transport: asyncio.Transport | None = None
        self.conn = ConnectionState(host="?")
        #: When the last complete request line arrived (or the connection opened).
        self.last_active = time.monotonic()
        self._buffer = bytearray()  # received, not yet split into lines
        self._lines: deque[bytes | None] = deque()  # None marks an over-long line
        self._queued = 0  # bytes in _lines
        self._discarding = False
        self._busy: asyncio.Task[None] | None = None
        self._write_paused = False
        self._read_paused = False
        self._closed = False
        self._eof = False
        self._stall: asyncio.TimerHandle | None = None

    @property
    def waiting_for_client(self) -> bool:
        """True when nothing the client asked for is still being answered."""
        return self._busy is None and not self._lines

    # ------------------------------------------------------------ asyncio hooks
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports offer asyncio.Transport's methods without subclassing it
        self.transport = stream = cast(asyncio.Transport, transport)
        stream.set_write_buffer_limits(high=WRITE_HIGH_WATER)
        peer = stream.get_extra_info("peername")
        if isinstance(peer, tuple) and len(peer) >= 2:
            self.conn.host, self.conn.port = str(peer[0]), int(peer[1])

    def connection_lost(self, exc: Exception | None) -> None:
        """The one place where a closed connection is torn down, however it closed."""
        self._closed = True
        self._clear_lines()
        self._buffer.clear()
        self._cancel_stall()
        if self._busy is not None:
            self._busy.cancel()
        self.host.commands.abandon(self.conn)
        self.host.forget(self)

    def pause_writing(self) -> None:
        self._write_paused = True
        self._set_reading(False)
        if self._stall is None and not self._closed:
            loop = asyncio.get_running_loop()
            self._stall = loop.call_later(self.host.write_stall_timeout, self._stalled)

    def resume_writing(self) -> None:
        self._write_paused = False
        self._cancel_stall()
        self._pump()
        self._update_reading()

    def get_buffer(self, sizehint: int) -> memoryview:
        return _READ_VIEW

    def buffer_updated(self, nbytes: int) -> None:
        if self._closed or self._eof:
            return
        if (not self._buffer and not self._lines and self._busy is None
                and not self._write_paused and not self._discarding):
            # The common case: one whole request line and nothing else waiting.  It is
            # answered straight from the read buffer, with no queue in between.
            chunk = _READ_BUFFER
            end = chunk.find(b"\n", 0, nbytes)
            if end == nbytes - 1 and end <= self.host.max_line:
                self.last_active = time.monotonic()
                reply = self._answer(bytes(chunk[:end]))
                conn = self.conn
                if type(reply) is str and not (conn.close_requested or conn.tls_requested):
                    transport = self.transport
                    if transport is not None and not transport.is_closing():
                        transport.write(reply.encode("utf-8", "replace"))
                    return
                out: list[str] = []
                if self._take(reply, out):
                    self._write(out)
                else:
                    self._update_reading()
                return
        self._buffer += _READ_VIEW[:nbytes]
        self._split_lines()
        self._pump()
        self._update_reading()

    def eof_received(self) -> bool | None:
        """The client will send no more: answer what it asked for, then close."""
        self._eof = True
        if self._closed or self.waiting_for_client:
            return None  # nothing left to answer: let the transport close
        return True  # keep the connection open for the replies; _pump closes it

    # ------------------------------------------------------------------ input
    def _split_lines(self) -> None:
        """Move complete lines from the byte buffer to the queue while it has room."""
        buffer = self._buffer
        if not buffer:
            return
        limit = self.host.max_line
        lines = self._lines
        start = 0
        while len(lines) < _MAX_QUEUED_LINES and self._queued < _MAX_QUEUED_BYTES:
            end = buffer.find(b"\n", start)
            if end < 0:
                break
            if self._discarding:
                self._discarding = False
            elif end - start > limit:
                self._overlong()
            else:
                lines.append(bytes(buffer[start:end]))
                self._queued += end - start
            start = end + 1
        if start:
            self.last_active = time.monotonic()
            del buffer[:start]
        if len(buffer) > limit and buffer.find(b"\n") < 0:
            if not self._discarding:
                self._overlong()
                self._discarding = True
            buffer.clear()

    def _has_room(self) -> bool:
        return len(self._lines) < _MAX_QUEUED_LINES and self._queued < _MAX_QUEUED_BYTES

    def _next_line(self) -> bytes | None:
        line = self._lines.popleft()
        if line is not None:
            self._queued -= len(line)
        return line

    def _clear_lines(self) -> None:
        self._lines.clear()
        self._queued = 0

    def _overlong(self) -> None:
        self.host.commands.overlong(self.conn)  # logged now, answered in its turn
        self._lines.append(None)

    # ------------------------------------------------------------------ work
    def _pump(self) -> None:
        """Answer queued lines until one must wait, the socket is full, or none are left."""
        if self._busy is not None or self._write_paused or self._closed:
            return
        out: list[str] = []
        size = 0
        while True:
            if not self._lines:
                if not self._buffer:
                    break
                self._split_lines()
                if not self._lines:
                    break
            if size >= _BATCH:
                self._write(out)
                size = 0
                if self._write_paused or self._closed:
                    return
            line = self._next_line()
            if not self._take(OVERLONG_REPLY if line is None else self._answer(line), out):
                return
            size += len(out[-1])
        self._write(out)
        if self._eof:
            self._close()  # every complete line sent before the end has its reply

    def _take(self, reply: str | Coroutine[Any, Any, str], out: list[str]) -> bool:
        """Add ``reply`` to ``out``; False when answering must stop for now (a reply
        still being worked out, LOGOUT, STARTTLS), with ``out`` already written."""
        if not isinstance(reply, str):
            self._write(out)
            self._busy = asyncio.ensure_future(self._finish(reply))
            return False
        out.append(reply)
        conn = self.conn
        if conn.close_requested:
            self._write(out)
            self._close()
            return False
        if conn.tls_requested:
            conn.tls_requested = False
            self._set_reading(False)  # the handshake's first bytes are not request lines
            self._write(out)
            self._clear_lines()
            self._buffer.clear()
            self._busy = asyncio.ensure_future(self._start_tls())
            return False
        return True

    def _answer(self, line: bytes) -> str | Coroutine[Any, Any, str]:
        return self.host.commands.answer_safely(self.conn, line)

    async def _finish(self, pending: Coroutine[Any, Any, str]) -> None:
        reply = await self.host.commands.settle(self.conn, pending)
        self._busy = None
        self._write([reply])
        self._pump()
        self._update_reading()

    async def _start_tls(self) -> None:
        context = self.host.tls_context
        transport = self.transport
        assert context is not None and transport is not None
        loop = asyncio.get_running_loop()
        try:
            tls_transport = await loop.start_tls(transport, self, context, server_side=True,
                                                 ssl_handshake_timeout=15.0)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("TLS handshake with %s failed: %s", self.conn.who,
                        exc or type(exc).__name__)
            self._closed = True
            transport.abort()
            return
        if tls_transport is None or self._closed:
            return
        self.transport = tls_transport
        tls_transport.set_write_buffer_limits(high=WRITE_HIGH_WATER)
        self._read_paused = False
        self.conn.tls = True
        self._busy = None
        self._pump()
        self._update_reading()

    def _stalled(self) -> None:
        self._stall = None
        if not self._closed and self._write_paused:
            self.host.stalled(self)

    def _cancel_stall(self) -> None:
        if self._stall is not None:
            self._stall.cancel()
            self._stall = None

    # -------------------------------------------------------------- plumbing
    def _write(self, parts: list[str]) -> None:
        if not parts or self._closed or self.transport is None or self.transport.is_closing():
            return
        data = "".join(parts).encode("utf-8", "replace")
        parts.clear()
        self.transport.write(data)

    def _close(self) -> None:
        """Close once the replies written so far are sent (LOGOUT, end of input)."""
        self._closed = True
        self._clear_lines()
        if self.transport is not None:
            self.transport.close()

    def close(self) -> None:
        """Close the connection from the server side at once (shutdown, idle, stalled)."""
        if self.transport is not None and not self._closed:
            self._closed = True
            self.transport.abort()

    def _update_reading(self) -> None:
        self._set_reading(not self._write_paused and self._has_room())

    def _set_reading(self, wanted: bool) -> None:
        if self._closed or self.transport is None or wanted == (not self._read_paused):
            return
        self._read_paused = not wanted
        try:
            if wanted:
                self.transport.resume_reading()
            else:
                self.transport.pause_reading()
        except (RuntimeError, AttributeError, NotImplementedError):
            pass
