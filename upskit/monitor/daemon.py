"""``upskit monitor`` as a daemon: signals, reload, the control socket and systemd.

SIGHUP (and ``upskit monitor -c reload``) reads the configuration again, as NUT's
upsmon does; a configuration that does not load, or a monitor that cannot be built
from it, leaves the running monitor watching.  SIGTERM/SIGINT (and ``-c stop``) stop;
``-c fsd`` starts the shutdown sequence.  SIGUSR1/SIGUSR2 are logged and ignored.
Under systemd the daemon reports READY/RELOADING/STOPPING and, with ``WatchdogSec=``,
pings the watchdog only while every watch makes progress.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable

from upskit import sdnotify
from upskit.config.settings import ConfigError, Settings
from upskit.monitor.control import ControlServer, ignore_user_signals
from upskit.monitor.monitor import Monitor

log = logging.getLogger(__name__)

#: Longest wait for a stopped monitor to log out of its servers.
STOP_TIMEOUT = 10.0


def shutdowncmd_warning(settings: Settings) -> str | None:
    """The complaint about a monitor that could never shut this system down."""
    upsmon = settings.upsmon
    if upsmon is not None and upsmon.monitors and not upsmon.shutdowncmd:
        where = settings.source or "the configuration"
        return (f"{where}: MONITOR lines but no SHUTDOWNCMD: this monitor would never shut "
                "this system down (a misspelled directive is only warned about)")
    return None


class MonitorDaemon:
    """One :class:`Monitor` at a time, replaced on reload; ``load`` reads the settings."""

    def __init__(self, settings: Settings, load: Callable[[], Settings],
                 control_path: str | None = None) -> None:
        self.settings = settings
        self.load = load
        self.control_path = control_path
        self.monitor: Monitor | None = None
        self.task: asyncio.Task[int] | None = None
        self.code = 0
        self._finished = asyncio.Event()
        self._stopping = False
        self._reload_lock = asyncio.Lock()
        #: Handed to every monitor's notifier: ``(type, ups, message)`` per notification.
        self.listeners: list[Callable[[str, str, str], None]] = []

    def _build(self, settings: Settings) -> Monitor:
        assert settings.upsmon is not None
        monitor = Monitor(settings.upsmon, settings.upssched)
        monitor.notifier.listeners = self.listeners
        return monitor

    def _start(self, monitor: Monitor) -> None:
        self.monitor = monitor
        task = asyncio.get_running_loop().create_task(monitor.run(), name="monitor")
        self.task = task
        task.add_done_callback(self._ended)

    def _ended(self, task: asyncio.Task[int]) -> None:
        if task is not self.task:
            return  # replaced by a reload
        if task.cancelled():
            self.code = 1
        elif (exc := task.exception()) is not None:
            log.critical("the monitor stopped unexpectedly: %r", exc, exc_info=exc)
            self.code = 1
        else:
            self.code = task.result()
        self._finished.set()

    async def serve(self) -> int:
        """Run until stopped or SHUTDOWNEXIT; the monitor's exit code."""
        loop = asyncio.get_running_loop()
        try:
            monitor = self._build(self.settings)
        except Exception as exc:
            log.critical("the monitor cannot start: %r", exc, exc_info=exc)
            return 1
        self._start(monitor)
        reloads: asyncio.Queue[None] = asyncio.Queue()
        loop.add_signal_handler(signal.SIGHUP, reloads.put_nowait, None)
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop)
        ignore_user_signals(loop)
        control = None
        if self.control_path:
            control = ControlServer(self.control_path, {
                "fsd": self._fsd, "reload": self.reload, "stop": self._stop_request})
            await control.start()
        helpers = [loop.create_task(self._reload_on_hangup(reloads))]
        period = sdnotify.watchdog_period()
        if period is not None:
            helpers.append(loop.create_task(sdnotify.keep_alive(self.problems, period)))
        sdnotify.ready("watching")
        try:
            await self._finished.wait()
        finally:
            sdnotify.stopping()
            for helper in helpers:
                helper.cancel()
            await asyncio.gather(*helpers, return_exceptions=True)
            if control is not None:
                await control.close()
        return self.code

    def problems(self) -> list[str]:
        """What the watchdog must know (see :meth:`Monitor.problems`)."""
        return self.monitor.problems() if self.monitor is not None else ["no monitor"]

    def stop(self) -> None:
        """Stop watching (logging out of every server) and end :meth:`serve`."""
        log.info("stopping")
        self._stopping = True
        if self.monitor is not None and self.task is not None:
            self.monitor.stop()
        else:
            self._finished.set()

    async def _reload_on_hangup(self, reloads: asyncio.Queue[None]) -> None:
        while True:
            await reloads.get()
            log.info("SIGHUP: reading the configuration again")
            await self.reload()

    async def reload(self) -> tuple[bool, str]:
        """Read the configuration again and replace the monitor if it changed."""
        async with self._reload_lock:
            sdnotify.reloading()
            try:
                return self._report(await self._reload())
            finally:
                sdnotify.ready("watching")

    @staticmethod
    def _report(result: tuple[bool, str]) -> tuple[bool, str]:
        ok, text = result
        if ok:
            log.info("%s", text)
        else:
            log.error("%s", text)
        return result

    async def _reload(self) -> tuple[bool, str]:
        keep = "the running monitor keeps its settings"
        try:
            fresh = self.load()
        except (ConfigError, OSError) as exc:
            return False, f"configuration not reloaded: {exc}; {keep}"
        if fresh.upsmon is None or not fresh.upsmon.monitors:
            return False, f"no MONITOR lines in {fresh.source or 'the configuration'}; {keep}"
        if (fresh.upsmon, fresh.upssched) == (self.settings.upsmon, self.settings.upssched):
            return True, "configuration reloaded: nothing changed for the monitor"
        old = self.monitor
        if old is not None and not old.idle:
            return False, f"a shutdown is under way; {keep}"
        try:
            monitor = self._build(fresh)
        except Exception as exc:
            return False, f"the new configuration cannot be used ({exc!r}); {keep}"
        self.settings = fresh
        old_task, self.task = self.task, None
        if old is not None and old_task is not None and not old_task.done():
            old.stop()
            done, _ = await asyncio.wait({old_task}, timeout=STOP_TIMEOUT)
            if not done:
                old_task.cancel()
        if self._stopping:
            self._finished.set()
            return False, "stopping: the new configuration is not used"
        self._start(monitor)
        return True, "configuration reloaded: the monitor watches with the new settings"

    async def _fsd(self) -> tuple[bool, str]:
        monitor = self.monitor
        if monitor is None:
            return False, "no monitor is running"
        if not monitor.idle:
            return True, "a shutdown is already under way"
        log.critical("forced shutdown requested over the control socket")
        monitor.request_shutdown()
        return True, "shutdown sequence started"

    async def _stop_request(self) -> tuple[bool, str]:
        self.stop()
        return True, "stopping"
