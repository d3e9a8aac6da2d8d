"""Protocol auto-detection: ask each dialect's claim rule, in NUT's probe order.

One detection pass walks every registered dialect once, with short reply timeouts;
replies are cached by the exact bytes sent, so a query several dialects use (``Q1``,
``QPI``, ``M``) goes on the wire once per pass.  If no dialect claims the device, the
pass is repeated (cache cleared) up to three times, like NUT's three claim tries.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping

from upskit.drivers.qx.dialect import Dialect, dialects, load_dialect
from upskit.drivers.qx.engine import (
    Context,
    Exchanger,
    ItemFailed,
    build_command,
    convert,
    extract,
    to_text,
)
from upskit.drivers.qx.items import Item, QxFlag
from upskit.model import Device
from upskit.transport.base import PortGone, Transport, TransportError

log = logging.getLogger(__name__)

#: Seconds to wait for each probe reply (a 47-byte reply takes ~0.2 s at 2400 baud).
PROBE_TIMEOUT = 0.6
#: Detection passes before giving up.
PASSES = 3


class ProbeSession:
    """The :class:`~upskit.drivers.qx.dialect.Prober` of one detection pass."""

    def __init__(self, transport: Transport, device: Device,
                 options: Mapping[str, str | bool], timeout: float = PROBE_TIMEOUT) -> None:
        self.transport = transport
        self.device = device
        self.options = options
        self.timeout = timeout
        self.dialect: Dialect | None = None
        self._cache: dict[bytes, bytes | None] = {}
        self.sent = 0

    def clear(self) -> None:
        self._cache.clear()

    async def _raw(self, frame: bytes) -> bytes | None:
        if frame in self._cache:
            return self._cache[frame]
        self.sent += 1
        try:
            raw: bytes | None = await self.transport.exchange(frame, self.timeout)
        except PortGone:
            raise
        except TransportError as exc:
            log.debug("probe %r: %s", frame, exc)
            raw = None
        self._cache[frame] = raw
        return raw

    def _context(self) -> Context:
        return Context(self.device, self.options, scratch={})

    def _item(self, name: str) -> Item | None:
        assert self.dialect is not None
        for item in self.dialect.items:
            if item.name == name and not item.flags & (QxFlag.CMD | QxFlag.ABSENT):
                return item
        return None

    async def item(self, name: str) -> str | None:
        dialect = self.dialect
        item = self._item(name)
        if dialect is None or item is None:
            return None
        ctx = self._context()
        io = Exchanger(dialect, self.transport)
        try:
            raw = await self._raw(io.frame(item, build_command(item, None, ctx), ctx))
            if not raw:
                return None
            if item.decode is not None:
                raw = item.decode(ctx, item, raw)
            ctx.reply = to_text(raw)
            return convert(item, extract(dialect, item, ctx.reply), ctx)
        except ItemFailed as exc:
            log.debug("%s: probe of %s failed: %s", dialect.name, name, exc)
            return None
        except PortGone:
            raise
        except Exception as exc:  # a hook choking on foreign input is a failed claim
            log.debug("%s: probe of %s failed: %s", dialect.name, name, exc)
            return None

    async def query(self, command: str) -> str | None:
        terminator = self.dialect.terminator if self.dialect else "\r"
        raw = await self._raw((command + terminator).encode("latin-1"))
        if not raw:
            return None
        reply = to_text(raw)
        if self.dialect is not None and self.dialect.rejected and reply == self.dialect.rejected:
            return None
        return reply

    def option(self, key: str) -> str | None:
        return self._context().option(key)

    def flag(self, key: str) -> bool:
        return self._context().flag(key)

    def device_value(self, name: str) -> str | None:
        return self.device.get(name)


async def detect(transport: Transport, device: Device, options: Mapping[str, str | bool],
                 timeout: float = PROBE_TIMEOUT) -> Dialect | None:
    """The first dialect whose claim succeeds (only ``protocol=`` if given), or None."""
    forced = options.get("protocol")
    if isinstance(forced, str) and forced:
        try:
            candidates = [load_dialect(forced)]
        except LookupError as exc:  # unknown, or its plugin cannot be loaded
            log.error("%s: %s", device.name, exc)
            return None
    else:
        candidates = dialects()
    session = ProbeSession(transport, device, options, timeout)
    started = time.monotonic()
    for attempt in range(PASSES):
        session.clear()
        for dialect in candidates:
            session.dialect = dialect
            try:
                claimed = await dialect.claim(session)
            except PortGone:
                raise
            except Exception as exc:
                log.debug("%s: claim of %s raised: %s", device.name, dialect.name, exc)
                claimed = False
            if claimed:
                log.info("%s: using protocol %s (detected in %.2f s, %d queries)",
                         device.name, dialect.label, time.monotonic() - started, session.sent)
                return dialect
        log.debug("%s: no protocol claimed the device (pass %d)", device.name, attempt + 1)
    return None
