"""Delivering the monitor's notifications to Apprise URLs without ever holding it up."""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from upskit.config.integrations import NotifySettings, NotifyTarget
from upskit.config.settings import Settings

log = logging.getLogger(__name__)

#: Apprise's message type per notification: how a phone shows it.
_FAILURE = frozenset({"ONBATT", "LOWBATT", "FSD", "COMMBAD", "NOCOMM", "SHUTDOWN",
                      "SHUTDOWN_HOSTSYNC", "NOPARENT", "OFF", "OVER", "ALARM"})
_WARNING = frozenset({"REPLBATT", "BYPASS", "CAL", "ECO", "TRIM", "BOOST", "OTHER"})
_SUCCESS = frozenset({"ONLINE", "COMMOK", "NOTOFF", "NOTOVER", "NOTALARM", "NOTBYPASS"})


def apprise_type(kind: str) -> str:
    """``failure``, ``warning``, ``success`` or ``info`` for a notification type."""
    if kind in _FAILURE:
        return "failure"
    if kind in _WARNING:
        return "warning"
    return "success" if kind in _SUCCESS else "info"


@dataclass
class _Outbox:
    """One target: its Apprise object, what waits for it, and what happened."""

    target: NotifyTarget
    apprise: Any
    waiting: collections.deque[tuple[str, str, str]]
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    sent: int = 0
    failed: int = 0
    dropped: int = 0


class NotifyService:
    """Sends each notification of the monitor to the Apprise URLs whose event filter
    names its type; a runtime service.

    :meth:`deliver` (the monitor's notifier calls it) only queues: every target has its
    own bounded queue and task, and Apprise runs in worker threads under a timeout, so a
    slow or failing target is logged and never delays the monitor or the other targets.
    A URL Apprise does not understand is logged when the service starts and skipped.
    """

    name = "notify"

    def __init__(self, settings: Settings, *,
                 clock: Callable[[], float] = time.time) -> None:
        self.settings: NotifySettings = settings.notify
        self.clock = clock
        self._outboxes: list[_Outbox] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None

    # ------------------------------------------------------------ life cycle
    async def start(self) -> None:
        self._build(self.settings)

    def _build(self, settings: NotifySettings) -> None:
        import apprise

        outboxes = []
        for target in settings.targets:
            instance = apprise.Apprise()
            if not instance.add(target.url):
                log.error("%s: Apprise does not understand the URL %s; nothing is sent "
                          "there", target.origin or "notify", _redacted(target.url))
                continue
            outboxes.append(_Outbox(target, instance,
                                    collections.deque(maxlen=settings.queue)))
        self.settings = settings
        self._outboxes = outboxes
        if outboxes:
            self._pool = concurrent.futures.ThreadPoolExecutor(
                max_workers=len(outboxes) + 1, thread_name_prefix="upskit-notify")
        self._tasks = [asyncio.create_task(self._send_loop(box), name="notify")
                       for box in outboxes]

    async def stop(self) -> None:
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        if tasks:  # a task is only waited for so long: stopping must never hang
            await asyncio.wait(tasks, timeout=2.0)
        pool, self._pool = self._pool, None
        if pool is not None:  # a delivery still hanging in a thread is abandoned
            pool.shutdown(wait=False, cancel_futures=True)
        self._outboxes = []

    async def reload(self, settings: Settings) -> None:
        if settings.notify == self.settings:
            return
        await self.stop()
        self._build(settings.notify)

    def problems(self) -> list[str]:
        """Always empty: a notification target that fails is logged, never a reason to
        restart the process that protects the system."""
        return []

    # -------------------------------------------------------------- delivery
    def deliver(self, kind: str, ups: str, message: str) -> None:
        """Queue one notification for every target that wants its type; never blocks."""
        for box in self._outboxes:
            if kind not in box.target.events:
                continue
            if len(box.waiting) == box.waiting.maxlen:
                box.dropped += 1
                log.warning("notify: %s is not keeping up; the oldest waiting "
                            "notification was dropped", _redacted(box.target.url))
            box.waiting.append((kind, ups, message))
            box.wake.set()

    def stats(self) -> list[dict[str, Any]]:
        """Per target: the URL without secrets, sent, failed, dropped and waiting counts."""
        return [{"url": _redacted(b.target.url), "sent": b.sent, "failed": b.failed,
                 "dropped": b.dropped, "waiting": len(b.waiting)} for b in self._outboxes]

    async def _send_loop(self, box: _Outbox) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await box.wake.wait()
            box.wake.clear()
            while box.waiting:
                kind, ups, message = box.waiting.popleft()
                title = self._title(kind, ups, message)
                try:
                    async with asyncio.timeout(self.settings.timeout):
                        ok = await loop.run_in_executor(self._pool, _send, box.apprise,
                                                        title, message, apprise_type(kind))
                except TimeoutError:
                    ok = False
                    log.error("notify: %s did not answer within %g s; %s for %s not sent",
                              _redacted(box.target.url), self.settings.timeout, kind, ups)
                except Exception as exc:
                    ok = False
                    log.error("notify: %s failed: %r; %s for %s not sent",
                              _redacted(box.target.url), exc, kind, ups)
                else:
                    if not ok:
                        log.error("notify: %s refused or could not be reached; %s for %s "
                                  "not sent", _redacted(box.target.url), kind, ups)
                if ok:
                    box.sent += 1
                else:
                    box.failed += 1

    def _title(self, kind: str, ups: str, message: str) -> str:
        template = self.settings.title
        for key, value in (("{ups}", ups), ("{type}", kind), ("{message}", message)):
            template = template.replace(key, value)
        return template


def _send(instance: Any, title: str, body: str, kind: str) -> bool:
    return bool(instance.notify(body=body, title=title, notify_type=kind))


#: Schemes whose first part is a host name (anything else may be a token).
_HOST_SCHEMES = frozenset({"json", "jsons", "form", "forms", "xml", "xmls", "mailto",
                           "mailtos", "ntfy", "ntfys", "gotify", "gotifys", "mqtt", "mqtts"})


def _redacted(url: str) -> str:
    """The URL for logs: its scheme, and its host where the scheme has one; never a
    password or token."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return "***"
    if scheme.lower() not in _HOST_SCHEMES:
        return f"{scheme}://***"
    host = rest.split("/", 1)[0].split("?", 1)[0].rsplit("@", 1)[-1]
    return f"{scheme}://{host}/..."
