"""Blocking client for the NUT network protocol, on a plain socket (no event loop)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
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


class Client:
    """A blocking connection to one NUT server; same methods as :class:`AsyncClient`.

    Safe to share between threads (one operation at a time).  The first call
    connects if :meth:`connect` was not called; after :meth:`close` or a broken
    connection, calls raise :class:`NutConnectionError` until :meth:`connect` is
    called again.  Each reply line must arrive within ``timeout`` seconds.

    Use as ``with Client(host) as nut: nut.list_ups()``.
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
        self._sock: socket.socket | None = None
        self._buf = bytearray()
        self._lock = threading.RLock()
        self._ever_connected = False
        self._tls = False

    # ------------------------------------------------------------------ life cycle

    @property
    def connected(self) -> bool:
        """Whether a connection is open."""
        return self._sock is not None

    @property
    def tls(self) -> bool:
        """Whether the connection was upgraded with STARTTLS."""
        return self._tls

    def connect(self) -> None:
        """Open the connection (and run STARTTLS when asked); no-op when open."""
        with self._lock:
            self._connect()

    def _connect(self) -> None:
        if self._sock is not None:
            return
        self._ever_connected = True
        try:
            sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        except TimeoutError:
            raise NutConnectionError("Connection timed out", code="TIMEOUT") from None
        except OSError as exc:
            raise connection_error(exc) from exc
        self._sock = sock
        self._buf.clear()
        self._tls = False
        if self.use_starttls:
            try:
                self._starttls(self.ssl_context)
            except BaseException:
                self._drop()
                raise

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
            with contextlib.suppress(OSError):
                sock.close()

    def _ensure(self) -> socket.socket:
        if self._sock is None:
            if self._ever_connected:
                raise NutConnectionError("not connected", code="CLOSED")
            self._connect()
        assert self._sock is not None
        return self._sock

    # ------------------------------------------------------------------ raw I/O

    def _send(self, data: bytes) -> None:
        sock = self._ensure()
        try:
            sock.settimeout(self.timeout)
            sock.sendall(data)
        except TimeoutError:
            self._drop()
            raise NutConnectionError("timed out sending", code="TIMEOUT") from None
        except OSError as exc:
            self._drop()
            raise connection_error(exc) from exc

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
            remaining = deadline - time.monotonic()
            try:
                if remaining <= 0:
                    raise TimeoutError
                sock.settimeout(remaining)
                data = sock.recv(65536)
            except TimeoutError:
                self._drop()
                raise NutConnectionError(
                    "timed out waiting for the server", code="TIMEOUT"
                ) from None
            except OSError as exc:
                self._drop()
                raise connection_error(exc) from exc
            if not data:
                self._drop()
                raise NutConnectionError("connection closed by server", code="CLOSED")
            self._buf += data

    def _run(self, query: c.Query[T]) -> T:
        data = query.encode()
        with self._lock:
            try:
                self._send(data)
                line = self._read_line()
            except BaseException:
                self._drop()
                raise
        return query.parse(line)

    def _run_list(self, query: c.ListQuery[T]) -> T:
        data = query.encode()
        with self._lock:
            try:
                self._send(data)
                first = self._read_line()
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
                    line = self._read_line()
                    if query.is_end(line):
                        break
                    items.append(query.item(line))
                    if len(items) > MAX_LIST_ITEMS:
                        raise NutProtocolError(f"more than {MAX_LIST_ITEMS} list items")
            except BaseException:
                self._drop()
                raise
        return query.build(items)

    def request(self, line: str) -> str:
        """Send one raw command line and return the one reply line, ``ERR`` included."""
        return self._run(c.raw(line))

    # ------------------------------------------------------------------ commands

    def ver(self) -> str:
        """The server's version line (``VER``)."""
        return self._run(c.ver())

    def netver(self) -> str:
        """The protocol version (``NETVER``), e.g. ``1.3``."""
        return self._run(c.netver())

    def help(self) -> str:
        """The server's command list (``HELP``)."""
        return self._run(c.help_())

    def list_ups(self) -> dict[str, str]:
        """UPS name -> description."""
        return self._run_list(c.list_ups())

    def list_vars(self, ups: str) -> dict[str, str]:
        """Variable -> value for one UPS."""
        return self._run_list(c.list_vars(ups))

    def list_rw(self, ups: str) -> dict[str, str]:
        """Writable variable -> value for one UPS."""
        return self._run_list(c.list_rw(ups))

    def list_commands(self, ups: str) -> list[str]:
        """Instant command names of one UPS."""
        return self._run_list(c.list_commands(ups))

    def list_enum(self, ups: str, var: str) -> list[str]:
        """Accepted values of an enumerated variable."""
        return self._run_list(c.list_enum(ups, var))

    def list_range(self, ups: str, var: str) -> list[tuple[str, str]]:
        """Accepted (min, max) ranges of a variable."""
        return self._run_list(c.list_range(ups, var))

    def list_clients(self, ups: str) -> list[str]:
        """Addresses of the clients logged in to a UPS."""
        return self._run_list(c.list_clients(ups))

    def get_var(self, ups: str, var: str) -> str:
        """One variable's value."""
        return self._run(c.get_var(ups, var))

    def get_type(self, ups: str, var: str) -> list[str]:
        """Type words of a variable (``RW``, ``ENUM``, ``RANGE``, ``STRING:n``, ``NUMBER``)."""
        return self._run(c.get_type(ups, var))

    def get_desc(self, ups: str, var: str) -> str:
        """A variable's description."""
        return self._run(c.get_desc(ups, var))

    def get_cmddesc(self, ups: str, cmd: str) -> str:
        """An instant command's description."""
        return self._run(c.get_cmddesc(ups, cmd))

    def get_upsdesc(self, ups: str) -> str:
        """A UPS's description."""
        return self._run(c.get_upsdesc(ups))

    def get_numlogins(self, ups: str) -> int:
        """How many clients are logged in to a UPS."""
        return self._run(c.get_numlogins(ups))

    def set_var(self, ups: str, var: str, value: str) -> str | None:
        """Change a variable; returns the tracking id when tracking is on."""
        return self._run(c.set_var(ups, var, value))

    def instcmd(self, ups: str, cmd: str, param: str | None = None) -> str | None:
        """Run an instant command; returns the tracking id when tracking is on."""
        return self._run(c.instcmd(ups, cmd, param))

    def set_tracking(self, on: bool) -> None:
        """Turn result tracking of SET VAR / INSTCMD on or off for this connection."""
        self._run(c.set_tracking(on))

    def get_tracking(self, id: str) -> str:
        """``PENDING``, ``SUCCESS`` or ``ERR UNKNOWN|FAILED|INVALID-ARGUMENT`` for an id."""
        return self._run(c.get_tracking(id))

    def wait_for_tracking(self, id: str, timeout: float = 10.0, interval: float = 1.0) -> str:
        """Poll :meth:`get_tracking` until the result is known; ``PENDING`` on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            result = self.get_tracking(id)
            if result != "PENDING" or time.monotonic() >= deadline:
                return result
            time.sleep(max(0.0, min(interval, deadline - time.monotonic())))

    def authenticate(self, username: str, password: str) -> None:
        """Send ``USERNAME`` and ``PASSWORD``."""
        self._run(c.username(username))
        self._run(c.password(password))

    def login(self, ups: str) -> None:
        """Attach to a UPS as an upsmon client (``LOGIN``)."""
        self._run(c.login(ups))

    def primary(self, ups: str) -> None:
        """Claim the primary role (``PRIMARY``, or ``MASTER`` on older servers)."""
        try:
            self._run(c.primary(ups))
        except NutError as exc:
            if not c.primary_unsupported(exc) or isinstance(exc, NutConnectionError):
                raise
            self._run(c.primary(ups, "MASTER"))

    def fsd(self, ups: str) -> None:
        """Set the forced-shutdown flag of a UPS."""
        self._run(c.fsd(ups))

    def starttls(self, context: ssl.SSLContext | None = None) -> None:
        """Upgrade the connection to TLS (``STARTTLS``), verifying with ``context``."""
        with self._lock:
            self._ensure()
            try:
                self._starttls(context or self.ssl_context)
            except NutError as exc:
                if type(exc) is not NutError:
                    self._drop()
                raise
            except BaseException:
                self._drop()
                raise

    def _starttls(self, context: ssl.SSLContext | None) -> None:
        query = c.starttls()
        self._send(query.encode())
        query.parse(self._read_line())
        if self._buf:
            self._drop()
            raise NutProtocolError("data after OK STARTTLS before the TLS handshake")
        ctx = context or load_ssl().create_default_context()
        sock = self._ensure()
        try:
            sock.settimeout(self.timeout)
            self._sock = ctx.wrap_socket(sock, server_hostname=self.host)
        except TimeoutError:
            self._drop()
            raise NutConnectionError("TLS handshake timed out", code="TIMEOUT") from None
        except OSError as exc:
            self._drop()
            raise connection_error(exc) from exc
        self._tls = True

    def logout(self) -> None:
        """Say goodbye (``LOGOUT``) and close the connection."""
        try:
            self._run(c.logout())
        except NutConnectionError:
            pass
        finally:
            self.close()
