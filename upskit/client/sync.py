"""Blocking client for the NUT network protocol, on a plain socket (no event loop)."""

from __future__ import annotations

import _socket  # socket.py's core: socket.py itself loads enum, selectors and more
import time
from _thread import RLock  # threading's RLock, without importing threading

from upskit.client import commands as c
from upskit.client.errors import (
    NutConnectionError,
    NutProtocolError,
    dropping,
    is_refusal,
    translated,
)
from upskit.client.mixin import BlockingShell
from upskit.client.protocol import MAX_LINE, decode_line
from upskit.lean import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    import ssl
    import threading
    from types import TracebackType

T = TypeVar("T")


class Client(BlockingShell):
    """A blocking connection to one NUT server; same methods as :class:`AsyncClient`.

    Safe to share between threads (one operation at a time).  The first call
    connects if :meth:`connect` was not called; after :meth:`close` or a broken
    connection, calls raise :class:`NutConnectionError` until :meth:`connect` is
    called again.  Each reply line must arrive within ``timeout`` seconds.

    Use as ``with Client(host) as nut: nut.list_ups()``.
    """

    _sock: _socket.socket | None
    _buf: bytearray
    _lock: threading.RLock

    def _init_io(self) -> None:
        self._sock = None
        self._buf = bytearray()
        self._lock = RLock()

    # ------------------------------------------------------------------ life cycle

    @property
    def connected(self) -> bool:
        """Whether a connection is open."""
        return self._sock is not None

    def connect(self) -> None:
        """Open the connection (and run STARTTLS when asked); no-op when open."""
        with self._lock:
            self._connect()

    def _connect(self) -> None:
        if self._sock is not None:
            return
        self._ever_connected = True
        with translated("Connection timed out"):
            # an ASCII name goes as bytes: a str makes getaddrinfo load the idna codec
            host: str | bytes = self.host.encode() if self.host.isascii() else self.host
            sock = _open_tcp(host, self.port, self.timeout)
        self._sock = sock
        self._buf.clear()
        self._tls = False
        if self.use_starttls:
            with dropping(self._drop):
                self._starttls(self.ssl_context)

    def close(self) -> None:
        """Close the connection (without LOGOUT); safe to call twice."""
        self._drop()

    def __enter__(self) -> Client:
        self.connect()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _drop(self) -> None:
        sock = self._sock
        self._sock = None
        self._buf.clear()
        self._tls = False
        if sock is not None:
            try:  # noqa: SIM105  # contextlib.suppress: one more module at start-up
                sock.close()
            except OSError:
                pass

    def _ensure(self) -> _socket.socket:
        if self._sock is None:
            self._check_reconnect()
            self._connect()
        assert self._sock is not None
        return self._sock

    # ------------------------------------------------------------------ I/O for the calls

    def _send(self, data: bytes) -> None:
        sock = self._ensure()
        with translated("timed out sending", self._drop):
            sock.settimeout(self.timeout)
            sock.sendall(data)

    def _read_line(self) -> str:
        sock = self._ensure()
        deadline = time.monotonic() + self.timeout
        while True:
            end = self._buf.find(b"\n")
            if end >= 0:
                raw = bytes(self._buf[: end + 1])
                del self._buf[: end + 1]
                return decode_line(raw)
            if len(self._buf) > MAX_LINE:
                self._drop()
                raise NutProtocolError(f"reply line longer than {MAX_LINE} bytes")
            with translated("timed out waiting for the server", self._drop):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                sock.settimeout(remaining)
                data = sock.recv(65536)
            if not data:
                self._drop()
                raise NutConnectionError("connection closed by server", code="CLOSED")
            self._buf += data

    def _converse(self, exchange: c.Exchange[T]) -> T:
        data, reply = exchange.encode(), exchange.reply()
        with reply.guard(self._drop):
            self._send(data)
            while not reply.feed(self._read_line()):
                pass
        return reply.value

    def _exchange(self, exchange: c.Exchange[T]) -> T:
        with self._lock:
            return self._converse(exchange)

    def _secure(self, context: ssl.SSLContext | None) -> None:
        with self._lock:
            self._ensure()
            with dropping(self._drop, keep=is_refusal):
                self._starttls(context or self.ssl_context)

    def _starttls(self, context: ssl.SSLContext | None) -> None:
        self._converse(c.starttls())
        if self._buf:
            self._drop()
            raise NutProtocolError("data after OK STARTTLS before the TLS handshake")
        ctx = self._tls_context(context)
        raw = self._ensure()
        import socket  # ssl wraps socket.py's sockets (and has loaded socket.py already)

        self._sock = sock = socket.socket(raw.family, raw.type, raw.proto, raw.detach())
        with translated("TLS handshake timed out", self._drop):
            sock.settimeout(self.timeout)
            self._sock = ctx.wrap_socket(sock, server_hostname=self.host)
        self._tls = True

    def _pause(self, seconds: float) -> None:
        time.sleep(seconds)

    def _clock(self) -> float:
        return time.monotonic()


def _open_tcp(host: str | bytes, port: int, timeout: float) -> _socket.socket:
    """``socket.create_connection((host, port), timeout)``, on ``_socket`` alone: each
    address ``host`` has in turn; when none answers, the last one's error."""
    error: OSError | None = None
    for family, kind, proto, _, address in _socket.getaddrinfo(host, port, 0,
                                                               _socket.SOCK_STREAM):
        sock = None
        try:
            sock = _socket.socket(family, kind, proto)
            sock.settimeout(timeout)
            sock.connect(address)
        except OSError as exc:
            if sock is not None:
                sock.close()
            error = exc
            continue
        return sock
    raise error or OSError("getaddrinfo returns an empty list")
