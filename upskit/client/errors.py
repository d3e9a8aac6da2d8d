"""Exceptions raised by the NUT client.

Every failure the client can meet is one of these types: an ``ERR`` reply from the
server (:class:`NutError`), a broken or silent connection
(:class:`NutConnectionError`), a reply that does not follow the protocol
(:class:`NutProtocolError`) or an argument that cannot be put on the wire
(:class:`NutArgumentError`).
"""

from __future__ import annotations

import _socket  # not socket.py: the client commands start without it
import os
import sys

from upskit.lean import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import TracebackType

#: Human wording of the server's error codes, as NUT's command-line tools print them.
_MESSAGES: dict[str, str] = {
    "ACCESS-DENIED": "Access denied",
    "UNKNOWN-UPS": "Unknown UPS",
    "VAR-NOT-SUPPORTED": "Variable not supported by UPS",
    "CMD-NOT-SUPPORTED": "Instant command not supported",
    "INSTCMD-FAILED": "Instant command failed",
    "SET-FAILED": "Set command failed",
    "READONLY": "Read-only variable",
    "TOO-LONG": "New value is too long",
    "DRIVER-NOT-CONNECTED": "Driver not connected",
    "DATA-STALE": "Data stale",
    "ALREADY-LOGGED-IN": "Already logged in",
    "INVALID-PASSWORD": "Invalid password",
    "ALREADY-SET-PASSWORD": "Already set password",
    "INVALID-USERNAME": "Invalid username",
    "ALREADY-SET-USERNAME": "Already set username",
    "USERNAME-REQUIRED": "Username required",
    "PASSWORD-REQUIRED": "Password required",
    "UNKNOWN-COMMAND": "Unknown command",
    "INVALID-VALUE": "Invalid value for variable",
    "VAR-UNKNOWN": "Variable unknown",
    "UNKNOWN-TYPE": "Unknown variable type",
    "UNKNOWN-INSTCMD": "Unknown instant command",
    "MISSING-ARGUMENT": "Missing argument",
}


class NutError(Exception):
    """An error reported by a NUT server as ``ERR <code> [extra]``.

    ``code`` is the error word (``"UNKNOWN-UPS"``, ``"ACCESS-DENIED"``, ...) and
    ``extra`` whatever followed it on the line (usually empty).  Subclasses use
    their own codes for failures that did not come from the server.
    """

    def __init__(self, code: str, extra: str = "") -> None:
        self.code = code
        self.extra = extra
        super().__init__(f"{code} {extra}".rstrip())

    @property
    def message(self) -> str:
        """Human wording of the error, as NUT's command-line tools print it."""
        return _MESSAGES.get(self.code, "Unknown error")


class NutConnectionError(NutError):
    """Connecting failed, the connection broke or closed, or the server went silent."""

    def __init__(self, extra: str = "", code: str = "CONNECTION") -> None:
        super().__init__(code, extra)

    @property
    def message(self) -> str:
        """Human wording, e.g. ``Connection failure: Connection refused``."""
        if self.code == "NO-SUCH-HOST":
            return "No such host"
        if self.code == "CLOSED":
            return "Server disconnected"
        return f"Connection failure: {self.extra}" if self.extra else "Connection failure"


class NutProtocolError(NutError):
    """The server's reply does not follow the NUT protocol."""

    def __init__(self, extra: str = "") -> None:
        super().__init__("PROTOCOL", extra)

    @property
    def message(self) -> str:
        """Human wording, as NUT's tools print it (details are in ``extra``)."""
        return "Protocol error"


class NutArgumentError(NutError, ValueError):
    """An argument cannot be sent: it holds a line break or a NUL character."""

    def __init__(self, extra: str = "") -> None:
        super().__init__("ARGUMENT", extra)

    @property
    def message(self) -> str:
        """Human wording of the rejected argument."""
        return f"Invalid argument: {self.extra}"


def connection_error(exc: OSError) -> NutConnectionError:
    """Turn a socket-level failure into a :class:`NutConnectionError`."""
    if isinstance(exc, _socket.gaierror):
        return NutConnectionError(exc.strerror or str(exc), code="NO-SUCH-HOST")
    ssl = sys.modules.get("ssl")  # only loaded once TLS was used
    if ssl is not None and isinstance(exc, ssl.SSLError):
        return NutConnectionError(f"TLS: {exc.reason or exc}", code="TLS")
    if exc.errno:
        return NutConnectionError(os.strerror(exc.errno))
    return NutConnectionError(str(exc) or type(exc).__name__)


def is_refusal(exc: BaseException) -> bool:
    """Whether ``exc`` is a plain ``ERR`` reply: the server said no, the link is fine."""
    return type(exc) is NutError


class _Guard:
    """A ``with`` block that acts only on the way out, when it failed."""

    __slots__ = ()

    def __enter__(self) -> None:
        return None


class translated(_Guard):
    """Turn socket failures inside the ``with`` block into :class:`NutConnectionError`.

    A timeout becomes code ``TIMEOUT`` with ``timeout_message``; ``drop`` (when
    given) is called first, as the connection is then of no further use.
    """

    __slots__ = ("_drop", "_timeout_message")

    def __init__(self, timeout_message: str, drop: Callable[[], None] | None = None) -> None:
        self._timeout_message = timeout_message
        self._drop = drop

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if not isinstance(exc, OSError):
            return
        if self._drop is not None:
            self._drop()
        if isinstance(exc, TimeoutError):
            raise NutConnectionError(self._timeout_message, code="TIMEOUT") from None
        raise connection_error(exc) from exc


class dropping(_Guard):
    """Call ``drop`` when the ``with`` block fails, unless ``keep`` says the link survives."""

    __slots__ = ("_drop", "_keep")

    def __init__(self, drop: Callable[[], None],
                 keep: Callable[[BaseException], bool] | None = None) -> None:
        self._drop = drop
        self._keep = keep

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc is not None and (self._keep is None or not self._keep(exc)):
            self._drop()
