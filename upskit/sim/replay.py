"""``replay://<file>``: answer commands from a recorded capture.

Capture format, one exchange per pair of lines (``#`` starts a comment)::

    > Q1\\r
    < (226.0 195.0 226.0 014 49.0 27.5 30.0 00001000\\r

Bytes are written with Python string escapes (``\\r``, ``\\x00``).  Each command
replays its recorded replies in order and then keeps repeating the last one; a
command never recorded gets no reply.  ``< `` with nothing after it records silence.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from upskit.transport.base import PortGone, PortSilent, Transport


def _unescape(text: str) -> bytes:
    return codecs.escape_decode(text.encode("latin-1"))[0]


def _escape(data: bytes) -> str:
    return "".join(chr(b) if 32 <= b < 127 and b != 92 else f"\\x{b:02x}" if b not in (13, 10, 92)
                   else {13: "\\r", 10: "\\n", 92: "\\\\"}[b] for b in data)


def load_capture(path: Path) -> dict[bytes, list[bytes | None]]:
    """Command -> replies, in recorded order."""
    replies: dict[bytes, list[bytes | None]] = {}
    command: bytes | None = None
    for number, line in enumerate(path.read_text(encoding="latin-1").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("> "):
            command = _unescape(line[2:])
        elif line.startswith("<") and command is not None:
            body = line[2:] if line.startswith("< ") else ""
            replies.setdefault(command, []).append(_unescape(body) if body else None)
            command = None
        else:
            raise ValueError(f"{path}:{number}: expected '> command' or '< reply'")
    return replies


def format_exchange(command: bytes, reply: bytes | None) -> str:
    """Two capture lines for one exchange."""
    return f"> {_escape(command)}\n< {_escape(reply) if reply else ''}\n"


class ReplayTransport(Transport):
    """Replays a capture file as if it were the device."""

    def __init__(self, url: str, path: Path) -> None:
        super().__init__(url)
        self.path = path
        self._replies: dict[bytes, list[bytes | None]] = {}
        self._seen: dict[bytes, int] = {}
        self._open = False

    @property
    def is_open(self) -> bool:
        return self._open

    async def open(self) -> None:
        try:
            self._replies = load_capture(self.path)
        except (OSError, ValueError) as exc:
            raise PortGone(f"{self.url}: {exc}") from exc
        self._seen.clear()
        self._open = True

    async def close(self) -> None:
        self._open = False

    async def exchange(self, command: bytes, timeout: float | None = None) -> bytes:
        if not self._open:
            raise PortGone(f"{self.url}: not open")
        recorded = self._replies.get(command)
        if not recorded:
            raise PortSilent(f"{self.url}: {command!r} not in the capture")
        index = self._seen.get(command, 0)
        self._seen[command] = index + 1
        reply = recorded[min(index, len(recorded) - 1)]
        if reply is None:
            raise PortSilent(f"{self.url}: recorded silence for {command!r}")
        return reply


def make_transport(url: str, options: Mapping[str, Any]) -> Transport:
    """Port factory for ``replay://`` URLs (``replay:///abs/path`` or ``replay://rel``)."""
    return ReplayTransport(url, Path(url.split("://", 1)[1]))
