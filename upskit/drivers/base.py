"""The one driver contract, and the life-cycle loop every driver shares."""

from __future__ import annotations

import abc
import asyncio
import contextlib
import functools
import logging
import math
import weakref
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

from upskit import NUT_COMPAT_VERSION
from upskit.config.settings import UpsSettings
from upskit.drivers.context import DriverContext, default_context
from upskit.drivers.options import CommonOptions, UpsOptions, split_options
from upskit.drivers.scheduler import (
    DEFAULT_QUEUE_LIMIT,
    POLL_SLOTS,
    PollPhases,
    PortScheduler,
)
from upskit.model import CmdResult, Device
from upskit.options import BadOption, NoOptions, Option, OptionSet
from upskit.transport import Port, Transport, open_port
from upskit.transport.base import PortGone, TransportError
from upskit.transport.url import port_options

#: ups.conf options: ``key = value`` pairs as strings, bare flags as ``True``.  Keys that
#: start with ``_`` are set by the runtime (``_confdir``: the configuration directory) and
#: are never published.
DriverOptions = Mapping[str, str | bool]

#: A port capability a driver asks for (:meth:`Driver.open_port_as`).
P = TypeVar("P", bound=Port)

#: Options that must never be echoed as ``driver.parameter.*`` (secrets).
_SECRET_OPTIONS = frozenset({"password", "authpassword", "privpassword", "community", "secname"})
#: Options owned by the core, never echoed either.
_CORE_ONLY = frozenset({"driver", "desc"})


class CommunicationError(Exception):
    """A poll could not talk to the device (besides transport errors)."""


class Driver(abc.ABC):
    """A device driver: owns one :class:`Device`, talks to one port.

    Subclasses implement the hooks; :meth:`run` is the shared life-cycle loop:
    open -> initialise -> poll every ``poll_interval`` seconds, and, for a driver that
    overrides :meth:`listen`, a listening task beside the polls.  A failing poll marks
    the data stale after ``stale_after`` consecutive failures; a vanished port or a
    failed listener is closed and reopened with back-off.  ``run`` never returns
    because of device trouble; only cancellation stops it.

    ``context`` is what the runtime shares with its drivers (clock, logger, shared
    services); a driver built without one gets the process's default context.

    Options: a driver declares its own in ``option_set`` (a subclass of
    :class:`~upskit.drivers.options.CommonOptions`) and reads them typed from
    ``self.options``; the keys of its port's scheme go to the port (``open_port``), never
    to the driver.  Built by :func:`~upskit.drivers.build.build_driver`, it receives
    options parsed and checked once; built directly with a plain mapping, it parses its
    own keys and warns about bad values (keeping the defaults).  ``self.parameters``
    holds every option as written, published as ``driver.parameter.*``.
    """

    #: NUT-style driver name used in ups.conf (``driver = ...``) and ``driver.name``.
    name: ClassVar[str] = "driver"
    #: Version of this driver's own logic (``driver.version.internal``).
    version: ClassVar[str] = "0.1"
    #: Consecutive failed polls before the data is declared stale.
    stale_after: ClassVar[int] = 1
    #: Default seconds between polls (NUT's ``pollinterval``).
    default_poll_interval: ClassVar[float] = 2.0
    #: Longest back-off between reconnection attempts.
    max_backoff: ClassVar[float] = 30.0
    #: Client commands that may wait for the port; more are refused at once.
    command_queue_limit: ClassVar[int] = DEFAULT_QUEUE_LIMIT
    #: The options this driver reads: NUT's common ones and its own, typed.
    option_set: ClassVar[type[CommonOptions]] = CommonOptions
    #: Whether ``port`` is a port URL: then the keys its scheme declares are accepted and
    #: go to the port (a driver reading files or remote servers says no).
    uses_port_url: ClassVar[bool] = True
    #: Port option sets whose keys this driver accepts whatever its port (NUT's drivers
    #: accept every key they list, used or not); they reach the port only when its own
    #: scheme declares them.
    port_option_sets: ClassVar[tuple[type[OptionSet], ...]] = ()
    #: Every ups.conf option this driver accepts besides NUT's common ones
    #: (:data:`~upskit.drivers.options.COMMON_OPTIONS`), worked out from the sets above;
    #: a class may instead declare new options here by name.
    ups_options: ClassVar[Mapping[str, Option[Any]]] = {}

    #: This driver's typed options (``option_set``).
    options: CommonOptions

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        declared = vars(cls).get("ups_options")
        if declared and "option_set" not in vars(cls):
            cls.option_set = type(f"{cls.__name__}Options", (cls.option_set,),
                                  {"extra": dict(declared), "__module__": cls.__module__})
        accepted: dict[str, Option[Any]] = {}
        for kind in cls.port_option_sets:
            accepted.update(kind.spec)
        accepted.update(cls.option_set.spec)
        cls.ups_options = {k: v for k, v in accepted.items()
                           if not k.startswith("_") and k not in CommonOptions.spec}

    def __init__(self, device: Device, options: DriverOptions, *, config_name: str = "",
                 context: DriverContext | None = None) -> None:
        self.device = device
        self.config_name = config_name or self.name
        self.context = context if context is not None else default_context()
        self.log = logging.LoggerAdapter(self.context.logger, {"ups": device.name})
        #: Every option as written, for ``driver.parameter.*``.
        self.parameters: dict[str, str | bool] = dict(options)
        #: The port's typed options, when the driver was built from a configuration.
        self.port_options: OptionSet | None = None
        if isinstance(options, UpsOptions):
            self.options = options.driver
            self.port_options = options.port
        else:
            self.options = self.option_set(options, on_problem=self._bad_option)
        #: The port's turn-taking: the driver's own I/O ``claim()``s it, commands queue.
        self.port_turns = PortScheduler(device.name, self.command_queue_limit)
        self._wakeup = asyncio.Event()
        self._waiter: asyncio.Future[None] | None = None  # the pause between two polls
        self.initialised = False
        #: Health, for /metrics: port openings that reached initialisation, polls and
        #: failed polls so far, and how long the last poll took (seconds).
        self.connects = self.polls_done = self.poll_failures = 0
        self.last_poll_seconds: float | None = None
        device.bind(self._guarded_instcmd, self._guarded_setvar)
        device.ignore_lb = bool(self.options.ignorelb)
        self.publish_driver_info()

    # ------------------------------------------------------------ options
    @classmethod
    def parse_options(cls, given: DriverOptions, ups: UpsSettings) -> UpsOptions:
        """Split and parse ``given`` (the options of ``ups``) once, between this driver
        and its port; raises :class:`~upskit.drivers.options.OptionError` naming the
        file and line of a key no layer declares or a value of the wrong form."""
        port_set: type[OptionSet] = NoOptions
        url = given.get("port")
        if cls.uses_port_url and isinstance(url, str):
            # an unknown scheme: opening the port says what is wrong, as it always did
            with contextlib.suppress(ValueError, LookupError):
                port_set = port_options(cls.port_url(url))
        return split_options(ups.driver, given, ups, driver_set=cls.option_set,
                             port_set=port_set, tolerated=cls.port_option_sets)

    def _bad_option(self, problem: BadOption) -> None:
        self.log.warning("%s: %s; using the default", self.device.name, problem)

    def option(self, key: str, default: str | None = None) -> str | None:
        """The driver option ``key`` as written (``default`` if absent or a bare flag)."""
        value = self.options.text(key)
        return default if value is None else value

    def flag(self, key: str) -> bool:
        """Whether the driver flag ``key`` is set."""
        return self.options.flag(key)

    @classmethod
    def port_url(cls, url: str) -> str:
        """The URL the ups.conf ``port`` value stands for: itself, unless a driver gives
        NUT's ``auto`` its own meaning (a HID Power Device for usbhid-ups)."""
        return url

    def open_port(self) -> Transport:
        """Build (not open) the command/reply port ``port`` names, handing it only its
        own options."""
        return self.open_port_as(Transport)  # type: ignore[type-abstract]

    def open_port_as(self, kind: type[P]) -> P:
        """Build (not open) the port ``port`` names, which must offer the capability
        ``kind`` (a :class:`~upskit.transport.HidPort` for a HID driver ...)."""
        given = self.port_options if self.port_options is not None else self.parameters
        return open_port(self.port_url(self.options.port or ""), given, kind)

    @property
    def poll_interval(self) -> float:
        interval = self.options.pollinterval
        return max(0.05, self.default_poll_interval if interval is None else interval)

    @functools.cached_property
    def poll_phase(self) -> float:
        """The fraction of ``poll_interval`` between the first and the second poll after
        each initialisation (then a whole interval): the drivers of one process take
        turns over the interval (:class:`~upskit.drivers.scheduler.PollPhases`) instead
        of polling together; the first poll still comes right after initialisation."""
        return self.context.service(PollPhases).next()

    def publish_driver_info(self) -> None:
        """Publish driver.* variables and apply ``default.*`` / ``override.*`` options."""
        dev = self.device
        dev.set("driver.name", self.config_name)
        dev.set("driver.version", NUT_COMPAT_VERSION)
        dev.set("driver.version.internal", self.version)
        for key, value in self.parameters.items():
            lower = key.lower()
            if lower.startswith("override."):
                dev.override(key[len("override."):], value if isinstance(value, str) else "")
            elif lower.startswith("default."):
                dev.set_default(key[len("default."):], value if isinstance(value, str) else "")
            elif lower in _CORE_ONLY or lower in _SECRET_OPTIONS or key.startswith("_"):
                continue
            elif value is True:
                dev.set(f"driver.flag.{key}", "enabled")
            elif isinstance(value, str):
                dev.set(f"driver.parameter.{key}", value)
        dev.set_default("driver.parameter.pollinterval", _fmt_number(self.poll_interval))
        # NUT 2.8 drivers publish how they write to the server socket, "auto" unless set
        dev.set_default("driver.parameter.synchronous", "auto")

    # --------------------------------------------------------------- hooks
    async def open(self) -> None:
        """Open the port (NUT's ``upsdrv_initups``); no device detection here."""

    @abc.abstractmethod
    async def initialise(self) -> None:
        """Detect the device and publish static data (``upsdrv_initinfo``)."""

    @abc.abstractmethod
    async def poll(self) -> None:
        """One update pass (``upsdrv_updateinfo``); raise on communication failure."""

    async def listen(self) -> None:
        """Receive what the device pushes (HID interrupt reports, SNMP traps), if it does.

        A driver that overrides this gets it run as a task once the device is
        initialised, beside the polls, until the port is closed: on a reconnection
        the task is cancelled and a fresh one started after the next initialisation.
        Raising counts as a lost connection (the data goes stale, the port is closed
        and reopened); returning just ends the listening until the next connection.
        """

    async def close(self) -> None:
        """Release the port (``upsdrv_cleanup``)."""

    async def shutdown(self) -> CmdResult:
        """Tell the UPS to cut the load and return when power comes back (killpower)."""
        return CmdResult.UNKNOWN

    async def instcmd(self, name: str, param: str | None) -> CmdResult:
        return CmdResult.UNKNOWN

    async def setvar(self, name: str, value: str) -> CmdResult:
        return CmdResult.UNKNOWN

    # ---------------------------------------------------- guarded handlers
    async def _guarded_instcmd(self, name: str, param: str | None) -> CmdResult:
        shown = f"{name} {param}" if param else name
        return await self.port_turns.run(lambda: self._run_instcmd(name, param),
                                         f"instant command {shown}")

    async def _guarded_setvar(self, name: str, value: str) -> CmdResult:
        return await self.port_turns.run(lambda: self._run_setvar(name, value),
                                         f"setting {name}")

    async def _run_instcmd(self, name: str, param: str | None) -> CmdResult:
        try:
            result = await self.instcmd(name, param)
        except (TransportError, CommunicationError) as exc:
            self.log.warning("%s: command %s failed: %s", self.device.name, name, exc)
            return CmdResult.FAILED
        self.log.info("%s: instant command %s%s -> %s", self.device.name, name,
                      f" {param}" if param else "", result.name)
        if result is CmdResult.HANDLED:
            self.request_update()
        return result

    async def _run_setvar(self, name: str, value: str) -> CmdResult:
        try:
            result = await self.setvar(name, value)
        except (TransportError, CommunicationError) as exc:
            self.log.warning("%s: setting %s failed: %s", self.device.name, name, exc)
            return CmdResult.FAILED
        if result is CmdResult.HANDLED:
            self.request_update()
        return result

    def should_go_stale(self, failures: int) -> bool:
        """Whether ``failures`` consecutive failed polls make the data stale."""
        return failures >= self.stale_after

    def request_update(self) -> None:
        """Ask the run loop to poll now instead of waiting for the next tick."""
        self._wakeup.set()
        waiter = self._waiter
        if waiter is not None:
            _wake(waiter)

    # ----------------------------------------------------------- life cycle
    async def run(self) -> None:
        """Open, initialise and poll forever; reconnect by itself; never exits on trouble."""
        first_backoff = min(1.0, self.max_backoff)
        backoff = first_backoff
        self.port_turns.open()
        while True:
            try:
                await self._open_and_initialise()
                backoff = first_backoff
                if self.listens:
                    await self._poll_and_listen()
                else:
                    await self._poll_loop()
            except (TransportError, CommunicationError) as exc:
                self.device.data_stale()
                self.log.warning("%s: %s; retrying in %.0f s", self.device.name, exc, backoff)
            finally:
                with contextlib.suppress(Exception):
                    await self.close()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, self.max_backoff)

    async def _open_and_initialise(self) -> None:
        async with self.port_turns.claim():
            await self.open()
            await self.initialise()
        self.initialised = True
        self.device.set_connected(True)
        self.connects += 1

    @property
    def listens(self) -> bool:
        """Whether this driver has a listening task (it overrides :meth:`listen`)."""
        return type(self).listen is not Driver.listen

    async def _poll_and_listen(self) -> None:
        """Poll and listen until either loses the device; both stop together."""
        name = self.device.name
        poller = asyncio.create_task(self._poll_loop(), name=f"poll:{name}")
        listener: asyncio.Task[None] | None = asyncio.create_task(self.listen(),
                                                                  name=f"listen:{name}")
        try:
            while True:
                waiting = {poller} if listener is None else {poller, listener}
                await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
                if poller.done():
                    poller.result()  # the poll loop ends only by raising
                    return
                assert listener is not None
                problem = None if listener.cancelled() else listener.exception()
                if problem is None:
                    self.log.debug("%s: the listener finished; polling goes on", name)
                    listener = None
                elif isinstance(problem, (TransportError, CommunicationError)):
                    raise problem
                else:
                    self.log.error("%s: the listener failed", name, exc_info=problem)
                    raise CommunicationError(f"the listener failed: {problem!r}") from problem
        finally:
            await _cancel_and_wait(poller, listener)

    async def _poll_loop(self) -> None:
        failures = 0
        was_stale = self.device.stale
        clock = self.context.clock
        turns = self.port_turns
        loop = asyncio.get_running_loop()
        ticks = _ticks(loop)
        # The first poll goes at once; the pause after it sets this driver's phase.
        pause = self.poll_interval * (self.poll_phase or 1.0)
        # The slot (length, number) of the poll under way when it started on time: the
        # next one is a whole interval later, however late this one ran.
        slot: tuple[float, int] | None = None
        while True:
            started = clock()
            try:
                if not turns.take():  # the port is free at almost every poll
                    await turns.acquire()
                try:
                    await self.poll()
                finally:
                    turns.release()
            except PortGone:
                raise
            except (TransportError, CommunicationError) as exc:
                failures += 1
                self.poll_failures += 1
                self.log.debug("%s: poll failed (%d): %s", self.device.name, failures, exc)
                if self.should_go_stale(failures) and not self.device.stale:
                    self.log.warning("%s: data stale: %s", self.device.name, exc)
                    self.device.data_stale()
                    was_stale = True
            else:
                failures = 0
                if was_stale and self.initialised and self.device.last_ok:
                    self.log.info("%s: communication re-established", self.device.name)
                was_stale = False
                self.device.data_ok()
            self.polls_done += 1
            took = self.last_poll_seconds = clock() - started
            delay = pause - took
            interval = self.poll_interval
            self._wakeup.clear()
            if delay <= 0:
                slot = None
                await asyncio.sleep(0)  # a poll as long as the interval still lets others run
                pause = interval
                continue
            # Wait for the next poll's slot: a whole interval after the slot of the poll
            # just made when it started on time, else ``delay`` from now rounded up to the
            # slot grid (a sixteenth of the interval).  So the drivers of one slot stay
            # together, whatever their polls or the loop's latency take, and one timer
            # wakes them all; request_update() ends the wait early.
            length = interval / POLL_SLOTS
            if slot is not None and slot[0] == length and pause == interval:
                number = slot[1] + POLL_SLOTS
            else:
                number = math.ceil((loop.time() + delay) / length)
            when = number * length
            waiter = self._waiter = ticks.wait(loop, when)
            try:
                await waiter
            finally:
                self._waiter = None
                ticks.forget(when, waiter)
            slot = None if self._wakeup.is_set() else (length, number)
            pause = interval


class _PollTicks:
    """One timer per poll slot for all the drivers of one event loop due at that time
    (instead of a timer per driver and poll)."""

    __slots__ = ("_due",)

    def __init__(self) -> None:
        self._due: dict[float, list[asyncio.Future[None]]] = {}

    def wait(self, loop: asyncio.AbstractEventLoop, when: float) -> asyncio.Future[None]:
        """A future that is done at loop time ``when`` (or earlier, by :func:`_wake`)."""
        waiter: asyncio.Future[None] = loop.create_future()
        waiting = self._due.get(when)
        if waiting is None:
            self._due[when] = [waiter]
            loop.call_at(when, self._fire, when)
        else:
            waiting.append(waiter)
        return waiter

    def forget(self, when: float, waiter: asyncio.Future[None]) -> None:
        """Drop ``waiter`` if its timer has not fired (it was woken early or cancelled),
        so that nothing of a closed loop stays here."""
        waiting = self._due.get(when)
        if waiting is not None and waiter in waiting:
            waiting.remove(waiter)
            if not waiting:
                del self._due[when]  # its timer finds nothing when it fires

    def pending(self) -> int:
        """Times with waiters whose timer has not fired."""
        return len(self._due)

    def _fire(self, when: float) -> None:
        for waiter in self._due.pop(when, ()):
            _wake(waiter)


#: The poll timers of each running event loop.
_TICKS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _PollTicks] = \
    weakref.WeakKeyDictionary()


def _ticks(loop: asyncio.AbstractEventLoop) -> _PollTicks:
    ticks = _TICKS.get(loop)
    if ticks is None:
        ticks = _TICKS[loop] = _PollTicks()
    return ticks


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


async def _cancel_and_wait(*tasks: asyncio.Task[None] | None) -> None:
    """Cancel ``tasks`` and wait until they have ended (whatever they raise)."""
    running = [t for t in tasks if t is not None]
    for task in running:
        task.cancel()
    for task in running:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


def _fmt_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
