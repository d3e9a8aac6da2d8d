"""One UDP socket per address family for every v1/v2c agent of a process: requests
go out with their own request-id, answers are matched by id and the agent's address.

A thousand agents cost two sockets and one dict of pending requests; a datagram that is
not a Response to a pending request from the address it went to (garbage, a late
answer, a stranger) is dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import socket

from upskit.transport.snmp.ber import BerError, Value, decode_response

log = logging.getLogger(__name__)

Answer = tuple[str, int, list[tuple[str, Value | None]]]


class _Endpoint(asyncio.DatagramProtocol):
    def __init__(self, channel: CommunityChannel) -> None:
        self.channel = channel

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        self.channel._arrived(data, (str(addr[0]), int(addr[1])))

    def error_received(self, exc: Exception) -> None:
        # an ICMP port unreachable from one agent: its request times out as usual
        log.debug("SNMP socket error: %s", exc)


class CommunityChannel:
    """The v1/v2c request path shared by every SNMP port of one event loop."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._transports: dict[int, asyncio.DatagramTransport] = {}
        self._pending: dict[int, tuple[tuple[str, int], asyncio.Future[Answer]]] = {}
        self._ids = itertools.count(1)

    def new_id(self) -> int:
        """A request-id no pending request uses."""
        while True:
            request_id = next(self._ids) & 0x7FFFFFFF
            if request_id and request_id not in self._pending:
                return request_id

    async def _transport(self, family: int) -> asyncio.DatagramTransport:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self.close()
            self._loop = loop
        transport = self._transports.get(family)
        if transport is None or transport.is_closing():
            local = ("::", 0) if family == socket.AF_INET6 else ("0.0.0.0", 0)
            transport, _ = await loop.create_datagram_endpoint(
                lambda: _Endpoint(self), local_addr=local, family=family)
            self._transports[family] = transport
        return transport

    def _arrived(self, data: bytes, addr: tuple[str, int]) -> None:
        try:
            _version, request_id, status, index, binds = decode_response(data)
        except (BerError, IndexError):
            return
        entry = self._pending.get(request_id)
        if entry is None:
            return
        sent_to, future = entry
        if _same(sent_to, addr) and not future.done():
            future.set_result((status, index, binds))

    async def request(self, address: tuple[str, int], family: int,
                      message: bytes, request_id: int, timeout: float,
                      retries: int) -> Answer | None:
        """Send ``message`` (which carries ``request_id``) to ``address`` and wait for
        its Response, ``retries`` more times after a ``timeout``; ``None``: silence."""
        transport = await self._transport(family)
        future: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = (address, future)
        try:
            for _ in range(retries + 1):
                transport.sendto(message, address)
                try:
                    # asyncio.timeout, not wait_for: wait_for in 3.11 can swallow a
                    # cancel that comes with the answer, and a stopping driver hangs
                    async with asyncio.timeout(timeout):
                        return await asyncio.shield(future)
                except TimeoutError:
                    continue
            return None
        finally:
            self._pending.pop(request_id, None)
            if not future.done():
                future.cancel()

    def close(self) -> None:
        """Close the sockets and fail what is pending (also after their loop closed)."""
        for transport in self._transports.values():
            with contextlib.suppress(RuntimeError):  # its event loop is already closed
                transport.close()
        self._transports.clear()
        for _addr, future in self._pending.values():
            if not future.done():
                with contextlib.suppress(RuntimeError):
                    future.cancel()
        self._pending.clear()
        self._loop = None


def _same(sent_to: tuple[str, int], came_from: tuple[str, int]) -> bool:
    if sent_to[1] != came_from[1]:
        return False
    a, b = sent_to[0], came_from[0]
    return a == b or a.removeprefix("::ffff:") == b.removeprefix("::ffff:")
