"""A UDP relay between a driver and an agent that can go silent or slow, to test
what the driver does when its agent stops answering and comes back."""

from __future__ import annotations

import asyncio
from typing import Any


class _Upstream(asyncio.DatagramProtocol):
    def __init__(self, relay: UdpRelay, client: tuple[str, int]) -> None:
        self.relay = relay
        self.client = client

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.relay.reply(data, self.client)


class UdpRelay(asyncio.DatagramProtocol):
    """Listens on 127.0.0.1 and relays to ``agent_port``; ``silent`` drops requests,
    ``delay`` holds each reply that many seconds."""

    def __init__(self, agent_port: int) -> None:
        self.agent_port = agent_port
        self.silent = False
        self.delay = 0.0
        self.port = 0
        self.seen = 0
        self._transport: asyncio.DatagramTransport | None = None
        self._upstreams: dict[tuple[str, int], asyncio.DatagramTransport] = {}
        self._tasks: set[asyncio.Future[None]] = set()

    async def start(self) -> int:
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(lambda: self,
                                                           local_addr=("127.0.0.1", 0))
        self._transport = transport
        self.port = transport.get_extra_info("sockname")[1]
        return self.port

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.seen += 1
        if not self.silent:
            task = asyncio.ensure_future(self._forward(data, (addr[0], addr[1])))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _forward(self, data: bytes, client: tuple[str, int]) -> None:
        upstream = self._upstreams.get(client)
        if upstream is None:
            loop = asyncio.get_running_loop()
            upstream, _ = await loop.create_datagram_endpoint(
                lambda: _Upstream(self, client), remote_addr=("127.0.0.1", self.agent_port))
            self._upstreams[client] = upstream
        upstream.sendto(data)

    def reply(self, data: bytes, client: tuple[str, int]) -> None:
        if self.silent or self._transport is None:
            return
        if self.delay:
            asyncio.get_running_loop().call_later(self.delay, self._send, data, client)
        else:
            self._send(data, client)

    def _send(self, data: bytes, client: tuple[str, int]) -> None:
        if self._transport is not None and not self._transport.is_closing():
            self._transport.sendto(data, client)

    def close(self) -> None:
        for upstream in self._upstreams.values():
            upstream.close()
        if self._transport is not None:
            self._transport.close()
