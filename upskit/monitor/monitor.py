"""The monitor: sources, the policy, notifications and upssched timers in one event loop.

Embedding it in another asyncio program::

    monitor = Monitor(settings.upsmon, settings.upssched,
                      local={"myups": device}, numlogins=server.numlogins)
    task = asyncio.create_task(monitor.run())
    ...
    monitor.stop()      # or wait: run() returns after SHUTDOWNEXIT
    await task
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from upskit.config.settings import UpsmonSettings, UpsschedSettings
from upskit.model import Device
from upskit.monitor.events import NotifyType
from upskit.monitor.notify import Notifier, is_upssched, send_syslog
from upskit.monitor.policy import (
    Action,
    CheckLogins,
    Exit,
    Notify,
    Policy,
    RunShutdown,
    SendFsd,
)
from upskit.monitor.runner import ProgramRunner
from upskit.monitor.shutdown import (
    clear_powerdown_flag,
    run_shutdown_command,
    write_powerdown_flag,
)
from upskit.monitor.sources import Source, SourceError, make_source
from upskit.monitor.tls import tls_context_for
from upskit.monitor.upssched import Upssched

log = logging.getLogger(__name__)

#: Seconds between polls while a UPS is on battery when POLLFREQALERT is not configured.
DEFAULT_POLLFREQALERT = 0.5

#: Longest pause between two reconnection attempts to a server that went away.
RECONNECT_DELAY = 1.0
#: Longest the main loop sleeps without looking at the clock.
MAX_SLEEP = 60.0


class Monitor:
    """upsmon (and upssched) for one system, as an asyncio task.

    ``settings`` are the upsmon settings; ``upssched`` the timer rules (used when
    NOTIFYCMD is ``upssched`` or unset).  ``local`` maps UPS names to devices of this
    process: a MONITOR line for such a UPS on a local host reads the device directly
    and reacts to its changes at once; ``numlogins(ups)`` then tells how many network
    clients are logged in to it.  ``clock`` gives the policy its time (monotonic
    seconds).  :meth:`run` returns when SHUTDOWNEXIT is reached or :meth:`stop` is
    called; it never stops anything but itself.
    """

    def __init__(self, settings: UpsmonSettings, upssched: UpsschedSettings | None = None,
                 *, local: dict[str, Device] | None = None,
                 numlogins: Callable[[str], int] | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 wall: Sequence[str] | None = ("wall",),
                 syslog: bool = True,
                 timeout: float = 5.0) -> None:
        self.settings = settings
        self.clock = clock
        self.runner = ProgramRunner()
        self.policy = Policy(settings, clock())
        use_sched = upssched is not None and (
            is_upssched(settings.notifycmd) or not settings.notifycmd)
        self.upssched = Upssched(upssched) if upssched is not None and use_sched else None
        if is_upssched(settings.notifycmd) and upssched is None:
            log.error("NOTIFYCMD is upssched but no upssched.conf was given; "
                      "EXEC notifications do nothing")
        self.notifier = Notifier(settings, self.runner, upssched=self.upssched, wall=wall,
                                 syslog=send_syslog if syslog else None)
        self.sources: dict[str, Source] = {
            mon.system: make_source(mon, local, numlogins, timeout,
                                    tls_context_for(settings, mon.host))
            for mon in settings.monitors
        }
        self.shutdown_status: int | None = None
        self.shutdown_done = asyncio.Event()
        self._kick = asyncio.Event()
        self._stop = asyncio.Event()
        self._wakes: dict[str, asyncio.Event] = {s: asyncio.Event() for s in self.sources}
        self._checking: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._shutdown_task: asyncio.Task[None] | None = None
        self._polling = True

    # ----------------------------------------------------------------- control
    def stop(self) -> None:
        """Make :meth:`run` return soon (logging out of every server)."""
        self._stop.set()
        self._kick.set()

    def request_shutdown(self) -> None:
        """Start the shutdown sequence now, as ``upsmon -c fsd`` does."""
        self._dispatch(self.policy.request_shutdown(self.clock(), "requested by the operator"))

    @property
    def history(self) -> list[tuple[NotifyType, str, str]]:
        """Every notification so far as ``(type, ups, message)``."""
        return [(n.kind, n.ups, n.message) for n in self.notifier.history]

    # --------------------------------------------------------------------- run
    async def run(self) -> int:
        """Monitor until SHUTDOWNEXIT or :meth:`stop`; 0, or 1 if the shutdown
        command could not be run."""
        clear_powerdown_flag(self.settings.powerdownflag)
        unwatch = []
        for system, source in self.sources.items():
            wake = self._wakes[system]
            unwatch.append(source.watch(wake.set))
            self._spawn(self._poll_loop(source))
        try:
            await self._main_loop()
        finally:
            for undo in unwatch:
                undo()
            for task in list(self._tasks):
                if task is not asyncio.current_task():
                    task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            if self._shutdown_task is not None:
                await asyncio.gather(self._shutdown_task, return_exceptions=True)
            await self._logout_all()
            await self.runner.drain()
        return 1 if self.shutdown_status is None and self.shutdown_done.is_set() else 0

    async def _main_loop(self) -> None:
        while not self._stop.is_set():
            now = self.clock()
            self._dispatch(self.policy.tick(now))
            if self.upssched is not None:
                self.notifier.run_scripts(self.upssched.due(now))
            if self._stop.is_set():
                break
            deadlines = [d for d in (self.policy.next_deadline(now),
                                     self.upssched.next_deadline() if self.upssched else None)
                         if d is not None]
            delay = min([MAX_SLEEP, *(d - now for d in deadlines)])
            self._kick.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(max(delay, 0.0) + 0.001):
                    await self._kick.wait()

    async def _poll_loop(self, source: Source) -> None:
        wake = self._wakes[source.system]
        while self._polling:
            wake.clear()
            ok = await self._poll_once(source)
            cfg = self.settings
            alert = cfg.pollfreqalert if cfg.pollfreqalert is not None else DEFAULT_POLLFREQALERT
            interval = alert if self.policy.alert else cfg.pollfreq
            if not ok:
                interval = min(interval, RECONNECT_DELAY)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(interval):
                    await wake.wait()

    async def _poll_once(self, source: Source) -> bool:
        try:
            reading = await source.poll()
        except SourceError as exc:
            if self._polling:
                self._dispatch(self.policy.failure(source.system, self.clock(), str(exc)))
            return False
        if self._polling:
            self._dispatch(self.policy.reading(source.system, reading.tokens, self.clock(),
                                               reading.alarm))
        return True

    # ----------------------------------------------------------------- actions
    def _dispatch(self, actions: list[Action]) -> None:
        for action in actions:
            if isinstance(action, Notify):
                self.notifier.notify(action.kind, action.ups, action.extra, self.clock())
            elif isinstance(action, SendFsd):
                self._spawn(self._send_fsd(action.ups))
            elif isinstance(action, CheckLogins):
                if action.ups not in self._checking:
                    self._checking.add(action.ups)
                    self._spawn(self._check_logins(action.ups))
            elif isinstance(action, RunShutdown):
                self._polling = False
                self._shutdown_task = asyncio.get_running_loop().create_task(
                    self._run_shutdown())
            elif isinstance(action, Exit):
                self._spawn(self._exit())
        self._kick.set()

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send_fsd(self, system: str) -> None:
        source = self.sources[system]
        try:
            await source.set_fsd()
            log.warning("set FSD on UPS %s", system)
        except SourceError as exc:
            log.error("cannot set FSD on UPS %s: %s", system, exc)

    async def _check_logins(self, system: str) -> None:
        source = self.sources[system]
        try:
            count: int | None = await source.numlogins() - source.self_logins
        except SourceError as exc:
            log.debug("NUMLOGINS for %s failed: %s", system, exc)
            count = None
        finally:
            self._checking.discard(system)
        self._dispatch(self.policy.logins(system, count, self.clock()))

    async def _run_shutdown(self) -> None:
        cfg = self.settings
        if cfg.powerdownflag:
            write_powerdown_flag(cfg.powerdownflag)
        if cfg.shutdowncmd:
            self.shutdown_status = await run_shutdown_command(cfg.shutdowncmd, self.runner)
        else:
            log.critical("no SHUTDOWNCMD configured: this system will not shut down")
        if self.shutdown_status is None:
            self.notifier.notify(NotifyType.NOPARENT, None, "", self.clock())
        self.shutdown_done.set()
        await self._logout_all()

    async def _exit(self) -> None:
        if self._shutdown_task is not None:
            await asyncio.gather(self._shutdown_task, return_exceptions=True)
        log.info("SHUTDOWNEXIT reached; monitor stops")
        self.stop()

    async def _logout_all(self) -> None:
        self._polling = False
        await asyncio.gather(*(s.close() for s in self.sources.values()),
                             return_exceptions=True)
