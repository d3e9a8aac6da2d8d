"""One client connection: bytes in, request lines run in order, each reply in one send."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import ssl

from upskit.server.commands import Commands
from upskit.server.connection import ConnectionState
from upskit.server.protocol import split_request

log = logging.getLogger(__name__)

#: Request lines queued before the session stops reading from the socket.
_MAX_QUEUED_LINES = 64
_OVERLONG_REPLY = "ERR INVALID-ARGUMENT\n"
_INTERNAL_ERROR_REPLY = "ERR UNKNOWN-COMMAND\n"


class SessionHost(Protocol):
    """What a session needs from the server that accepted it."""

    commands: Commands
    max_line: int
    tls_context: ssl.SSLContext | None

    def admit(self, session: Session) -> bool: ...

    def forget(self, session: Session) -> None: ...


class Session(asyncio.Protocol):
    """Protocol object for one TCP connection.

    Lines are answered strictly in order.  Replies computed together are joined
    and written with a single ``write``.  A client that does not read its replies
    makes the session stop reading (and stop working) until the socket drains, so
    memory per connection stays bounded and other clients are never held up.
    """

    def __init__(self, host: SessionHost) -> None:
        self.host = host
        self.transport: asyncio.Transport | None = None
        self.conn = ConnectionState(host="?")
        self.last_active = time.monotonic()
        self._buffer = bytearray()
        self._lines: deque[bytes | None] = deque()  # None marks an over-long line
        self._discarding = False
        self._busy: asyncio.Task[None] | None = None
        self._write_paused = False
        self._read_paused = False
        self._closed = False

    # ------------------------------------------------------------ asyncio hooks
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        peer = transport.get_extra_info("peername")
        if isinstance(peer, tuple) and len(peer) >= 2:
            self.conn.host, self.conn.port = str(peer[0]), int(peer[1])
        if not self.host.admit(self):
            self._closed = True
            transport.abort()

    def connection_lost(self, exc: Exception | None) -> None:
        self._closed = True
        self._lines.clear()
        self._buffer.clear()
        if self._busy is not None:
            self._busy.cancel()
        self.host.commands.abandon(self.conn)
        self.host.forget(self)

    def pause_writing(self) -> None:
        self._write_paused = True
        self._set_reading(False)

    def resume_writing(self) -> None:
        self._write_paused = False
        self._pump()
        self._update_reading()

    def data_received(self, data: bytes) -> None:
        if self._closed:
            return
        self.last_active = time.monotonic()
        buffer = self._buffer
        buffer += data
        limit = self.host.max_line
        start = 0
        while True:
            end = buffer.find(b"\n", start)
            if end < 0:
                break
            if self._discarding:
                self._discarding = False
            elif end - start > limit:
                self._overlong()
            else:
                self._lines.append(bytes(buffer[start:end]))
            start = end + 1
        if start:
            del buffer[:start]
        if len(buffer) > limit:
            if not self._discarding:
                self._overlong()
                self._discarding = True
            buffer.clear()
        self._pump()
        self._update_reading()

    def eof_received(self) -> bool | None:
        return None

    # ------------------------------------------------------------------ work
    def _overlong(self) -> None:
        log.warning("Client %s sent a request line longer than %d bytes; ignored it",
                    self.conn.who, self.host.max_line)
        self._lines.append(None)

    def _pump(self) -> None:
        """Answer queued lines until one must wait, the socket is full, or none are left."""
        if self._busy is not None or self._write_paused or self._closed:
            return
        out: list[str] = []
        conn = self.conn
        while self._lines:
            line = self._lines.popleft()
            reply = _OVERLONG_REPLY if line is None else self._answer(line)
            if not isinstance(reply, str):
                self._write(out)
                self._busy = asyncio.ensure_future(self._finish(reply))
                return
            out.append(reply)
            if conn.close_requested:
                self._write(out)
                self._close()
                return
            if conn.tls_requested:
                conn.tls_requested = False
                self._write(out)
                self._lines.clear()
                self._busy = asyncio.ensure_future(self._start_tls())
                return
        self._write(out)

    def _answer(self, line: bytes) -> str | Coroutine[Any, Any, str]:
        try:
            words = split_request(line)
            return self.host.commands.handle(self.conn, words)
        except Exception:  # a bug must cost one reply, never the server
            log.exception("Internal error answering %r from %s", line[:80], self.conn.who)
            return _INTERNAL_ERROR_REPLY

    async def _finish(self, pending: Coroutine[Any, Any, str]) -> None:
        try:
            reply = await pending
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("Internal error finishing a request from %s", self.conn.who)
            reply = _INTERNAL_ERROR_REPLY
        self._busy = None
        self._write([reply])
        self._pump()
        self._update_reading()

    async def _start_tls(self) -> None:
        context = self.host.tls_context
        transport = self.transport
        assert context is not None and transport is not None
        self._buffer.clear()
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
        self._read_paused = False
        self.conn.tls = True
        self._busy = None
        self._pump()
        self._update_reading()

    # -------------------------------------------------------------- plumbing
    def _write(self, parts: list[str]) -> None:
        if not parts or self._closed or self.transport is None or self.transport.is_closing():
            return
        data = "".join(parts).encode("utf-8", "replace")
        parts.clear()
        self.transport.write(data)

    def _close(self) -> None:
        self._closed = True
        self._lines.clear()
        if self.transport is not None:
            self.transport.close()

    def close(self) -> None:
        """Close the connection from the server side (shutdown, idle timeout)."""
        if self.transport is not None and not self._closed:
            self._closed = True
            self.transport.abort()

    def _update_reading(self) -> None:
        self._set_reading(not self._write_paused and len(self._lines) < _MAX_QUEUED_LINES)

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
