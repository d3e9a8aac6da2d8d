"""Where the monitor reads UPS status from: a NUT server, or a Device in this process."""

from __future__ import annotations

import abc
import logging
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from upskit.client.aio import AsyncClient
from upskit.client.errors import NutConnectionError, NutError
from upskit.config.settings import MonitorSettings
from upskit.model import Device, DeviceEvent, EventKind

if TYPE_CHECKING:
    import ssl

log = logging.getLogger(__name__)

T = TypeVar("T")

#: MONITOR host names that mean "this machine".
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "localhost.localdomain"})


class SourceError(Exception):
    """A poll failed: no connection, stale data, driver gone, unknown UPS..."""


@dataclass(frozen=True, slots=True)
class Reading:
    """One successful poll: the status words and, when in ALARM, the alarm text."""

    tokens: tuple[str, ...]
    alarm: str = ""


class Source(abc.ABC):
    """One MONITOR line's connection to its UPS."""

    #: How many logins NUMLOGINS counts for this monitor itself.
    self_logins: int = 1

    def __init__(self, monitor: MonitorSettings) -> None:
        self.settings = monitor
        self.system = monitor.system
        self.primary = monitor.role == "primary"
        self.ups = monitor.ups

    @abc.abstractmethod
    async def poll(self) -> Reading:
        """Read the current status; raise :class:`SourceError` when that fails."""

    @abc.abstractmethod
    async def set_fsd(self) -> None:
        """Set the forced-shutdown flag; raise :class:`SourceError` on failure."""

    @abc.abstractmethod
    async def numlogins(self) -> int:
        """How many upsmon clients are logged in to the UPS (raises SourceError)."""

    async def close(self) -> None:
        """Log out and release the connection."""

    def watch(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call ``callback`` whenever the status may have changed (if the source can
        tell); returns a function that stops watching."""
        return lambda: None


class NetworkSource(Source):
    """A UPS on a NUT server (ours or NUT's upsd), polled with ``GET VAR``.

    One connection per MONITOR line, as upsmon does: ``USERNAME``/``PASSWORD``,
    ``LOGIN`` and, for a primary, ``PRIMARY`` (``MASTER`` on older servers).  A broken
    connection is dropped and opened again on the next poll.
    """

    def __init__(self, monitor: MonitorSettings, timeout: float = 5.0,
                 ssl_context: ssl.SSLContext | None = None,
                 tls_error: str | None = None) -> None:
        super().__init__(monitor)
        self.timeout = timeout
        self.ssl_context = ssl_context
        #: Why TLS could not be set up: the server then counts as unreachable, since
        #: a monitor asked to use TLS never falls back to plain text.
        self.tls_error = tls_error
        self._client: AsyncClient | None = None
        self.logged_in = False

    async def _connected(self) -> AsyncClient:
        client = self._client
        if client is not None and client.connected:
            return client
        if self.tls_error:
            raise SourceError(self.tls_error)
        mon = self.settings
        client = AsyncClient(mon.host, mon.port, timeout=self.timeout,
                             ssl_context=self.ssl_context)
        try:
            await client.connect()
        except NutError as exc:
            raise SourceError(exc.message) from exc
        self._client = client
        self.logged_in = False
        claiming = False
        try:
            if mon.username:
                await client.authenticate(mon.username, mon.password)
            await client.login(mon.ups)
            if self.primary:
                claiming = True
                await client.primary(mon.ups)
            self.logged_in = True
            log.info("logged in to UPS %s as %s", self.system,
                     "primary" if self.primary else "secondary")
        except NutError as exc:
            if not client.connected:
                self._client = None
                raise SourceError(exc.message) from exc
            if claiming and exc.code == "ACCESS-DENIED":
                log.error("UPS %s: user %s logged in, but the server refused it the primary "
                          "role (%s): give it \"upsmon primary\" in upsd.users on %s, or "
                          "make this MONITOR line secondary", self.system,
                          mon.username or "-", exc.message, mon.host)
            else:
                log.error("UPS %s: login as %s failed: %s", self.system,
                          mon.username or "-", exc.message)
        return client

    async def _run(self, call: Callable[[AsyncClient], Awaitable[T]]) -> T:
        # A server closes a connection that stays silent (upsd after about a minute):
        # a request that fails on a connection kept from an earlier poll is tried once
        # more on a fresh one before the UPS counts as unreachable.
        kept = self._client is not None and self._client.connected
        while True:
            client = await self._connected()
            try:
                return await call(client)
            except NutConnectionError as exc:
                self._client = None
                self.logged_in = False
                await client.close()
                if not kept:
                    raise SourceError(exc.message) from exc
                log.debug("UPS %s: the server closed the connection (%s); reconnecting",
                          self.system, exc.message)
                kept = False
            except NutError as exc:
                raise SourceError(exc.message) from exc

    async def poll(self) -> Reading:
        ups = self.ups
        status = await self._run(lambda c: c.get_var(ups, "ups.status"))
        tokens = tuple(status.split())
        alarm = ""
        if "ALARM" in tokens:
            try:
                alarm = await self._run(lambda c: c.get_var(ups, "ups.alarm"))
            except SourceError:
                alarm = ""
        return Reading(tokens, alarm)

    async def set_fsd(self) -> None:
        ups = self.ups
        await self._run(lambda c: c.fsd(ups))

    async def numlogins(self) -> int:
        ups = self.ups
        return await self._run(lambda c: c.get_numlogins(ups))

    async def close(self) -> None:
        client, self._client = self._client, None
        self.logged_in = False
        if client is None:
            return
        try:
            await client.logout()
        except Exception as exc:  # logging out must never fail the caller
            log.debug("UPS %s: logout failed: %s", self.system, exc)
            await client.close()


class LocalSource(Source):
    """A :class:`Device` of this process: no network, and changes seen at once.

    ``maxage`` is upsd.conf's MAXAGE: data the driver has not refreshed for longer
    counts as stale, exactly as the server answers ``ERR DATA-STALE`` to a client.
    """

    self_logins = 0

    def __init__(self, monitor: MonitorSettings, device: Device,
                 numlogins: Callable[[str], int] | None = None,
                 maxage: float | None = None) -> None:
        super().__init__(monitor)
        self.device = device
        self._numlogins = numlogins
        self.maxage = maxage

    async def poll(self) -> Reading:
        dev = self.device
        if not dev.connected:
            raise SourceError("Driver not connected")
        if dev.is_stale(self.maxage):
            raise SourceError("Data stale")
        tokens = tuple(dev.status_tokens())
        return Reading(tokens, dev.get("ups.alarm") or "" if "ALARM" in tokens else "")

    async def set_fsd(self) -> None:
        self.device.set_fsd()

    async def numlogins(self) -> int:
        return self._numlogins(self.device.name) if self._numlogins is not None else 0

    def watch(self, callback: Callable[[], None]) -> Callable[[], None]:
        kinds = {EventKind.STATUS, EventKind.STALE, EventKind.OK, EventKind.FSD,
                 EventKind.CONNECTED}

        def listener(event: DeviceEvent) -> None:
            if event.kind in kinds:
                callback()

        return self.device.subscribe(listener)


def is_local_host(host: str) -> bool:
    """True when ``host`` names this machine."""
    return host.lower() in LOCAL_HOSTS or host == socket.gethostname()


def make_source(monitor: MonitorSettings, local: dict[str, Device] | None,
                numlogins: Callable[[str], int] | None, timeout: float,
                ssl_context: ssl.SSLContext | None = None, *,
                tls_error: str | None = None, maxage: float | None = None) -> Source:
    """A :class:`LocalSource` when the MONITOR line names a local device, else network."""
    if local and monitor.ups in local and is_local_host(monitor.host):
        return LocalSource(monitor, local[monitor.ups], numlogins, maxage)
    return NetworkSource(monitor, timeout, ssl_context, tls_error)
