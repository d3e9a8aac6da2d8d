"""The NUT network server: listeners, connection limits, TLS set-up, idle sweeping."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

from upskit.config.addresses import DEFAULT_PORT
from upskit.config.settings import ConfigError, Listen, UpsdSettings, UserSettings
from upskit.model import DeviceRegistry
from upskit.server.auth import Accounts
from upskit.server.commands import Commands, ServerState
from upskit.server.session import Session
from upskit.server.tracking import TrackingTable

if TYPE_CHECKING:
    import ssl

log = logging.getLogger(__name__)

#: NUT's default when upsd.conf has no LISTEN line: loopback only, both families.
DEFAULT_LISTEN = (Listen("127.0.0.1", DEFAULT_PORT), Listen("::1", DEFAULT_PORT))
_REFUSAL_LOG_INTERVAL = 10.0


class NutServer:
    """Serves the devices of a :class:`DeviceRegistry` to NUT clients over TCP.

    ``start()`` binds every LISTEN address; ``ports`` tells what was bound (useful
    with port 0).  Reads need no login; SET, INSTCMD, LOGIN, PRIMARY/MASTER and FSD
    need a user from ``users`` with the matching rights.
    """

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
        self._servers: list[asyncio.Server] = []
        self._sessions: set[Session] = set()
        self._sweeper: asyncio.Task[None] | None = None
        self._last_refusal_log = 0.0
        self._refused = 0

    # ------------------------------------------------------------- life cycle
    async def start(self) -> None:
        """Bind every LISTEN address; raise ``OSError`` when the server cannot listen at all."""
        if self.settings.certfile:
            self.tls_context = _tls_context(self.settings)
            self.state.tls_available = True
        loop = asyncio.get_running_loop()
        explicit = bool(self.settings.listen)
        failures: list[str] = []
        for listen in self.settings.listen or list(DEFAULT_LISTEN):
            try:
                server = await loop.create_server(
                    lambda: Session(self), listen.host, listen.port,
                    reuse_address=True, backlog=1024,
                )
            except OSError as exc:
                where = _address(listen.host, listen.port)
                message = f"cannot listen on {where}: {exc.strerror or exc}"
                failures.append(message)
                log.warning("%s", message)
                continue
            self._servers.append(server)
        if not self._servers:
            await self.stop()
            raise OSError("no listening socket could be opened: " + "; ".join(failures))
        if failures and explicit and not self.settings.allow_not_all_listeners:
            await self.stop()
            raise OSError("; ".join(failures) + " (set ALLOW_NOT_ALL_LISTENERS to start anyway)")
        if self.settings.idle_timeout > 0:
            self._sweeper = asyncio.create_task(self._sweep_idle())
        log.info("Listening on %s", ", ".join(_address(h, p) for h, p in self.ports))

    async def stop(self) -> None:
        """Stop listening, close every connection and wait for pending commands to settle."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None
        for server in self._servers:
            server.close()
        for session in list(self._sessions):
            session.close()
        for server in self._servers:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(server.wait_closed(), 2.0)
        self._servers.clear()
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
        self.state.accounts = Accounts(users)
        log.info("server settings and %d user(s) reloaded", len(users))

    @property
    def ports(self) -> list[tuple[str, int]]:
        """The (address, port) pairs actually bound."""
        bound: list[tuple[str, int]] = []
        for server in self._servers:
            for sock in server.sockets:
                name = sock.getsockname()
                bound.append((str(name[0]), int(name[1])))
        return bound

    def clients(self, ups_name: str) -> list[str]:
        """Addresses of the clients logged in (LOGIN) to ``ups_name`` or its real name."""
        found = self.state.lookup(ups_name)
        return [] if found is None else self.state.logins.hosts(found[0])

    @property
    def connection_count(self) -> int:
        return len(self._sessions)

    # ------------------------------------------------------- session callbacks
    def admit(self, session: Session) -> bool:
        """Accept a new connection unless MAXCONN is reached."""
        if len(self._sessions) >= self.settings.maxconn:
            self._refused += 1
            now = time.monotonic()
            if now - self._last_refusal_log >= _REFUSAL_LOG_INTERVAL:
                log.warning("Refused %d connection(s) (latest from %s): MAXCONN %d reached; "
                            "raise MAXCONN in upsd.conf if these clients are expected",
                            self._refused, session.conn.host, self.settings.maxconn)
                self._last_refusal_log = now
                self._refused = 0
            return False
        self._sessions.add(session)
        return True

    def forget(self, session: Session) -> None:
        self._sessions.discard(session)
        if session.conn.login_ups is not None:
            self.state.logins.remove(session.conn)

    async def _sweep_idle(self) -> None:
        timeout = self.settings.idle_timeout
        while True:
            await asyncio.sleep(min(timeout / 2, 5.0))
            deadline = time.monotonic() - timeout
            for session in list(self._sessions):
                if session.last_active < deadline:
                    log.info("Closing connection from %s: silent for %.0f s",
                             session.conn.who, timeout)
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
