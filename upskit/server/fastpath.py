"""Plain-TCP clients served from a native thread, with Python answering what it must.

The server hands every accepted plain-TCP connection to the native ``FastPath``
(``upskit/server/_fastpath.c``, built at install time on Linux).  Its thread reads
the request lines and answers, without the event loop and without the GIL, every
line whose reply Python has *shared*: the read-only requests whose answer depends
only on one UPS (``GET VAR``, ``GET TYPE``, ``GET DESC``, ``GET CMDDESC``,
``LIST VAR``, ``LIST RW``, ``LIST CMD``, ``LIST ENUM``, ``LIST RANGE``).  Every
other line, and the first of each of those, comes here, is answered by the same
:class:`Commands` as any connection, and goes back in order.

A shared reply is forgotten the moment anything of its UPS changes (the first device
event after sharing), when the registry changes, when the settings are reloaded, and
on its own when the data it came from would turn stale (``MAXAGE`` after the last
fresh data).  So a client sees exactly what the Python path would have answered.

When the extension is missing, TLS is configured (``STARTTLS`` needs the event
loop's TLS), or ``UPSKIT_FASTPATH=0`` is set, every connection is served by
:class:`upskit.server.session.Session` instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import time
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from upskit.server.commands import Commands
from upskit.server.connection import ConnectionState
from upskit.server.protocol import split_request

if TYPE_CHECKING:
    from upskit.model import Device, DeviceRegistry
    from upskit.model.registry import RegistryEvent
    from upskit.server._fastpath import FastPath

log = logging.getLogger(__name__)

#: What the native side posts for a line over MAXLINE (``_fastpath.OVERLONG``).
_KIND_OVERLONG = 1
#: Requests whose reply depends on one UPS only: (first word, second word) -> words.
_SHAREABLE = {
    (b"GET", b"VAR"): 4, (b"GET", b"TYPE"): 4, (b"GET", b"DESC"): 4,
    (b"GET", b"CMDDESC"): 4, (b"LIST", b"VAR"): 3, (b"LIST", b"RW"): 3,
    (b"LIST", b"CMD"): 3, (b"LIST", b"ENUM"): 4, (b"LIST", b"RANGE"): 4,
}


def native_fastpath(max_line: int) -> FastPath | None:
    """A new native ``FastPath``, or None where it is unavailable or turned off."""
    if os.environ.get("UPSKIT_FASTPATH", "1").strip().lower() in ("0", "no", "off", "false"):
        return None
    try:
        from upskit.server._fastpath import FastPath
    except ImportError:
        return None
    return FastPath(max_line)


class _Client:
    """What Python keeps of a native connection while it has state or work in flight."""

    __slots__ = ("busy", "conn")

    def __init__(self, conn: ConnectionState) -> None:
        self.conn = conn
        self.busy: asyncio.Task[None] | None = None

    @property
    def pristine(self) -> bool:
        conn = self.conn
        return (self.busy is None and conn.username is None and conn.password is None
                and conn.login_ups is None and not conn.tracking and not conn.pending)


class FastFront:
    """Feeds a native ``FastPath`` the replies only Python can give, and shares the rest.

    ``closed`` is called once per connection the native side closed, whoever closed it.
    """

    def __init__(self, native: FastPath, commands: Commands, registry: DeviceRegistry,
                 closed: Callable[[ConnectionState | None], None]) -> None:
        self.native = native
        self.commands = commands
        self.registry = registry
        self._closed = closed
        self._clients: dict[int, _Client] = {}
        #: device tag -> unsubscribe, for every UPS with shared replies
        self._watched: dict[int, Callable[[], None]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._unsubscribe_registry: Callable[[], None] | None = None

    @property
    def count(self) -> int:
        return self.native.count

    def start(self) -> None:
        self._loop = loop = asyncio.get_running_loop()
        loop.add_reader(self.native.notify_fd, self._ready)
        self._unsubscribe_registry = self.registry.subscribe(self._registry_changed)
        self.native.start()

    def stop(self) -> None:
        """Close every connection (their clients are told nothing more) and stop the thread."""
        if self._loop is not None:
            self._loop.remove_reader(self.native.notify_fd)
            self._loop = None
        if self._unsubscribe_registry is not None:
            self._unsubscribe_registry()
            self._unsubscribe_registry = None
        self.native.stop()
        self.forget_all()
        for client in self._clients.values():
            self._drop(client)
        self._clients.clear()

    def add(self, fd: int) -> int:
        """Serve the connected socket ``fd`` (now owned by the native side)."""
        return self.native.add(fd)

    def sweep(self, idle_before: float, stalled_before: float) -> tuple[int, int]:
        """Close clients idle since ``idle_before`` or stalled since ``stalled_before``."""
        return self.native.sweep(idle_before, stalled_before)

    def forget_all(self) -> None:
        """Forget every shared reply (settings reloaded, registry changed)."""
        for unsubscribe in self._watched.values():
            unsubscribe()
        self._watched.clear()
        self.native.forget_all()

    # ------------------------------------------------------------ from native
    def _ready(self) -> None:
        with contextlib.suppress(BlockingIOError):
            os.read(self.native.notify_fd, 8)
        for cid, kind, line in self.native.take():
            try:
                if line is not None:
                    self._line(cid, line)
                elif kind == _KIND_OVERLONG:
                    self._overlong(cid)
                else:
                    self._gone(cid)
            except Exception:  # a bug must cost one connection, never the server
                log.exception("Internal error serving a native connection")
                self.native.close(cid)

    def _client(self, cid: int) -> _Client:
        client = self._clients.get(cid)
        if client is None:
            peer = self.native.peer(cid)
            conn = ConnectionState(host="?") if peer is None else \
                ConnectionState(host=peer[0], port=peer[1])
            client = _Client(conn)
        return client

    def _line(self, cid: int, line: bytes) -> None:
        client = self._client(cid)
        reply = self.commands.answer_safely(client.conn, line)
        if isinstance(reply, str):
            self._reply(cid, client, line, reply)
            return
        self._clients[cid] = client
        client.busy = asyncio.ensure_future(self._finish(cid, client, line, reply))

    async def _finish(self, cid: int, client: _Client, line: bytes,
                      pending: Coroutine[Any, Any, str]) -> None:
        reply = await self.commands.settle(client.conn, pending)
        client.busy = None
        if self._clients.get(cid) is client:
            self._reply(cid, client, line, reply)

    def _reply(self, cid: int, client: _Client, line: bytes, reply: str) -> None:
        conn = client.conn
        data = reply.encode("utf-8", "replace")
        if conn.close_requested or conn.tls_requested:
            # STARTTLS is refused while the native path serves (no CERTFILE): a request
            # for it here can only be a bug, and closing is the safe answer
            self.native.respond(cid, data, True)
            return
        if not reply.startswith("ERR"):
            self._share(line, data)
        if client.pristine:
            self._clients.pop(cid, None)
        else:
            self._clients[cid] = client
        self.native.respond(cid, data, False)

    def _overlong(self, cid: int) -> None:
        reply = self.commands.overlong(self._client(cid).conn)
        self.native.respond(cid, reply.encode("ascii"), False)

    def _gone(self, cid: int) -> None:
        client = self._clients.pop(cid, None)
        if client is not None:
            self._drop(client)
        self._closed(None if client is None else client.conn)

    def _drop(self, client: _Client) -> None:
        if client.busy is not None:
            client.busy.cancel()
        self.commands.abandon(client.conn)

    # ------------------------------------------------------------- sharing
    def _share(self, line: bytes, data: bytes) -> None:
        words = line.split()
        if len(words) < 3 or _SHAREABLE.get((words[0], words[1])) != len(words):
            return
        # the same words as upsd reads them (quotes, escapes): the UPS is the third
        exact = split_request(line)
        if len(exact) != len(words):
            return
        found = self.commands.state.lookup(exact[2])
        if found is None:
            return
        device = found[1]
        if device.fsd or not device.connected or device.stale:
            return
        deadline = device.fresh_until(self.commands.state.settings.maxage)
        if deadline <= time.monotonic():
            return
        tag = id(device)
        if tag not in self._watched:
            self._watched[tag] = device.subscribe(functools.partial(self._changed, tag))
        self.native.share(line, data, tag, deadline)

    def _changed(self, tag: int, event: object) -> None:
        unsubscribe = self._watched.pop(tag, None)
        if unsubscribe is not None:
            unsubscribe()
            self.native.forget(tag)

    def _registry_changed(self, event: RegistryEvent) -> None:
        self.forget_all()

    def watched(self, device: Device) -> bool:
        """Whether replies of ``device`` are shared now (for tests)."""
        return id(device) in self._watched
