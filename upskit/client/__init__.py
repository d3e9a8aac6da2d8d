"""NUT network protocol client library, async (:class:`AsyncClient`) and blocking (:class:`Client`).

Both speak to any NUT server (``upsd`` or upskit's own) and return text as ``str``.
They share one implementation of every method (:mod:`upskit.client.mixin`) over a
sans-I/O core (:mod:`~upskit.client.commands`, :mod:`~upskit.client.calls`); the
two shells only do the I/O.
Server ``ERR`` replies raise :class:`NutError`; connection problems raise
:class:`NutConnectionError`; replies that break the protocol raise
:class:`NutProtocolError`.  :class:`AsyncClient` is imported on first use, so
blocking users do not pay for asyncio.
"""

from __future__ import annotations

from upskit.client.errors import NutArgumentError, NutConnectionError, NutError, NutProtocolError
from upskit.client.protocol import DEFAULT_PORT, format_command, quote, split_words
from upskit.client.sync import Client
from upskit.lean import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from upskit.client.aio import AsyncClient

__all__ = [
    "DEFAULT_PORT",
    "AsyncClient",
    "Client",
    "NutArgumentError",
    "NutConnectionError",
    "NutError",
    "NutProtocolError",
    "format_command",
    "quote",
    "split_words",
]


def __getattr__(name: str) -> Any:
    if name == "AsyncClient":
        from upskit.client.aio import AsyncClient

        return AsyncClient
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
