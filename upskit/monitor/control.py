"""The control channel of a running daemon: ``upskit monitor -c fsd|reload|stop``.

Like ``upsmon -c``, a forced shutdown is asked for explicitly, never by a signal that
other tools send for their own reasons (``SIGUSR1`` and ``SIGUSR2`` are logged and
ignored).  The request goes over a Unix stream socket (by default under
``/run/upskit``, created mode 0600 in a directory made 0700); the daemon answers only
clients running as root or as its own user, checked with ``SO_PEERCRED`` where the
system has it.  One line each way: the command, then ``OK <text>`` or ``ERR <text>``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import struct
from collections.abc import Awaitable, Callable

from upskit.unixsock import bind_unix, unlink_if_ours

log = logging.getLogger(__name__)


#: A handler answers ``(ok, text)``.
Handler = Callable[[], Awaitable[tuple[bool, str]]]

_MAX_LINE = 64
_READ_TIMEOUT = 5.0


class ControlError(Exception):
    """The daemon could not be reached, or did not answer."""


def peer_uid(sock: socket.socket) -> int | None:
    """The user id of the process at the other end of a Unix socket, if known."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return None
    size = struct.calcsize("3i")
    _pid, uid, _gid = struct.unpack("3i", sock.getsockopt(socket.SOL_SOCKET, option, size))
    return int(uid)


def allowed(uid: int | None) -> bool:
    """Root and the daemon's own user may control it (unknown: file modes decide)."""
    return uid is None or uid in (0, os.geteuid())


class ControlServer:
    """Serves the control socket at ``path``; ``handlers`` maps commands to coroutines."""

    def __init__(self, path: str, handlers: dict[str, Handler]) -> None:
        self.path = path
        self.handlers = handlers
        self._server: asyncio.AbstractServer | None = None
        self._inode: int | None = None

    async def start(self) -> bool:
        """Listen; False (logged) when the socket cannot be made.  The daemon runs on
        without it: a control channel is never a reason to stop watching."""
        try:
            sock = self._bind()
        except OSError as exc:
            log.warning("control socket %s not available (%s): `upskit monitor -c` cannot "
                        "reach this process", self.path, exc.strerror or exc)
            return False
        self._server = await asyncio.start_unix_server(self._serve, sock=sock)
        log.info("control socket %s ready", self.path)
        return True

    def _bind(self) -> socket.socket:
        directory = os.path.dirname(self.path) or "."
        if not os.path.isdir(directory):
            os.makedirs(directory, mode=0o700, exist_ok=True)
        sock, self._inode = bind_unix(self.path, 0o600, "daemon")
        return sock

    async def close(self) -> None:
        """Stop listening and remove the socket file (if it is still ours)."""
        if self._server is None:
            return
        self._server.close()
        unlink_if_ours(self.path, self._inode)
        self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(_READ_TIMEOUT):
                line = await reader.readline()
            command = line[:_MAX_LINE].decode("ascii", "replace").strip().lower()
            sock = writer.get_extra_info("socket")
            uid = peer_uid(sock) if sock is not None else None
            if not allowed(uid):
                log.warning("control request %r from user id %s refused", command, uid)
                await _answer(writer, False, "permission denied")
                return
            handler = self.handlers.get(command)
            if handler is None:
                await _answer(writer, False, f"unknown command {command!r} "
                                             f"(known: {', '.join(self.handlers)})")
                return
            log.warning("control request: %s (user id %s)", command, uid)
            ok, text = await handler()
            await _answer(writer, ok, text)
        except (OSError, TimeoutError, ValueError) as exc:
            log.debug("control connection dropped: %r", exc)
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


async def _answer(writer: asyncio.StreamWriter, ok: bool, text: str) -> None:
    writer.write(f"{'OK' if ok else 'ERR'} {text}\n".encode())
    await writer.drain()


def send_command(path: str, command: str, timeout: float = 30.0) -> tuple[bool, str]:
    """Ask the daemon at ``path`` to carry out ``command``; its ``(ok, text)``.

    Raises :class:`ControlError` when nobody answers there.
    """
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(path)
            sock.sendall(command.encode("ascii") + b"\n")
            data = b""
            while not data.endswith(b"\n"):
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
    except OSError as exc:
        raise ControlError(f"cannot reach the daemon at {path}: {exc.strerror or exc}") from None
    word, _, text = data.decode("utf-8", "replace").strip().partition(" ")
    if word not in ("OK", "ERR"):
        raise ControlError(f"no answer from the daemon at {path}")
    return word == "OK", text


def ignore_user_signals(loop: asyncio.AbstractEventLoop) -> None:
    """Log and ignore SIGUSR1/SIGUSR2, whose default action would end the process."""
    for sig in (signal.SIGUSR1, signal.SIGUSR2):
        loop.add_signal_handler(sig, _ignored, sig)


def _ignored(sig: signal.Signals) -> None:
    log.warning("%s ignored: to force a shutdown use `upskit monitor -c fsd`; to reload, "
                "SIGHUP or `upskit monitor -c reload`", sig.name)
