"""Relay a UPS served by another NUT server (``port = ups@host[:port]``)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from upskit.client.aio import AsyncClient
from upskit.client.errors import NutConnectionError, NutError
from upskit.drivers.base import CommunicationError
from upskit.drivers.dummy.modes import Upstream
from upskit.model import CmdResult, Device, VarFlag
from upskit.transport.base import PortGone

Logger = logging.Logger | logging.LoggerAdapter[logging.Logger]

#: Our own collections: never taken from the upstream server.
_LOCAL_PREFIXES = ("driver.", "server.")
#: Upstream answers meaning "the UPS is there but its data cannot be trusted now".
_STALE_CODES = frozenset({"DATA-STALE", "DRIVER-NOT-CONNECTED"})
#: Upstream refusals of a SET VAR / INSTCMD, as driver result codes.
_REFUSALS: dict[str, CmdResult] = {
    "VAR-NOT-SUPPORTED": CmdResult.UNKNOWN,
    "CMD-NOT-SUPPORTED": CmdResult.UNKNOWN,
    "UNKNOWN-INSTCMD": CmdResult.UNKNOWN,
    "READONLY": CmdResult.INVALID,
    "TOO-LONG": CmdResult.INVALID,
    "INVALID-VALUE": CmdResult.INVALID,
    "INVALID-ARGUMENT": CmdResult.INVALID,
}
#: Results of tracked requests (``GET TRACKING``).
_TRACKED: dict[str, CmdResult] = {
    "SUCCESS": CmdResult.HANDLED,
    "PENDING": CmdResult.HANDLED,  # accepted; the upstream driver has not answered yet
    "ERR UNKNOWN": CmdResult.UNKNOWN,
    "ERR INVALID-ARGUMENT": CmdResult.INVALID,
    "ERR FAILED": CmdResult.FAILED,
}
#: Seconds between re-reads of the upstream's writable variables and commands.
CAPABILITY_REFRESH = 60.0


class Repeater:
    """Mirrors one upstream UPS into a device and forwards SET VAR / INSTCMD to it.

    Values are copied on every poll; writable variables (with types, enums and
    ranges) and instant commands are copied at start-up, whenever the set of
    variable names changes, and every :data:`CAPABILITY_REFRESH` seconds.  An
    upstream that reports stale data or a missing driver makes this device stale;
    a lost connection is raised as :class:`PortGone` so the driver reconnects.
    """

    def __init__(self, device: Device, upstream: Upstream, *, username: str | None,
                 password: str | None, timeout: float, log: Logger) -> None:
        self.device = device
        self.upstream = upstream
        self.username = username
        self.password = password
        self.timeout = timeout
        self._log = log
        self._client: AsyncClient | None = None
        self._tracking = False
        self._names: set[str] = set()
        self._caps_at = 0.0

    # ------------------------------------------------------------ life cycle
    async def open(self) -> None:
        """Connect and log in (when credentials are configured)."""
        client = AsyncClient(self.upstream.host, self.upstream.port, timeout=self.timeout)
        try:
            await client.connect()
            if self.username is not None:
                await client.authenticate(self.username, self.password or "")
            self._tracking = await self._enable_tracking(client)
        except NutError as exc:
            await client.close()
            raise CommunicationError(f"upstream {self.upstream}: {exc.message}") from exc
        self._client = client

    async def _enable_tracking(self, client: AsyncClient) -> bool:
        try:
            await client.set_tracking(True)
        except NutConnectionError:
            raise
        except NutError:
            return False  # an older server: requests are forwarded without results
        return True

    async def initialise(self) -> None:
        """Take the first full copy (values and capabilities)."""
        await self._refresh(force_caps=True)

    async def poll(self) -> None:
        await self._refresh(force_caps=False)

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.close()

    # --------------------------------------------------------------- copying
    def _connected(self) -> AsyncClient:
        if self._client is None or not self._client.connected:
            raise PortGone(f"not connected to upstream {self.upstream}")
        return self._client

    async def _refresh(self, *, force_caps: bool) -> None:
        client = self._connected()
        try:
            values = await client.list_vars(self.upstream.ups)
            names = {name for name in values if not name.startswith(_LOCAL_PREFIXES)}
            now = asyncio.get_running_loop().time()
            for name in self._names - names:
                self.device.delete(name)
            for name in sorted(names):
                self.device.set(name, values[name])
            if force_caps or names != self._names or now - self._caps_at > CAPABILITY_REFRESH:
                await self._copy_capabilities(client, names)
                self._caps_at = now
            self._names = names
        except NutConnectionError as exc:
            raise PortGone(f"upstream {self.upstream}: {exc.message}") from exc
        except NutError as exc:
            what = "data stale" if exc.code in _STALE_CODES else "refused"
            raise CommunicationError(f"upstream {self.upstream} {what}: {exc.message}") from exc

    async def _copy_capabilities(self, client: AsyncClient, names: set[str]) -> None:
        ups = self.upstream.ups
        writable = set(await client.list_rw(ups)) & names
        for name in sorted(names):
            if name in writable:
                await self._copy_type(client, name)
            else:
                self.device.set_flags(name, VarFlag.NONE)
        commands = set(await client.list_commands(ups))
        for name in set(self.device.commands()) - commands:
            self.device.delete_command(name)
        for name in sorted(commands):
            self.device.add_command(name)

    async def _copy_type(self, client: AsyncClient, name: str) -> None:
        ups = self.upstream.ups
        words = await client.get_type(ups, name)
        flags = VarFlag.RW
        aux = 0
        for word in words:
            if word.startswith("STRING"):
                flags |= VarFlag.STRING
                _, _, size = word.partition(":")
                aux = int(size) if size.isdigit() else 0
            elif word == "NUMBER":
                flags |= VarFlag.NUMBER
        self.device.set_flags(name, flags)
        self.device.set_aux(name, aux)
        self.device.clear_enums(name)
        if "ENUM" in words:
            for value in await client.list_enum(ups, name):
                self.device.add_enum(name, value)
        self.device.clear_ranges(name)
        if "RANGE" in words:
            for low, high in await client.list_range(ups, name):
                try:
                    self.device.add_range(name, int(low), int(high))
                except ValueError:
                    self._log.warning("%s: upstream range %s..%s of %s is not numeric",
                                      self.device.name, low, high, name)

    # -------------------------------------------------------------- requests
    async def setvar(self, name: str, value: str) -> CmdResult:
        """Forward SET VAR; the upstream's verdict becomes ours."""
        return await self._forward("SET VAR", name, lambda client: client.set_var(
            self.upstream.ups, name, value))

    async def instcmd(self, name: str, param: str | None) -> CmdResult:
        """Forward INSTCMD (with its parameter); the upstream's verdict becomes ours."""
        return await self._forward("INSTCMD", name, lambda client: client.instcmd(
            self.upstream.ups, name, param))

    async def _forward(self, what: str, name: str,
                       request: Callable[[AsyncClient], Awaitable[str | None]]) -> CmdResult:
        """Send ``request`` upstream; its tracked result (when tracking is on) or refusal."""
        client = self._connected()
        try:
            ident = await request(client)
            if ident is None:
                return CmdResult.HANDLED
            result = await client.wait_for_tracking(ident, timeout=self.timeout, interval=0.05)
            return _TRACKED.get(result, CmdResult.FAILED)
        except NutConnectionError as exc:
            raise CommunicationError(f"upstream {self.upstream}: {exc.message}") from exc
        except NutError as exc:
            self._log.warning("%s: upstream %s refused %s %s: %s", self.device.name,
                              self.upstream, what, name, exc.message)
            return _REFUSALS.get(exc.code, CmdResult.FAILED)
