"""The public methods of both clients, each written once.

Every method is a :class:`command`: a sans-I/O call (see :mod:`upskit.client.calls`)
that the instance's shell runs.  Read on a :class:`BlockingShell` it is a plain
method returning the result; read on an :class:`AsyncShell` it returns a coroutine
of the same result.  The shells implement only the I/O: connecting, sending,
reading lines, pausing, the TLS handshake and closing.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from upskit.client import calls
from upskit.client import commands as c
from upskit.client.errors import NutConnectionError
from upskit.client.protocol import DEFAULT_PORT
from upskit.lazyssl import load_ssl
from upskit.lean import TYPE_CHECKING, Generic, ParamSpec, TypeVar, overload

if TYPE_CHECKING:
    import ssl
    from collections.abc import Callable, Coroutine
    from typing import Any, Self

P = ParamSpec("P")
T = TypeVar("T")


def _call(fn: Callable[P, c.Exchange[T] | calls.Call[T]], *args: P.args,
          **kwargs: P.kwargs) -> calls.Call[T]:
    made = fn(*args, **kwargs)  # inside the generator: bad arguments fail when run
    if isinstance(made, c.Exchange):
        result: T = yield made
        return result
    return (yield from made)


class command(Generic[P, T]):
    """A public client method made from a call factory: blocking or awaitable by shell."""

    def __init__(self, fn: Callable[P, c.Exchange[T] | calls.Call[T]]) -> None:
        self._fn = fn
        self.__doc__ = fn.__doc__
        self._name = fn.__name__

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    # (noqa: F811 below: ruff does not know upskit.lean.overload for typing's)
    @overload
    def __get__(self, instance: None, owner: type | None = None) -> Self: ...

    @overload
    def __get__(  # noqa: F811
        self, instance: AsyncShell, owner: type | None = None
    ) -> Callable[P, Coroutine[Any, Any, T]]: ...

    @overload
    def __get__(  # noqa: F811
        self, instance: BlockingShell, owner: type | None = None
    ) -> Callable[P, T]: ...

    def __get__(self, instance: BlockingShell | AsyncShell | None,  # noqa: F811
                owner: type | None = None) -> Any:
        if instance is None:
            return self
        fn, perform = self._fn, instance._perform

        def method(*args: P.args, **kwargs: P.kwargs) -> Any:
            return perform(_call(fn, *args, **kwargs))

        method.__name__ = method.__qualname__ = self._name
        method.__doc__ = self.__doc__
        return method


class ClientMixin(ABC):
    """Settings, state and the public methods shared by :class:`Client` and ``AsyncClient``.

    The first call connects if ``connect`` was not called; after ``close`` or a
    broken connection, calls raise :class:`NutConnectionError` until ``connect`` is
    called again (state such as a login is never silently lost).  Each network wait
    is bounded by ``timeout`` seconds.  With ``starttls=True`` or an ``ssl_context``
    the connection is upgraded with ``STARTTLS`` right after connecting.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        *,
        timeout: float = 5.0,
        ssl_context: ssl.SSLContext | None = None,
        starttls: bool = False,
    ) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self.ssl_context = ssl_context
        self.use_starttls = starttls or ssl_context is not None
        self._ever_connected = False
        self._tls = False
        self._init_io()

    @abstractmethod
    def _init_io(self) -> None:
        """Set up the shell's own connection state (nothing open yet)."""

    @property
    def tls(self) -> bool:
        """Whether the connection was upgraded with STARTTLS."""
        return self._tls

    def _check_reconnect(self) -> None:
        """Before connecting on first use: refuse if a connection existed and was lost."""
        if self._ever_connected:
            raise NutConnectionError("not connected", code="CLOSED")

    def _tls_context(self, context: ssl.SSLContext | None) -> ssl.SSLContext:
        """``context``, or the system's default verification."""
        return context or load_ssl().create_default_context()

    request = command(c.raw)
    ver = command(c.ver)
    netver = command(c.netver)
    help = command(c.help_)
    list_ups = command(c.list_ups)
    list_vars = command(c.list_vars)
    list_rw = command(c.list_rw)
    list_commands = command(c.list_commands)
    list_enum = command(c.list_enum)
    list_range = command(c.list_range)
    list_clients = command(c.list_clients)
    get_var = command(c.get_var)
    get_type = command(c.get_type)
    get_desc = command(c.get_desc)
    get_cmddesc = command(c.get_cmddesc)
    get_upsdesc = command(c.get_upsdesc)
    get_numlogins = command(c.get_numlogins)
    set_var = command(c.set_var)
    instcmd = command(c.instcmd)
    set_tracking = command(c.set_tracking)
    get_tracking = command(c.get_tracking)
    wait_for_tracking = command(calls.wait_for_tracking)
    authenticate = command(calls.authenticate)
    login = command(c.login)
    primary = command(calls.primary)
    fsd = command(c.fsd)
    starttls = command(calls.starttls)
    logout = command(calls.logout)


class BlockingShell(ClientMixin):
    """A client whose methods block and return their result."""

    def _perform(self, call: calls.Call[T]) -> T:
        return calls.Run(call).blocking(self)


class AsyncShell(ClientMixin):
    """A client whose methods return coroutines."""

    async def _perform(self, call: calls.Call[T]) -> T:
        return await calls.Run(call).awaiting(self)
