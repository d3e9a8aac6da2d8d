"""Listening sockets and the accept loop, which pauses while the process is out of descriptors.

asyncio's own accept loop logs a traceback for every failed ``accept()`` when the
process has no descriptor left, many times per second.  Here a failed ``accept()``
stops accepting on every listening socket for a moment (or until a connection
closes) and is logged once per interval; connections that arrive meanwhile wait in
the kernel's backlog and are served once descriptors are free again.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
from collections.abc import Callable

from upskit.ratelimit import Throttle

log = logging.getLogger(__name__)

#: accept() calls per readiness event, so one busy listener cannot monopolise the loop.
_ACCEPTS_PER_WAKEUP = 64
#: Seconds accepting stays paused after accept() failed (unless a connection closes first).
RETRY_DELAY = 0.5
_LOG_INTERVAL = 10.0
_OUT_OF_DESCRIPTORS = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})

Handler = Callable[[socket.socket, object], None]


def bind(host: str, port: int, backlog: int) -> list[socket.socket]:
    """Non-blocking listening sockets for every address ``host`` resolves to.

    Raises ``OSError`` (with the reason in ``strerror``) when none can be opened.
    """
    # an ASCII name goes as bytes: a str makes the socket module load the idna codec
    # (and unicodedata), about 1 MB that a server listening on addresses never needs
    name: str | bytes = host.encode("ascii") if host.isascii() else host
    infos = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    sockets: list[socket.socket] = []
    seen: set[tuple[int, object]] = set()
    try:
        for family, kind, proto, _, address in infos:
            if (family, address) in seen:
                continue
            seen.add((family, address))
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6 and hasattr(socket, "IPPROTO_IPV6"):
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(address)
            sock.listen(backlog)
            sock.setblocking(False)
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


class Acceptor:
    """Accepts connections on a set of listening sockets and hands each to ``handle``."""

    def __init__(self, handle: Handler) -> None:
        self._handle = handle
        self.sockets: list[socket.socket] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._paused = False
        self._retry: asyncio.TimerHandle | None = None
        self._failures = Throttle(_LOG_INTERVAL)

    @property
    def paused(self) -> bool:
        """True while accepting is held back after a failed ``accept()``."""
        return self._paused

    def add(self, sockets: list[socket.socket]) -> None:
        self.sockets.extend(sockets)

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._watch(True)

    def close(self) -> None:
        self._watch(False)
        if self._retry is not None:
            self._retry.cancel()
            self._retry = None
        for sock in self.sockets:
            sock.close()
        self.sockets.clear()
        self._loop = None

    def resume(self) -> None:
        """Accept again now (a descriptor was freed, or the pause is over)."""
        if self._retry is not None:
            self._retry.cancel()
            self._retry = None
        if self._paused and self._loop is not None:
            self._paused = False
            self._watch(True)

    def _watch(self, on: bool) -> None:
        if self._loop is None:
            return
        for sock in self.sockets:
            if on:
                self._loop.add_reader(sock.fileno(), self._accept, sock)
            else:
                self._loop.remove_reader(sock.fileno())

    def _accept(self, sock: socket.socket) -> None:
        for _ in range(_ACCEPTS_PER_WAKEUP):
            try:
                conn, address = sock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except ConnectionAbortedError:
                continue
            except OSError as exc:
                self._pause(exc)
                return
            self._handle(conn, address)

    def _pause(self, exc: OSError) -> None:
        if self._loop is None:
            return
        self._watch(False)
        self._paused = True
        self._retry = self._loop.call_later(RETRY_DELAY, self.resume)
        count = self._failures.hit()
        if not count:
            return
        reason = exc.strerror or str(exc)
        if exc.errno in _OUT_OF_DESCRIPTORS:
            log.warning("Not accepting connections for now: out of file descriptors or memory "
                        "(%s, %d time(s) since the last such message); raise LimitNOFILE= or "
                        "ulimit -n, or lower MAXCONN", reason, count)
        else:
            log.warning("accept() failed: %s (%d time(s) since the last such message); "
                        "retrying", reason, count)
