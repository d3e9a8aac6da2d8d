"""Live updates for the dashboard: model changes pushed as server-sent events.

Device events only mark a UPS as changed; every :data:`FLUSH_EVERY` seconds each changed
UPS is sent once as its summary (``event: ups``), so a chatty driver costs a browser no
more than a few messages a second.  New event-log entries go out at once
(``event: log``).  A browser that does not keep up is dropped (it reconnects).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from upskit.exporters.history.store import EventRecord
from upskit.exporters.http.views import summary
from upskit.model import Device, DeviceEvent, DeviceRegistry
from upskit.model.follow import DeviceFollower

FLUSH_EVERY = 0.3
#: Messages waiting for one browser before it is dropped.
QUEUE_LIMIT = 256
#: Seconds between keep-alive comments (proxies close silent streams).
KEEPALIVE = 15.0


def sse(event: str, data: Any) -> bytes:
    """One server-sent event."""
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


class LiveHub:
    """Follows the registry and its devices; fans changes out to connected browsers."""

    def __init__(self, registry: DeviceRegistry) -> None:
        self.registry = registry
        self.clients: set[asyncio.Queue[bytes | None]] = set()
        self._dirty: set[str] = set()
        self._follower = DeviceFollower(registry, self._on_device, watched=self._watched,
                                        removed=self._removed)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._follower.start()
        self._task = asyncio.create_task(self._flusher(), name="http:live")

    async def stop(self) -> None:
        self._follower.stop()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for queue in list(self.clients):
            self._close(queue)

    def _watched(self, device: Device) -> None:
        self._dirty.add(device.name)

    def _removed(self, name: str) -> None:
        self.publish(sse("removed", {"name": name}))

    def _on_device(self, event: DeviceEvent) -> None:
        self._dirty.add(event.device)

    def on_log(self, entry: EventRecord) -> None:
        """A new event-log entry (the history recorder calls this)."""
        self.publish(sse("log", entry.as_dict()))

    def hello(self) -> bytes:
        """What a browser gets first: every UPS."""
        return sse("hello", {"ups": [summary(d) for d in self.registry]})

    def publish(self, message: bytes) -> None:
        for queue in list(self.clients):
            try:
                queue.put_nowait(message)
            except asyncio.QueueFull:
                self._close(queue)

    def _close(self, queue: asyncio.Queue[bytes | None]) -> None:
        self.clients.discard(queue)
        with contextlib.suppress(asyncio.QueueEmpty):
            while True:
                queue.get_nowait()
        queue.put_nowait(None)

    def connect(self) -> asyncio.Queue[bytes | None]:
        queue: asyncio.Queue[bytes | None] = asyncio.Queue(QUEUE_LIMIT)
        self.clients.add(queue)
        return queue

    def disconnect(self, queue: asyncio.Queue[bytes | None]) -> None:
        self.clients.discard(queue)

    async def _flusher(self) -> None:
        while True:
            await asyncio.sleep(FLUSH_EVERY)
            if not self._dirty:
                continue
            names, self._dirty = self._dirty, set()
            if not self.clients:
                continue
            for name in sorted(names):
                device = self.registry.get(name)
                if device is not None and device.name == name:
                    self.publish(sse("ups", summary(device)))
