"""The runtime service that records samples and events into the :class:`HistoryStore`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from upskit.config.settings import Settings
from upskit.exporters.history.store import (
    SAMPLE_VARIABLES,
    EventRecord,
    HistoryError,
    HistoryStore,
    numeric,
)
from upskit.model import (
    Device,
    DeviceEvent,
    DeviceRegistry,
    EventKind,
)
from upskit.model.follow import DeviceFollower

log = logging.getLogger(__name__)

EventListener = Callable[[EventRecord], None]
#: Device events the log keeps, with the words it keeps them as.
_LOGGED = {
    EventKind.STATUS: "status",
    EventKind.STALE: "stale",
    EventKind.OK: "ok",
    EventKind.FSD: "fsd",
    EventKind.FSD_CLEARED: "fsd-cleared",
}
_TEXTS = {"stale": "data stale: no fresh data from the driver",
          "ok": "communication with the UPS established",
          "fsd": "forced shutdown (FSD) set", "fsd-cleared": "forced shutdown latch cleared"}
#: Seconds between purges of what is older than the retention.
PURGE_EVERY = 3600.0
#: Seconds between commits of what was recorded.
COMMIT_EVERY = 1.0


class HistoryRecorder:
    """Fills the history store from the device model; a runtime service.

    Every logged device event (status change, stale, back, FSD) is written at once and
    handed to the subscribers (:meth:`subscribe`: the dashboard's live log, and any
    notifier); a sample of the main variables is taken every ``interval`` seconds and on
    each status change.  Other parts record their own entries with :meth:`record`
    (commands run over HTTP, notifications sent).  A database that cannot be opened or
    written is logged and reported as a problem; the UPSes keep being served.
    """

    name = "history"

    def __init__(self, registry: DeviceRegistry, settings: Settings, *,
                 store: HistoryStore | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.registry = registry
        self.settings = settings.web.history
        self.clock = clock
        self.store = store
        self._listeners: list[EventListener] = []
        self._follower = DeviceFollower(registry, self._on_device)
        self._tasks: list[asyncio.Task[None]] = []
        self._dirty = False
        self._last_sample: dict[str, float] = {}
        self.failure: str | None = None

    # ----------------------------------------------------------------- events
    def subscribe(self, listener: EventListener) -> Callable[[], None]:
        """Call ``listener`` with each new event record; returns its undo."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def record(self, ups: str, kind: str, text: str = "") -> EventRecord | None:
        """Log one event (``kind`` a short word such as ``command`` or ``notification``);
        None when the store is not open."""
        if self.store is None:
            return None
        try:
            entry = self.store.add_event(self.clock(), ups, kind, text)
        except Exception as exc:
            self._failed(exc)
            return None
        self._dirty = True
        for listener in list(self._listeners):
            try:
                listener(entry)
            except Exception:
                log.exception("history listener failed")
        return entry

    def _on_device(self, event: DeviceEvent) -> None:
        kind = _LOGGED.get(event.kind)
        if kind is None:
            return
        text = (event.value or "") if kind == "status" else _TEXTS[kind]
        self.record(event.device, kind, text)
        if kind == "status":
            device = self.registry.get(event.device)
            if device is not None and self.clock() - self._last_sample.get(device.name, 0) >= 1:
                self.sample(device)

    # ---------------------------------------------------------------- samples
    def sample(self, device: Device) -> None:
        """Record ``device``'s main variables now (nothing while its data is stale)."""
        if self.store is None or device.stale:
            return
        values = {column: numeric(device.get(var)) for column, var in SAMPLE_VARIABLES.items()}
        now = self.clock()
        try:
            self.store.add_sample(device.name, now, " ".join(device.status_tokens()), values)
        except Exception as exc:
            self._failed(exc)
            return
        self._last_sample[device.name] = now
        self._dirty = True

    def _failed(self, exc: Exception) -> None:
        if self.failure is None:
            log.error("history: %s: cannot write: %s", self.settings.database(), exc)
        self.failure = f"the history database cannot be written: {exc}"

    async def _sampling(self) -> None:
        while True:
            for device in self.registry:
                self.sample(device)
            await asyncio.sleep(self.settings.interval)

    async def _housekeeping(self) -> None:
        last_purge = -PURGE_EVERY
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(COMMIT_EVERY)
            if self.store is None:
                continue
            try:
                if self._dirty:
                    self._dirty = False
                    self.store.commit()
                if loop.time() - last_purge >= PURGE_EVERY:
                    last_purge = loop.time()
                    self.store.purge(self.clock() - self.settings.retention)
                self.failure = None
            except Exception as exc:
                self._failed(exc)

    # ------------------------------------------------------------- life cycle
    async def start(self) -> None:
        if self.store is None:
            path = self.settings.database()
            try:
                self.store = HistoryStore(path)
            except HistoryError as exc:
                self.failure = str(exc)
                log.error("history: %s; the UPSes keep being served without history", exc)
                return
            log.info("history: recording into %s", path)
        self._follower.start()
        self._tasks = [asyncio.create_task(self._sampling(), name="history:samples"),
                       asyncio.create_task(self._housekeeping(), name="history:commit")]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []
        self._follower.stop()
        if self.store is not None:
            with contextlib.suppress(Exception):
                self.store.commit()
            self.store.close()
            self.store = None

    async def reload(self, settings: Settings) -> None:
        """A new interval or retention applies from the next sample or purge (a new
        path needs a restart)."""
        new = settings.web.history
        if new.path != self.settings.path:
            log.warning("history: a new database path applies after a restart")
            new.path = self.settings.path
        self.settings = new

    def problems(self) -> list[str]:
        return [self.failure] if self.failure else []
