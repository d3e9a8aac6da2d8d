"""The NUT network server: listeners, connection limits, TLS set-up, idle sweeping."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import socket
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

from upskit.config.addresses import DEFAULT_PORT
from upskit.config.settings import ConfigError, Listen, UpsdSettings, UserSettings
from upskit.config.upsd_conf import allow_no_device
from upskit.model import DeviceRegistry
from upskit.ratelimit import Throttle
from upskit.server.auth import Accounts
from upskit.server.commands import Commands, ServerState
from upskit.server.connection import ConnectionState
from upskit.server.fastpath import FastFront, native_fastpath
from upskit.server.limits import DescriptorBudget, descriptor_budget
from upskit.server.listener import Acceptor, bind
from upskit.server.memory import MemoryReturner
from upskit.server.session import Session
from upskit.server.tracking import TrackingTable

if TYPE_CHECKING:
    import ssl

log = logging.getLogger(__name__)

#: NUT's default when upsd.conf has no LISTEN line: loopback only, both families.
DEFAULT_LISTEN = (Listen("127.0.0.1", DEFAULT_PORT), Listen("::1", DEFAULT_PORT))
_REFUSAL_LOG_INTERVAL = 10.0
_BACKLOG = 1024
#: Kernel send buffer of a client socket: replies are small, and a client that does not
#: read must not pin megabytes of kernel memory (Linux grows it up to tcp_wmem's max).
_SEND_BUFFER = 64 * 1024


class NoDeviceError(Exception):
    """No UPS is configured and ``ALLOW_NO_DEVICE`` does not allow serving none (as upsd)."""


class NutServer:
    """Serves the devices of a :class:`DeviceRegistry` to NUT clients over TCP.

    ``start()`` binds every LISTEN address; ``ports`` tells what was bound (useful
    with port 0).  Reads need no login; SET, INSTCMD, LOGIN, PRIMARY/MASTER and FSD
    need a user from ``users`` with the matching rights.

    ``maxconn`` is ``MAXCONN`` lowered, when needed, to what the process's open files
    limit allows.  A connection whose replies stay unread (its output above the
    transport's high-water mark) for ``write_stall_timeout`` seconds is closed.

    Plain-TCP connections are served by the native fast path where it is built (see
    :mod:`upskit.server.fastpath`), the others (TLS, or no extension) by a
    :class:`Session` each; both answer through the same :class:`Commands`.
    """

    #: Seconds a client may leave its replies unread before it is dropped.
    write_stall_timeout: float = 30.0

    def __init__(self, registry: DeviceRegistry, settings: UpsdSettings,
                 users: Mapping[str, UserSettings]) -> None:
        self.registry = registry
        self.settings = settings
        self.max_line = max(64, settings.max_line)
        self.tls_context: ssl.SSLContext | None = None
        self.state = ServerState(
            registry=registry,
            settings=settings,
            accounts=Accounts(users),
            tracking=TrackingTable(settings.trackingdelay),
        )
        self.commands = Commands(self.state)
        self._acceptor = Acceptor(self._accepted)
        self._sessions: set[Session] = set()
        self._opening: set[asyncio.Task[object]] = set()
        self._sweeper: asyncio.Task[None] | None = None
        self._refusals = Throttle(_REFUSAL_LOG_INTERVAL)
        self._idle_closes = Throttle(_REFUSAL_LOG_INTERVAL)
        self._stall_closes = Throttle(_REFUSAL_LOG_INTERVAL)
        self._budget: DescriptorBudget | None = None
        self.maxconn = settings.maxconn
        self._memory = MemoryReturner()
        self._front: FastFront | None = None

    # ------------------------------------------------------------- life cycle
    async def start(self) -> None:
        """Bind every LISTEN address.

        Raises :class:`NoDeviceError` when there is no UPS to serve (unless
        ``ALLOW_NO_DEVICE``), ``ConfigError`` for a bad CERTFILE and ``OSError`` when
        the server cannot listen at all.
        """
        if not len(self.registry):
            if not allow_no_device(self.settings):
                raise NoDeviceError(
                    "at least one UPS must be defined in ups.conf; set ALLOW_NO_DEVICE in "
                    "upsd.conf or in the environment to start without one")
            log.warning("Normally at least one UPS must be defined in ups.conf; there is "
                        "none: serving none until the configuration names one and is reloaded")
        if self.settings.certfile:
            self.tls_context = _tls_context(self.settings)
            self.state.tls_available = True
        self._budget = descriptor_budget()
        self._apply_maxconn()
        explicit = bool(self.settings.listen)
        failures: list[str] = []
        bound: list[socket.socket] = []
        for listen in self.settings.listen or list(DEFAULT_LISTEN):
            try:
                bound += bind(listen.host, listen.port, _BACKLOG)
            except OSError as exc:
                where = _address(listen.host, listen.port)
                message = f"cannot listen on {where}: {exc.strerror or exc}"
                failures.append(message)
        self._acceptor.add(bound)
        if not bound:
            await self.stop()
            raise OSError("no listening socket could be opened: " + "; ".join(failures))
        if failures and explicit and not self.settings.allow_not_all_listeners:
            await self.stop()
            raise OSError("; ".join(failures) + " (set ALLOW_NOT_ALL_LISTENERS to start anyway)")
        for message in failures:  # serving on the others: a failed address is a warning
            log.warning("%s", message)
        if self.tls_context is None:
            native = native_fastpath(self.max_line)
            if native is not None:
                self._front = FastFront(native, self.commands, self.registry,
                                        self._closed)
                self._front.start()
        self._acceptor.start()
        if self.settings.idle_timeout > 0 or self._front is not None:
            self._sweeper = asyncio.create_task(self._sweep())
        log.info("Listening on %s", ", ".join(_address(h, p) for h, p in self.ports))

    def _apply_maxconn(self) -> None:
        """Keep MAXCONN within what the open files limit allows; say so when it does not fit."""
        wanted = self.settings.maxconn
        budget = self._budget
        if budget is None or budget.connections >= wanted:
            self.maxconn = wanted
            return
        self.maxconn = budget.connections
        log.warning("MAXCONN %d does not fit in the open files limit of %d descriptors "
                    "(%d in use at start): accepting at most %d connections; raise "
                    "LimitNOFILE= or ulimit -n to allow more", wanted, budget.limit,
                    budget.in_use, self.maxconn)

    async def stop(self) -> None:
        """Stop listening, close every connection and wait for pending commands to settle."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None
        self._acceptor.close()
        if self._front is not None:
            self._front.stop()
            self._front = None
        self._memory.cancel()
        for task in list(self._opening):
            task.cancel()
        for session in list(self._sessions):
            session.close()
        if self._opening:
            await asyncio.wait(list(self._opening), timeout=2.0)
        pending = list(self.state.background)
        if pending:
            await asyncio.wait(pending, timeout=2.0)

    def reload(self, settings: UpsdSettings, users: Mapping[str, UserSettings]) -> None:
        """Take new users and limits at once; LISTEN and TLS changes need a restart."""
        old = self.settings
        if (settings.listen, settings.certfile) != (old.listen, old.certfile):
            log.warning("LISTEN and CERTFILE changes take effect when upskit restarts")
            settings.listen, settings.certfile = old.listen, old.certfile
        self.settings = settings
        self.state.settings = settings
        self.max_line = max(64, settings.max_line)
        if self._front is not None:
            self._front.native.set_max_line(self.max_line)
            self._front.forget_all()  # MAXAGE may have changed
        if settings.maxconn != old.maxconn:
            self._apply_maxconn()
        self.state.accounts = Accounts(users)
        log.info("server settings and %d user(s) reloaded", len(users))

    @property
    def ports(self) -> list[tuple[str, int]]:
        """The (address, port) pairs actually bound."""
        bound: list[tuple[str, int]] = []
        for sock in self._acceptor.sockets:
            name = sock.getsockname()
            bound.append((str(name[0]), int(name[1])))
        return bound

    def clients(self, ups_name: str) -> list[str]:
        """Addresses of the clients logged in (LOGIN) to ``ups_name`` or its real name."""
        found = self.state.lookup(ups_name)
        return [] if found is None else self.state.logins.hosts(found[0])

    @property
    def connection_count(self) -> int:
        return len(self._sessions) + (0 if self._front is None else self._front.count)

    @property
    def native(self) -> bool:
        """Whether plain-TCP connections are served by the native fast path."""
        return self._front is not None

    # ------------------------------------------------------------ connections
    def _accepted(self, sock: socket.socket, address: object) -> None:
        """A new connection: refuse it beyond MAXCONN, else give it a session."""
        if self.connection_count >= self.maxconn:
            sock.close()
            count = self._refusals.hit()
            if count:
                host = address[0] if isinstance(address, tuple) and address else "?"
                log.warning("Refused %d connection(s) (latest from %s): MAXCONN %d reached; "
                            "raise MAXCONN in upsd.conf if these clients are expected",
                            count, host, self.maxconn)
            return
        sock.setblocking(False)
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, _SEND_BUFFER)
        if self._front is not None:
            self._hand_over(sock, self._front)
            return
        session = Session(self)
        self._sessions.add(session)
        self._memory.changed(self.connection_count)
        loop = asyncio.get_running_loop()
        task: asyncio.Task[object] = asyncio.ensure_future(
            loop.connect_accepted_socket(lambda: session, sock))
        self._opening.add(task)
        task.add_done_callback(lambda t: self._opened(t, session, sock))

    def _hand_over(self, sock: socket.socket, front: FastFront) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        fd = sock.detach()
        try:
            front.add(fd)
        except (OSError, ValueError, RuntimeError) as exc:
            log.debug("could not set up a connection: %s", exc)
            os.close(fd)
            return
        self._memory.changed(self.connection_count)

    def _closed(self, conn: ConnectionState | None) -> None:
        """A connection closed, native or not; ``conn`` is its state if Python kept any."""
        if conn is not None and conn.login_ups is not None:
            self.state.logins.remove(conn)
        self._memory.changed(self.connection_count)
        self._acceptor.resume()

    def _opened(self, task: asyncio.Task[object], session: Session, sock: socket.socket) -> None:
        self._opening.discard(task)
        if task.cancelled() or task.exception() is not None:
            if not task.cancelled():
                log.debug("could not set up a connection: %s", task.exception())
            sock.close()
            self.forget(session)

    def forget(self, session: Session) -> None:
        """Drop a connection that has closed (every close ends here, via ``connection_lost``)."""
        self._sessions.discard(session)
        self._closed(session.conn)

    async def _sweep(self) -> None:
        """Close idle clients (``idle_timeout``) and native ones that leave replies unread."""
        while True:
            idle = self.settings.idle_timeout
            pause = 5.0 if idle <= 0 else min(idle / 2, 5.0)
            if self._front is not None:
                pause = min(pause, max(self.write_stall_timeout / 2, 0.05))
            await asyncio.sleep(pause)
            now = time.monotonic()
            idle = self.settings.idle_timeout
            deadline = now - idle if idle > 0 else -math.inf
            if idle > 0:
                for session in list(self._sessions):
                    if session.last_active < deadline and session.waiting_for_client:
                        self._log_idle(session.conn.who, idle)
                        session.close()
            if self._front is not None:
                idled, stalled = self._front.sweep(deadline, now - self.write_stall_timeout)
                for _ in range(idled):
                    self._log_idle("a client", idle)
                if stalled:
                    count = self._stall_closes.hit(stalled)
                    if count:
                        log.warning("Closed %d connection(s): replies left unread for %.0f s",
                                    count, self.write_stall_timeout)

    def _log_idle(self, who: str, timeout: float) -> None:
        count = self._idle_closes.hit()
        if count:
            log.info("Closed %d connection(s) (latest from %s): no complete "
                     "request line for %.0f s", count, who, timeout)

    def stalled(self, session: Session) -> None:
        """Drop a client that has left its replies unread for ``write_stall_timeout``."""
        count = self._stall_closes.hit()
        if count:
            log.warning("Closed %d connection(s) (latest from %s): replies left unread for "
                        "%.0f s", count, session.conn.who, self.write_stall_timeout)
        session.close()


def _address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _tls_context(settings: UpsdSettings) -> ssl.SSLContext:
    from upskit.lazyssl import load_ssl

    load_ssl()
    import ssl

    certfile = settings.certfile or ""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    if settings.disable_weak_ssl:
        context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(certfile)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(certfile, None, "CERTFILE must be a readable PEM file holding the "
                          f"certificate and its private key: {exc}") from exc
    return context
