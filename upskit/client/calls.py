"""Client methods as sans-I/O calls, and the loop that runs a call.

A *call* is a generator that yields :class:`~upskit.client.commands.Step` objects
(an exchange with the server, a pause, a clock reading, closing, the STARTTLS
hand-off) and receives each step's outcome, or has its failure thrown in.  The
protocol logic of every public method lives in its call; a shell only carries out
steps, blocking (:meth:`Run.blocking`) or on asyncio (:meth:`Run.awaiting`).
"""

from __future__ import annotations

from upskit.client import commands as c
from upskit.client.errors import NutConnectionError, NutError
from upskit.lean import TYPE_CHECKING, Frozen, Generic, TypeVar

if TYPE_CHECKING:
    import ssl
    from collections.abc import Generator, Iterator
    from typing import Any, TypeAlias

T = TypeVar("T")

if TYPE_CHECKING:
    Call: TypeAlias = Generator[c.Step, Any, T]


class Pause(Frozen, c.Step):
    """Wait ``seconds`` without holding the connection."""

    _fields = ("seconds",)
    seconds: float

    def __init__(self, seconds: float) -> None:
        self._init(seconds)

    def apply(self, shell: Any) -> Any:
        """The shell's ``_pause``."""
        return shell._pause(self.seconds)


class Clock(c.Step):
    """Read the shell's monotonic clock (seconds)."""

    def apply(self, shell: Any) -> Any:
        """The shell's ``_clock``."""
        return shell._clock()


class Close(c.Step):
    """Close the connection."""

    def apply(self, shell: Any) -> Any:
        """The shell's ``close``."""
        return shell.close()


class StartTLS(Frozen, c.Step):
    """Send ``STARTTLS`` and, once the server agrees, run the TLS handshake."""

    _fields = ("context",)
    context: ssl.SSLContext | None

    def __init__(self, context: ssl.SSLContext | None) -> None:
        self._init(context)

    def apply(self, shell: Any) -> Any:
        """The shell's ``_secure``."""
        return shell._secure(self.context)


CLOCK = Clock()
CLOSE = Close()


def ask(exchange: c.Exchange[T]) -> Call[T]:
    """One exchange as a call (``yield from ask(...)`` gives its typed result)."""
    result: T = yield exchange
    return result


def authenticate(username: str, password: str) -> Call[None]:
    """Send ``USERNAME`` and ``PASSWORD``."""
    yield from ask(c.username(username))
    yield from ask(c.password(password))


def primary(ups: str) -> Call[None]:
    """Claim the primary role (``PRIMARY``, or ``MASTER`` on older servers)."""
    try:
        yield from ask(c.primary(ups))
    except NutError as exc:
        if not c.primary_unsupported(exc) or isinstance(exc, NutConnectionError):
            raise
        yield from ask(c.primary(ups, "MASTER"))


def wait_for_tracking(id: str, timeout: float = 10.0, interval: float = 1.0) -> Call[str]:
    """Poll ``GET TRACKING`` until the result is known; ``PENDING`` on timeout."""
    deadline: float = (yield CLOCK) + timeout
    while True:
        result = yield from ask(c.get_tracking(id))
        now: float = yield CLOCK
        if result != "PENDING" or now >= deadline:
            return result
        yield Pause(max(0.0, min(interval, deadline - now)))


def starttls(context: ssl.SSLContext | None = None) -> Call[None]:
    """Upgrade the connection to TLS (``STARTTLS``), verifying with ``context``."""
    yield StartTLS(context)


def logout() -> Call[None]:
    """Say goodbye (``LOGOUT``) and close the connection."""
    try:
        yield from ask(c.logout())
    except NutConnectionError:
        pass
    finally:
        yield CLOSE


class Run(Generic[T]):
    """Runs one call on a shell: hands each step to the shell and its outcome back."""

    def __init__(self, call: Call[T]) -> None:
        self._call = call
        self._outcome: Any = None
        self._failure: BaseException | None = None
        self._result: T

    def _steps(self) -> Iterator[c.Step]:
        while True:
            failure, self._failure = self._failure, None
            try:
                if failure is None:
                    step = self._call.send(self._outcome)
                else:
                    step = self._call.throw(failure)
            except StopIteration as done:
                self._result = done.value
                return
            self._outcome = None
            yield step

    def blocking(self, shell: Any) -> T:
        """Run with a shell whose steps return their outcome."""
        for step in self._steps():
            try:
                self._outcome = step.apply(shell)
            except BaseException as exc:
                self._failure = exc
        return self._result

    async def awaiting(self, shell: Any) -> T:
        """Run with a shell whose steps return awaitables."""
        for step in self._steps():
            try:
                self._outcome = await step.apply(shell)
            except BaseException as exc:
                self._failure = exc
        return self._result
