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
import functools
import logging
import time
from collections.abc import Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, Any

from upskit.config.commands import missing_program
from upskit.config.settings import UpsmonSettings, UpsschedSettings
from upskit.model import Device
from upskit.monitor.events import NotifyType
from upskit.monitor.notify import Notifier, is_upssched, send_syslog
from upskit.monitor.policy import (
    Action,
    CheckLogins,
    Exit,
    Notify,
    Phase,
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

if TYPE_CHECKING:
    import ssl

log = logging.getLogger(__name__)

#: Seconds between polls while a UPS is on battery when POLLFREQALERT is not configured.
DEFAULT_POLLFREQALERT = 0.5

#: Longest pause between two reconnection attempts to a server that went away.
RECONNECT_DELAY = 1.0
#: Longest the main loop sleeps without looking at the clock.
MAX_SLEEP = 60.0
#: Pause before a watch that ended by accident is started again.
RESTART_DELAY = 0.5
#: One whole poll (connect, log in, read) may take this many network timeouts.
POLL_TIMEOUTS = 4
#: Added to the longest poll cycle to decide that a watch stopped making progress.
PROGRESS_SLACK = 1.0


class Monitor:
    """upsmon (and upssched) for one system, as an asyncio task.

    ``settings`` are the upsmon settings; ``upssched`` the timer rules (used when
    NOTIFYCMD is ``upssched`` or unset).  ``local`` maps UPS names to devices of this
    process: a MONITOR line for such a UPS on a local host reads the device directly
    and reacts to its changes at once; ``numlogins(ups)`` then tells how many network
    clients are logged in to it, and ``maxage`` (upsd.conf's MAXAGE) is how old its
    data may get before it counts as stale.  ``clock`` gives the policy its time
    (monotonic seconds).  :meth:`run` returns when SHUTDOWNEXIT is reached or
    :meth:`stop` is called; it never stops anything but itself.

    Nothing that goes wrong while running ends a watch: a notification or a timer
    that fails is logged, a poll that raises counts as a failed poll, and a watch
    task that dies is logged and started again.  :meth:`problems` tells whether every
    watch is still making progress (for a watchdog).
    """

    def __init__(self, settings: UpsmonSettings, upssched: UpsschedSettings | None = None,
                 *, local: dict[str, Device] | None = None,
                 numlogins: Callable[[str], int] | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 wall: Sequence[str] | None = ("wall",),
                 syslog: bool = True,
                 timeout: float = 5.0,
                 maxage: float | None = None) -> None:
        self.settings = settings
        self.clock = clock
        self.poll_timeout = POLL_TIMEOUTS * timeout
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
        self.sources: dict[str, Source] = {}
        for mon in settings.monitors:
            context, tls_error = self._tls(mon.host)
            self.sources[mon.system] = make_source(mon, local, numlogins, timeout, context,
                                                   tls_error=tls_error, maxage=maxage)
        self.shutdown_status: int | None = None
        self.shutdown_done = asyncio.Event()
        self._kick = asyncio.Event()
        self._stop = asyncio.Event()
        self._wakes: dict[str, asyncio.Event] = {s: asyncio.Event() for s in self.sources}
        self._checking: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._watches: dict[str, asyncio.Task[None]] = {}
        self._progress: dict[str, float] = {}
        self._shutdown_task: asyncio.Task[None] | None = None
        self._polling = True
        self._running = False

    def _tls(self, host: str) -> tuple[ssl.SSLContext | None, str | None]:
        """The TLS context for ``host``; when it cannot be made, why (never raises)."""
        try:
            return tls_context_for(self.settings, host), None
        except Exception as exc:
            reason = f"TLS for {host} cannot be set up (CERTPATH {self.settings.certpath}): {exc}"
            log.error("%s; that server counts as unreachable", reason)
            return None, reason

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

    @property
    def idle(self) -> bool:
        """True while no shutdown is under way (a reload may replace this monitor)."""
        return self.policy.phase is Phase.MONITORING

    def progress_allowance(self) -> float:
        """Seconds a watch may go without finishing a poll before it counts as hung:
        twice the longest pause between polls plus the longest a poll may take."""
        cfg = self.settings
        alert = cfg.pollfreqalert if cfg.pollfreqalert is not None else DEFAULT_POLLFREQALERT
        return 2 * max(cfg.pollfreq, alert) + self.poll_timeout + PROGRESS_SLACK

    def problems(self) -> list[str]:
        """Why the monitor is not healthy: watches that died or made no progress for
        :meth:`progress_allowance` seconds.  Empty when all is well, before
        :meth:`run` started, after it ended, and while a shutdown is under way (the
        watches have then finished on purpose)."""
        if not self._running or not self._polling:
            return []
        now = time.monotonic()
        allowance = self.progress_allowance()
        found = []
        for system in self.sources:
            task = self._watches.get(system)
            quiet = now - self._progress.get(system, now)
            if task is None or task.done():
                found.append(f"the watch of UPS {system} is not running")
            elif quiet > allowance:
                found.append(f"the watch of UPS {system} made no progress for more than "
                             f"{allowance:g} s")
        return found

    # --------------------------------------------------------------------- run
    async def run(self) -> int:
        """Monitor until SHUTDOWNEXIT or :meth:`stop`; 0, or 1 if the shutdown
        command could not be run."""
        self._check_programs()
        clear_powerdown_flag(self.settings.powerdownflag)
        unwatch = []
        self._running = True
        for system, source in self.sources.items():
            wake = self._wakes[system]
            unwatch.append(source.watch(wake.set))
            self._start_watch(source)
        try:
            await self._main_loop()
        finally:
            self._running = False
            for undo in unwatch:
                undo()
            tasks = [*self._tasks, *self._watches.values()]
            for task in tasks:
                if task is not asyncio.current_task():
                    task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if self._shutdown_task is not None:
                await asyncio.gather(self._shutdown_task, return_exceptions=True)
            await self._logout_all()
            await self.runner.drain()
        return 1 if self.shutdown_status is None and self.shutdown_done.is_set() else 0

    def _check_programs(self) -> None:
        cfg = self.settings
        if not cfg.shutdowncmd:
            log.critical("no SHUTDOWNCMD is configured (a misspelled directive is only "
                         "warned about): this monitor will never shut this system down")
        elif (program := missing_program(cfg.shutdowncmd, shell=True)) is not None:
            log.critical("SHUTDOWNCMD: %s cannot be run: this system would not shut down",
                         program)
        if self.notifier.notifycmd and (program := missing_program(
                self.notifier.notifycmd)) is not None:
            log.error("NOTIFYCMD: %s cannot be run", program)
        script = self.upssched.settings.cmdscript if self.upssched else None
        if script and (program := missing_program(script)) is not None:
            log.error("upssched CMDSCRIPT: %s cannot be run", program)

    async def _main_loop(self) -> None:
        while not self._stop.is_set():
            try:
                delay = self._tick()
            except Exception:
                log.exception("monitor: unexpected error; carrying on")
                delay = RESTART_DELAY
            if self._stop.is_set():
                break
            self._kick.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(max(delay, 0.0) + 0.001):
                    await self._kick.wait()

    def _tick(self) -> float:
        """Let the policy and the timers see the time; how long to sleep afterwards."""
        now = self.clock()
        self._dispatch(self.policy.tick(now))
        if self.upssched is not None:
            self.notifier.run_scripts(self.upssched.due(now))
        deadlines = [d for d in (self.policy.next_deadline(now),
                                 self.upssched.next_deadline() if self.upssched else None)
                     if d is not None]
        return min([MAX_SLEEP, *(d - now for d in deadlines)])

    # ----------------------------------------------------------------- watches
    def _start_watch(self, source: Source) -> None:
        system = source.system
        self._progress[system] = time.monotonic()
        task = asyncio.get_running_loop().create_task(self._poll_loop(source),
                                                      name=f"watch {system}")
        self._watches[system] = task
        task.add_done_callback(functools.partial(self._watch_ended, source))

    def _watch_ended(self, source: Source, task: asyncio.Task[None]) -> None:
        if not self._running or not self._polling or self._stop.is_set():
            return
        system = source.system
        if task.cancelled():
            log.error("the watch of UPS %s was cancelled; starting it again", system)
        elif (exc := task.exception()) is not None:
            log.error("the watch of UPS %s failed: %r; starting it again in %g s", system,
                      exc, RESTART_DELAY, exc_info=exc)
        else:
            log.error("the watch of UPS %s ended; starting it again", system)

        def restart() -> None:
            if self._running and self._polling and self._watches.get(system) is task:
                self._start_watch(source)

        asyncio.get_running_loop().call_later(RESTART_DELAY, restart)

    async def _poll_loop(self, source: Source) -> None:
        wake = self._wakes[source.system]
        while self._polling:
            wake.clear()
            ok = await self._poll_once(source)
            self._progress[source.system] = time.monotonic()
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
            async with asyncio.timeout(self.poll_timeout):
                reading = await source.poll()
        except SourceError as exc:
            return self._failed(source, str(exc))
        except TimeoutError:
            await self._reset(source)
            return self._failed(source, f"no answer within {self.poll_timeout:g} s")
        except Exception as exc:
            log.error("polling UPS %s failed unexpectedly: %r", source.system, exc,
                      exc_info=exc)
            await self._reset(source)
            return self._failed(source, f"unexpected error: {exc!r}")
        if self._polling:
            self._dispatch(self.policy.reading(source.system, reading.tokens, self.clock(),
                                               reading.alarm))
        return True

    def _failed(self, source: Source, reason: str) -> bool:
        if self._polling:
            self._dispatch(self.policy.failure(source.system, self.clock(), reason))
        return False

    async def _reset(self, source: Source) -> None:
        """Drop the connection of a source whose poll went wrong (never raises)."""
        try:
            async with asyncio.timeout(self.poll_timeout):
                await source.close()
        except Exception as exc:
            log.debug("closing UPS %s failed: %r", source.system, exc)

    # ----------------------------------------------------------------- actions
    def _dispatch(self, actions: list[Action]) -> None:
        for action in actions:
            try:
                self._act(action)
            except Exception:
                log.exception("monitor: %s failed; carrying on", action)
        self._kick.set()

    def _act(self, action: Action) -> None:
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

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send_fsd(self, system: str) -> None:
        source = self.sources[system]
        try:
            async with asyncio.timeout(self.poll_timeout):
                await source.set_fsd()
            log.warning("set FSD on UPS %s", system)
        except (SourceError, TimeoutError) as exc:
            log.error("cannot set FSD on UPS %s: %s", system, exc or "no answer")

    async def _check_logins(self, system: str) -> None:
        source = self.sources[system]
        try:
            async with asyncio.timeout(self.poll_timeout):
                count: int | None = await source.numlogins() - source.self_logins
        except (SourceError, TimeoutError) as exc:
            log.debug("NUMLOGINS for %s failed: %r", system, exc)
            count = None
        finally:
            self._checking.discard(system)
        self._dispatch(self.policy.logins(system, count, self.clock()))

    async def _run_shutdown(self) -> None:
        cfg = self.settings
        try:
            if cfg.powerdownflag:
                write_powerdown_flag(cfg.powerdownflag)
        except Exception as exc:
            log.error("cannot write the power-down flag %s: %r", cfg.powerdownflag, exc)
        if cfg.shutdowncmd:
            try:
                self.shutdown_status = await run_shutdown_command(cfg.shutdowncmd,
                                                                  self.runner)
            except Exception as exc:
                log.critical("the shutdown command could not be run: %r", exc)
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
