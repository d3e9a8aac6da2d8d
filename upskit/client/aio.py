"""asyncio client for the NUT network protocol (what ``upsd`` and upskit's server speak)."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import TYPE_CHECKING, TypeVar

from upskit.client import commands as c
from upskit.client.errors import (
    NutConnectionError,
    NutProtocolError,
    dropping,
    is_refusal,
    translated,
)
from upskit.client.mixin import AsyncShell
from upskit.client.protocol import MAX_LINE, decode_line

if TYPE_CHECKING:
    import ssl

T = TypeVar("T")


class AsyncClient(AsyncShell):
    """A connection to one NUT server, used from asyncio code.

    One operation runs at a time (others wait their turn).  The first call connects
    if :meth:`connect` was not called; after :meth:`close` or a broken connection,
    calls raise :class:`NutConnectionError` until :meth:`connect` is called again
    (state such as a login is never silently lost).  Each network wait is bounded by
    ``timeout`` seconds.  With ``starttls=True`` or an ``ssl_context`` the
    connection is upgraded with ``STARTTLS`` right after connecting.

    Use as ``async with AsyncClient(host) as nut: await nut.list_ups()``.
    """

    _reader: asyncio.StreamReader | None
    _writer: asyncio.StreamWriter | None
    _lock: asyncio.Lock

    def _init_io(self) -> None:
        self._reader = None
        self._writer = None
        self._lock = asyncio.Lock()

    # ------------------------------------------------------------------ life cycle

    @property
    def connected(self) -> bool:
        """Whether a connection is open."""
        return self._writer is not None

    async def connect(self) -> None:
        """Open the connection (and run STARTTLS when asked); no-op when open."""
        async with self._lock:
            await self._connect()

    async def _connect(self) -> None:
        if self._writer is not None:
            return
        self._ever_connected = True
        with translated("Connection timed out"):
            async with asyncio.timeout(self.timeout):
                reader, writer = await asyncio.open_connection(
                    self.host, self.port, limit=MAX_LINE + 2
                )
        self._reader, self._writer = reader, writer
        self._tls = False
        if self.use_starttls:
            with dropping(self._drop):
                await self._starttls(self.ssl_context)

    async def close(self) -> None:
        """Close the connection (without LOGOUT); safe to call twice."""
        writer = self._writer
        self._reader = self._writer = None
        self._tls = False
        if writer is None:
            return
        writer.close()
        try:
            async with asyncio.timeout(1.0):
                await writer.wait_closed()
        except (OSError, TimeoutError):
            pass

    async def __aenter__(self) -> AsyncClient:
        await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def _drop(self) -> None:
        """Abort the connection at once (its state is unknown)."""
        writer = self._writer
        self._reader = self._writer = None
        self._tls = False
        if writer is not None:
            writer.transport.abort()

    async def _ensure(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._writer is None:
            self._check_reconnect()
            await self._connect()
        assert self._reader is not None and self._writer is not None
        return self._reader, self._writer

    # ------------------------------------------------------------------ I/O for the calls

    async def _send(self, data: bytes) -> None:
        _, writer = await self._ensure()
        with translated("timed out sending", self._drop):
            writer.write(data)
            async with asyncio.timeout(self.timeout):
                await writer.drain()

    async def _read_line(self) -> str:
        reader, _ = await self._ensure()
        with translated("timed out waiting for the server", self._drop):
            try:
                async with asyncio.timeout(self.timeout):
                    raw = await reader.readuntil(b"\n")
            except asyncio.IncompleteReadError:
                self._drop()
                raise NutConnectionError("connection closed by server", code="CLOSED") from None
            except (asyncio.LimitOverrunError, ValueError):
                self._drop()
                raise NutProtocolError(f"reply line longer than {MAX_LINE} bytes") from None
        return decode_line(raw)

    async def _converse(self, exchange: c.Exchange[T]) -> T:
        data, reply = exchange.encode(), exchange.reply()
        with reply.guard(self._drop):
            await self._send(data)
            while not reply.feed(await self._read_line()):
                pass
        return reply.value

    async def _exchange(self, exchange: c.Exchange[T]) -> T:
        async with self._lock:
            return await self._converse(exchange)

    async def _secure(self, context: ssl.SSLContext | None) -> None:
        async with self._lock:
            await self._ensure()
            with dropping(self._drop, keep=is_refusal):
                await self._starttls(context or self.ssl_context)

    async def _starttls(self, context: ssl.SSLContext | None) -> None:
        await self._converse(c.starttls())
        ctx = self._tls_context(context)
        _, writer = await self._ensure()
        with translated("TLS handshake timed out", self._drop):
            async with asyncio.timeout(self.timeout):
                await writer.start_tls(ctx, server_hostname=self.host)
        self._tls = True

    async def _pause(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    async def _clock(self) -> float:
        return asyncio.get_running_loop().time()
