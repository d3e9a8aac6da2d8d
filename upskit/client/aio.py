"""asyncio client for the NUT network protocol (what ``upsd`` and upskit's server speak)."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import TYPE_CHECKING, TypeVar

from upskit.client import commands as c
from upskit.client.errors import (
    NutConnectionError,
    NutError,
    NutProtocolError,
    connection_error,
)
from upskit.client.protocol import DEFAULT_PORT, MAX_LINE, MAX_LIST_ITEMS, decode_line
from upskit.lazyssl import load_ssl

if TYPE_CHECKING:
    import ssl

T = TypeVar("T")

class AsyncClient:
    """A connection to one NUT server, used from asyncio code.

    One operation runs at a time (others wait their turn).  The first call connects
    if :meth:`connect` was not called; after :meth:`close` or a broken connection,
    calls raise :class:`NutConnectionError` until :meth:`connect` is called again
    (state such as a login is never silently lost).  Each network wait is bounded by
    ``timeout`` seconds.  With ``starttls=True`` or an ``ssl_context`` the
    connection is upgraded with ``STARTTLS`` right after connecting.

    Use as ``async with AsyncClient(host) as nut: await nut.list_ups()``.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        *,
        timeout: float = 5.0,
        ssl_context: ssl.SSLContext | None = None,
        starttls: bool = False,
    ) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self.ssl_context = ssl_context
        self.use_starttls = starttls or ssl_context is not None
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._lock = asyncio.Lock()
        self._ever_connected = False
        self._tls = False

    # ------------------------------------------------------------------ life cycle

    @property
    def connected(self) -> bool:
        """Whether a connection is open."""
        return self._writer is not None

    @property
    def tls(self) -> bool:
        """Whether the connection was upgraded with STARTTLS."""
        return self._tls

    async def connect(self) -> None:
        """Open the connection (and run STARTTLS when asked); no-op when open."""
        async with self._lock:
            await self._connect()

    async def _connect(self) -> None:
        if self._writer is not None:
            return
        self._ever_connected = True
        try:
            async with asyncio.timeout(self.timeout):
                reader, writer = await asyncio.open_connection(
                    self.host, self.port, limit=MAX_LINE + 2
                )
        except TimeoutError:
            raise NutConnectionError("Connection timed out", code="TIMEOUT") from None
        except OSError as exc:
            raise connection_error(exc) from exc
        self._reader, self._writer = reader, writer
        self._tls = False
        if self.use_starttls:
            try:
                await self._starttls(self.ssl_context)
            except BaseException:
                self._drop()
                raise

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
            if self._ever_connected:
                raise NutConnectionError("not connected", code="CLOSED")
            await self._connect()
        assert self._reader is not None and self._writer is not None
        return self._reader, self._writer

    # ------------------------------------------------------------------ raw I/O

    async def _send(self, data: bytes) -> None:
        _, writer = await self._ensure()
        try:
            writer.write(data)
            async with asyncio.timeout(self.timeout):
                await writer.drain()
        except TimeoutError:
            self._drop()
            raise NutConnectionError("timed out sending", code="TIMEOUT") from None
        except OSError as exc:
            self._drop()
            raise connection_error(exc) from exc

    async def _read_line(self) -> str:
        reader, _ = await self._ensure()
        try:
            async with asyncio.timeout(self.timeout):
                raw = await reader.readuntil(b"\n")
        except TimeoutError:
            self._drop()
            raise NutConnectionError("timed out waiting for the server", code="TIMEOUT") from None
        except asyncio.IncompleteReadError:
            self._drop()
            raise NutConnectionError("connection closed by server", code="CLOSED") from None
        except (asyncio.LimitOverrunError, ValueError):
            self._drop()
            raise NutProtocolError(f"reply line longer than {MAX_LINE} bytes") from None
        except OSError as exc:
            self._drop()
            raise connection_error(exc) from exc
        return decode_line(raw)

    async def _run(self, query: c.Query[T]) -> T:
        data = query.encode()
        async with self._lock:
            try:
                await self._send(data)
                line = await self._read_line()
            except BaseException:
                self._drop()
                raise
        return query.parse(line)

    async def _run_list(self, query: c.ListQuery[T]) -> T:
        data = query.encode()
        async with self._lock:
            try:
                await self._send(data)
                first = await self._read_line()
            except BaseException:
                self._drop()
                raise
            try:
                query.check_begin(first)
            except NutProtocolError:
                self._drop()
                raise
            try:
                items: list[list[str]] = []
                while True:
                    line = await self._read_line()
                    if query.is_end(line):
                        break
                    items.append(query.item(line))
                    if len(items) > MAX_LIST_ITEMS:
                        raise NutProtocolError(f"more than {MAX_LIST_ITEMS} list items")
            except BaseException:
                self._drop()
                raise
        return query.build(items)

    async def request(self, line: str) -> str:
        """Send one raw command line and return the one reply line, ``ERR`` included."""
        return await self._run(c.raw(line))

    # ------------------------------------------------------------------ commands

    async def ver(self) -> str:
        """The server's version line (``VER``)."""
        return await self._run(c.ver())

    async def netver(self) -> str:
        """The protocol version (``NETVER``), e.g. ``1.3``."""
        return await self._run(c.netver())

    async def help(self) -> str:
        """The server's command list (``HELP``)."""
        return await self._run(c.help_())

    async def list_ups(self) -> dict[str, str]:
        """UPS name -> description."""
        return await self._run_list(c.list_ups())

    async def list_vars(self, ups: str) -> dict[str, str]:
        """Variable -> value for one UPS."""
        return await self._run_list(c.list_vars(ups))

    async def list_rw(self, ups: str) -> dict[str, str]:
        """Writable variable -> value for one UPS."""
        return await self._run_list(c.list_rw(ups))

    async def list_commands(self, ups: str) -> list[str]:
        """Instant command names of one UPS."""
        return await self._run_list(c.list_commands(ups))

    async def list_enum(self, ups: str, var: str) -> list[str]:
        """Accepted values of an enumerated variable."""
        return await self._run_list(c.list_enum(ups, var))

    async def list_range(self, ups: str, var: str) -> list[tuple[str, str]]:
        """Accepted (min, max) ranges of a variable."""
        return await self._run_list(c.list_range(ups, var))

    async def list_clients(self, ups: str) -> list[str]:
        """Addresses of the clients logged in to a UPS."""
        return await self._run_list(c.list_clients(ups))

    async def get_var(self, ups: str, var: str) -> str:
        """One variable's value."""
        return await self._run(c.get_var(ups, var))

    async def get_type(self, ups: str, var: str) -> list[str]:
        """Type words of a variable (``RW``, ``ENUM``, ``RANGE``, ``STRING:n``, ``NUMBER``)."""
        return await self._run(c.get_type(ups, var))

    async def get_desc(self, ups: str, var: str) -> str:
        """A variable's description."""
        return await self._run(c.get_desc(ups, var))

    async def get_cmddesc(self, ups: str, cmd: str) -> str:
        """An instant command's description."""
        return await self._run(c.get_cmddesc(ups, cmd))

    async def get_upsdesc(self, ups: str) -> str:
        """A UPS's description."""
        return await self._run(c.get_upsdesc(ups))

    async def get_numlogins(self, ups: str) -> int:
        """How many clients are logged in to a UPS."""
        return await self._run(c.get_numlogins(ups))

    async def set_var(self, ups: str, var: str, value: str) -> str | None:
        """Change a variable; returns the tracking id when tracking is on."""
        return await self._run(c.set_var(ups, var, value))

    async def instcmd(self, ups: str, cmd: str, param: str | None = None) -> str | None:
        """Run an instant command; returns the tracking id when tracking is on."""
        return await self._run(c.instcmd(ups, cmd, param))

    async def set_tracking(self, on: bool) -> None:
        """Turn result tracking of SET VAR / INSTCMD on or off for this connection."""
        await self._run(c.set_tracking(on))

    async def get_tracking(self, id: str) -> str:
        """``PENDING``, ``SUCCESS`` or ``ERR UNKNOWN|FAILED|INVALID-ARGUMENT`` for an id."""
        return await self._run(c.get_tracking(id))

    async def wait_for_tracking(
        self, id: str, timeout: float = 10.0, interval: float = 1.0
    ) -> str:
        """Poll :meth:`get_tracking` until the result is known; ``PENDING`` on timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = await self.get_tracking(id)
            if result != "PENDING" or loop.time() >= deadline:
                return result
            await asyncio.sleep(max(0.0, min(interval, deadline - loop.time())))

    async def authenticate(self, username: str, password: str) -> None:
        """Send ``USERNAME`` and ``PASSWORD``."""
        await self._run(c.username(username))
        await self._run(c.password(password))

    async def login(self, ups: str) -> None:
        """Attach to a UPS as an upsmon client (``LOGIN``)."""
        await self._run(c.login(ups))

    async def primary(self, ups: str) -> None:
        """Claim the primary role (``PRIMARY``, or ``MASTER`` on older servers)."""
        try:
            await self._run(c.primary(ups))
        except NutError as exc:
            if not c.primary_unsupported(exc) or isinstance(exc, NutConnectionError):
                raise
            await self._run(c.primary(ups, "MASTER"))

    async def fsd(self, ups: str) -> None:
        """Set the forced-shutdown flag of a UPS."""
        await self._run(c.fsd(ups))

    async def starttls(self, context: ssl.SSLContext | None = None) -> None:
        """Upgrade the connection to TLS (``STARTTLS``), verifying with ``context``."""
        async with self._lock:
            await self._ensure()
            try:
                await self._starttls(context or self.ssl_context)
            except NutError as exc:
                if type(exc) is not NutError:
                    self._drop()
                raise
            except BaseException:
                self._drop()
                raise

    async def _starttls(self, context: ssl.SSLContext | None) -> None:
        query = c.starttls()
        await self._send(query.encode())
        query.parse(await self._read_line())
        ctx = context or load_ssl().create_default_context()
        _, writer = await self._ensure()
        try:
            async with asyncio.timeout(self.timeout):
                await writer.start_tls(ctx, server_hostname=self.host)
        except TimeoutError:
            self._drop()
            raise NutConnectionError("TLS handshake timed out", code="TIMEOUT") from None
        except OSError as exc:
            self._drop()
            raise connection_error(exc) from exc
        self._tls = True

    async def logout(self) -> None:
        """Say goodbye (``LOGOUT``) and close the connection."""
        try:
            await self._run(c.logout())
        except NutConnectionError:
            pass
        finally:
            await self.close()
