"""What the server remembers about one client connection, and who is logged in where."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any


@dataclass(eq=False, slots=True)
class ConnectionState:
    """Per-connection protocol state, independent of the socket that carries it."""

    host: str
    port: int = 0
    username: str | None = None
    password: str | None = None
    #: Real name of the UPS this connection sent LOGIN for.
    login_ups: str | None = None
    tracking: bool = False
    tls: bool = False
    #: Set by LOGOUT: close once the reply is sent.
    close_requested: bool = False
    #: Set by STARTTLS: begin the handshake once the reply is sent.
    tls_requested: bool = False
    #: SET/INSTCMD tasks not finished yet, dropped when the connection goes away.
    pending: set[asyncio.Task[Any]] = field(default_factory=set)

    @property
    def who(self) -> str:
        """``user@host`` for log lines, as upsd writes them."""
        return f"{self.username or '(anonymous)'}@{self.host}"


class LoginTable:
    """UPS real name -> connections logged in to it (``LOGIN``), for NUMLOGINS and LIST CLIENT."""

    def __init__(self) -> None:
        self._by_ups: dict[str, list[ConnectionState]] = {}

    def add(self, ups: str, conn: ConnectionState) -> None:
        conn.login_ups = ups
        self._by_ups.setdefault(ups, []).append(conn)

    def remove(self, conn: ConnectionState) -> None:
        ups = conn.login_ups
        if ups is None:
            return
        members = self._by_ups.get(ups, [])
        if conn in members:
            members.remove(conn)
        if not members:
            self._by_ups.pop(ups, None)

    def count(self, ups: str) -> int:
        return len(self._by_ups.get(ups, ()))

    def hosts(self, ups: str) -> list[str]:
        return [conn.host for conn in self._by_ups.get(ups, ())]
