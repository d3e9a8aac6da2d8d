"""Who talks on a driver's port next: status polls and client commands take turns."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from upskit.model import CmdResult
from upskit.ratelimit import LogBudget

log = logging.getLogger(__name__)

#: Commands that may wait for the port of one device (the one on the wire not counted).
DEFAULT_QUEUE_LIMIT = 16
#: Seconds between two log lines about refused commands.
REFUSAL_LOG_INTERVAL = 10.0
#: The fraction of the golden ratio: its multiples fall evenly over [0, 1) for any count.
_GOLDEN_FRACTION = 0.6180339887498949
#: Phases are whole sixteenths of the interval: the polls of one slot run together,
#: while the interpreter's caches are warm (a poll alone after a pause costs about
#: half as much again), and the server waits at most one slot's polls.
POLL_SLOTS = 16


class PollPhases:
    """Spreads the polls of the drivers of one process over their poll interval.

    After its first poll each driver waits :meth:`next` times its interval (instead of
    a whole one) before the second, so a thousand drivers started together do not all
    poll (and wake the server's loop) at the same moment of every interval.  The phases
    are the multiples of the golden ratio's fraction: the first is 0 (a lone driver
    keeps whole intervals), and however many are taken, every stretch of the interval
    gets its share.
    """

    def __init__(self) -> None:
        self._taken = 0

    def next(self) -> float:
        """The next phase, a fraction in [0, 1): one of :data:`POLL_SLOTS` slots."""
        phase = (self._taken * _GOLDEN_FRACTION) % 1.0
        self._taken += 1
        return int(phase * POLL_SLOTS) / POLL_SLOTS


@dataclass(eq=False)
class _Queued:
    work: Callable[[], Awaitable[CmdResult]]
    what: str
    result: asyncio.Future[CmdResult] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future())


class PortScheduler:
    """Grants one driver's port to one user at a time.

    The driver's own life cycle (open, initialise, poll, shutdown) takes the port with
    :meth:`claim`; client commands queue with :meth:`run`.  The two take turns: when a
    command ends, a waiting claim goes first; when a claim ends, the oldest queued
    command goes next.  So a flood of commands delays a poll by one command at most,
    and back-to-back polls never starve the commands.

    At most ``limit`` commands wait; beyond that :meth:`run` refuses at once (as upsd
    does when it cannot hand a command to its driver).  A command whose caller is
    cancelled while it waits (its client went away) is dropped before it reaches the
    port; one already on the wire runs to its end in a task of its own.
    """

    def __init__(self, name: str, limit: int = DEFAULT_QUEUE_LIMIT) -> None:
        self.name = name
        self.limit = max(1, limit)
        self._busy = False
        self._claims: deque[asyncio.Future[None]] = deque()
        self._queue: deque[_Queued] = deque()
        self._running: asyncio.Task[None] | None = None
        self._refusals = LogBudget(burst=1, interval=REFUSAL_LOG_INTERVAL)
        self._closed = False

    @property
    def queued(self) -> int:
        """Commands waiting for the port."""
        return len(self._queue)

    # ------------------------------------------------------------- claims
    def claim(self) -> _Claim:
        """Hold the port for the driver itself (after the command on the wire, if any):
        ``async with turns.claim(): ...``."""
        return _Claim(self)

    def take(self) -> bool:
        """Hold the port at once if it is free (then :meth:`release` it); False when it
        is busy (then :meth:`acquire` waits for it).  The poll loop's claim, without
        the coroutines of ``async with``."""
        if self._busy:
            return False
        self._busy = True
        return True

    async def acquire(self) -> None:
        """Hold the port once it is free (then :meth:`release` it)."""
        await self._acquire()

    def release(self) -> None:
        """Give the port back after :meth:`take` or :meth:`acquire`: a queued command
        goes next."""
        self._busy = False
        if self._queue or self._claims:
            self._grant(commands_first=True)

    async def _acquire(self) -> None:
        if not self._busy:
            self._busy = True
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._claims.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release(commands_next=True)  # granted just as we were cancelled
            elif waiter in self._claims:
                self._claims.remove(waiter)
            raise

    # ----------------------------------------------------------- commands
    async def run(self, work: Callable[[], Awaitable[CmdResult]], what: str) -> CmdResult:
        """Queue ``work`` (a command for the device) and return its result.

        ``FAILED`` at once when ``limit`` commands are already waiting, or the driver
        has stopped.
        """
        if self._closed:
            return CmdResult.FAILED
        if len(self._queue) >= self.limit:
            self._refuse(what)
            return CmdResult.FAILED
        entry = _Queued(work, what)
        self._queue.append(entry)
        if not self._busy:
            self._grant(commands_first=True)
        try:
            return await entry.result
        except asyncio.CancelledError:
            if entry in self._queue:
                self._queue.remove(entry)
                log.debug("%s: dropped %s before it reached the device: its caller left",
                         self.name, what)
            raise

    def _refuse(self, what: str) -> None:
        allowed, held = self._refusals.allow()
        if held:
            log.warning("%s: %d more command(s) refused while the command queue was full",
                        self.name, held)
        if allowed:
            log.warning("%s: command queue full (%d waiting): refusing %s (further refusals "
                        "are counted, one line per %.0f s)", self.name, len(self._queue), what,
                        REFUSAL_LOG_INTERVAL)

    async def _execute(self, entry: _Queued) -> None:
        try:
            result = await entry.work()
        except asyncio.CancelledError:  # the driver stops
            if not entry.result.done():
                entry.result.set_result(CmdResult.FAILED)
            raise
        except Exception as exc:  # the waiting caller decides what a bug means
            if not entry.result.done():
                entry.result.set_exception(exc)
        else:
            if not entry.result.done():
                entry.result.set_result(result)
        finally:
            self._running = None
            self._release(commands_next=False)

    def open(self) -> None:
        """Take commands again after :meth:`close` (the driver runs again)."""
        self._closed = False

    def close(self) -> None:
        """Fail every waiting command and stop the one on the wire (the driver stops)."""
        self._closed = True
        while self._queue:
            entry = self._queue.popleft()
            if not entry.result.done():
                entry.result.set_result(CmdResult.FAILED)
        if self._running is not None:
            self._running.cancel()

    # ---------------------------------------------------------- turn-taking
    def _release(self, *, commands_next: bool) -> None:
        self._busy = False
        self._grant(commands_first=commands_next)

    def _grant(self, *, commands_first: bool) -> None:
        order = ((self._start_command, self._wake_claim) if commands_first
                 else (self._wake_claim, self._start_command))
        for step in order:
            if step():
                return

    def _wake_claim(self) -> bool:
        while self._claims:
            waiter = self._claims.popleft()
            if not waiter.done():
                self._busy = True
                waiter.set_result(None)
                return True
        return False

    def _start_command(self) -> bool:
        while self._queue and not self._closed:
            entry = self._queue.popleft()
            if entry.result.done():
                continue
            self._busy = True
            self._running = asyncio.create_task(self._execute(entry),
                                                name=f"command:{self.name}")
            return True
        return False


class _Claim:
    """The driver's hold on its port (a class rather than a generator: it is taken at
    every poll of every driver)."""

    __slots__ = ("_turns",)

    def __init__(self, turns: PortScheduler) -> None:
        self._turns = turns

    async def __aenter__(self) -> None:
        await self._turns._acquire()

    async def __aexit__(self, *exc: object) -> None:
        self._turns._release(commands_next=True)
