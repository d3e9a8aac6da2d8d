"""A scripted stand-in for a NUT server: answers lines from a table, records what came.

Runs in a thread so that blocking clients, asyncio clients and real client tools
(in subprocesses) can all talk to it.  Replies are raw bytes, so tests can send
anything a hostile or broken server might: bad quoting, non-UTF-8, no newline,
a closed connection (``CLOSE``) or silence (``SILENCE``).  Given a TLS context, it
answers ``STARTTLS`` with ``OK STARTTLS`` and goes on over TLS.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Mapping

CLOSE = b"<close>"
SILENCE = b"<silence>"

Reply = bytes | Callable[[str], bytes]


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        while True:
            try:
                raw = self.rfile.readline()
            except OSError:
                return
            if not raw:
                return
            line = raw.decode("utf-8", "surrogateescape").rstrip("\r\n")
            self.server.received.append(line)
            if line == "STARTTLS" and self.server.tls is not None:
                self._start_tls(self.server.tls)
                continue
            reply = self.server.answer(line)
            if reply == CLOSE:
                return
            if reply == SILENCE:
                time.sleep(self.server.silence)
                return
            try:
                self.wfile.write(reply)
                self.wfile.flush()
            except OSError:
                return

    def _start_tls(self, context: ssl.SSLContext) -> None:
        self.wfile.write(b"OK STARTTLS\n")
        self.wfile.flush()
        self.request = context.wrap_socket(self.request, server_side=True)
        self.rfile = self.request.makefile("rb")
        self.wfile = self.request.makefile("wb")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, table: Mapping[str, Reply], default: bytes, silence: float,
                 tls: ssl.SSLContext | None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.table = dict(table)
        self.default = default
        self.silence = silence
        self.tls = tls
        self.received: list[str] = []

    def answer(self, line: str) -> bytes:
        reply = self.table.get(line, self.default)
        return reply(line) if callable(reply) else reply


class FakeNut:
    """Handle on a running fake server: ``host``, ``port``, ``received`` lines, ``table``."""

    def __init__(self, server: _Server) -> None:
        self._server = server
        self.host = "127.0.0.1"
        self.port = int(server.server_address[1])

    @property
    def received(self) -> list[str]:
        """Every line received so far, in order."""
        return self._server.received

    @property
    def table(self) -> dict[str, Reply]:
        """The reply table (editable while running)."""
        return self._server.table

    def ups(self, name: str) -> str:
        """``name@host:port`` for client tools."""
        return f"{name}@{self.host}:{self.port}"


@contextlib.contextmanager
def fake_nut(
    table: Mapping[str, Reply],
    default: bytes = b"ERR UNKNOWN-COMMAND\n",
    silence: float = 3.0,
    tls: ssl.SSLContext | None = None,
) -> Iterator[FakeNut]:
    """Serve ``table`` (received line -> raw reply bytes) until the block ends."""
    server = _Server(table, default, silence, tls)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield FakeNut(server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def closed_port() -> int:
    """A local port where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def nut_list(kind: str, items: list[str]) -> bytes:
    """``BEGIN LIST <kind>`` + items + ``END LIST <kind>`` as bytes."""
    lines = [f"BEGIN LIST {kind}", *items, f"END LIST {kind}"]
    return ("\n".join(lines) + "\n").encode()
