"""The client's commands as data: what to send and how to read the answer, with no I/O.

Both the asyncio client and the blocking client run these objects; only the I/O
differs.  A :class:`Query` is answered by one line, a :class:`ListQuery` by
``BEGIN LIST ...``, item lines and the matching ``END LIST ...``.  Each hands out
a :class:`Reply` that takes the reply's lines one by one as they arrive.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from upskit.client.errors import NutArgumentError, NutError, NutProtocolError, dropping
from upskit.client.protocol import (
    ENCODING,
    ERRORS,
    MAX_LIST_ITEMS,
    expect,
    format_command,
    has_forbidden,
    parse_reply,
    split_words,
)
from upskit.lean import TYPE_CHECKING, Frozen, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

T = TypeVar("T")

#: Results of ``GET TRACKING <id>`` that are answers, not errors.
TRACKING_RESULTS = frozenset(
    {"PENDING", "SUCCESS", "ERR UNKNOWN", "ERR FAILED", "ERR INVALID-ARGUMENT"}
)


class Step(ABC):
    """One thing a client call needs from the I/O shell that runs it.

    :meth:`apply` asks ``shell`` to do it: the blocking shell returns the outcome,
    the asyncio shell an awaitable of it.
    """

    @abstractmethod
    def apply(self, shell: Any) -> Any:
        """Have ``shell`` carry out this step."""


class Reply(ABC, Generic[T]):
    """The reader of one reply: fed line by line until :meth:`feed` says it is complete."""

    #: Whether the connection still agrees with the server on where the next reply
    #: starts.  A failure while it does leaves the connection usable; otherwise the
    #: shell drops it.
    in_step = False
    _value: T

    @abstractmethod
    def feed(self, line: str) -> bool:
        """Take the next line; True once the reply is complete and :attr:`value` is set."""

    @property
    def value(self) -> T:
        """The result, once complete."""
        return self._value

    def keeps_connection(self, exc: BaseException) -> bool:
        """Whether the connection stays usable after ``exc`` (an ``ERR`` reply read whole)."""
        return self.in_step and isinstance(exc, NutError)

    def guard(self, drop: Callable[[], None]) -> dropping:
        """Around the exchange: drops the connection when a failure leaves it out of step."""
        return dropping(drop, self.keeps_connection)



class Exchange(Step, Generic[T]):
    """One command line sent to the server and the reply that answers it."""

    def apply(self, shell: Any) -> Any:
        """Send the command and read its reply (the shell's ``_exchange``)."""
        return shell._exchange(self)

    @abstractmethod
    def encode(self) -> bytes:
        """The command line as bytes, newline included."""

    @abstractmethod
    def reply(self) -> Reply[T]:
        """A fresh reader for the reply."""


class _LineReply(Reply[T]):
    def __init__(self, parse: Callable[[str], T]) -> None:
        self._parse = parse

    def feed(self, line: str) -> bool:
        self.in_step = True
        self._value = self._parse(line)
        return True


class Query(Frozen, Exchange[T]):
    """A command answered by exactly one line; ``parse`` turns that line into a result."""

    _fields = ("words", "parse", "verbatim")
    words: tuple[str, ...]
    parse: Callable[[str], T]
    verbatim: bytes | None

    def __init__(self, words: tuple[str, ...], parse: Callable[[str], T],
                 verbatim: bytes | None = None) -> None:
        self._init(words, parse, verbatim)

    def encode(self) -> bytes:
        """The command line as bytes, newline included."""
        if self.verbatim is not None:
            return self.verbatim
        return format_command(*self.words)

    def reply(self) -> Reply[T]:
        """A reader for the one reply line."""
        return _LineReply(self.parse)


class _ListReply(Reply[T]):
    def __init__(self, query: ListQuery[T]) -> None:
        self._query = query
        self._items: list[list[str]] | None = None

    def feed(self, line: str) -> bool:
        if self._items is None:
            try:
                self._query.check_begin(line)
            except NutProtocolError:
                raise
            except NutError:
                self.in_step = True  # ERR instead of the list: nothing else follows
                raise
            self._items = []
            return False
        if self._query.is_end(line):
            self._value = self._query.build(self._items)
            return True
        self._items.append(self._query.item(line))
        if len(self._items) > MAX_LIST_ITEMS:
            raise NutProtocolError(f"more than {MAX_LIST_ITEMS} list items")
        return False


class ListQuery(Frozen, Exchange[T]):
    """A ``LIST`` command: ``args`` follow ``LIST``; each item carries ``width`` words."""

    _fields = ("args", "width", "build")
    args: tuple[str, ...]
    width: int
    build: Callable[[list[list[str]]], T]

    def __init__(self, args: tuple[str, ...], width: int,
                 build: Callable[[list[list[str]]], T]) -> None:
        self._init(args, width, build)

    def encode(self) -> bytes:
        """The command line as bytes, newline included."""
        return format_command("LIST", *self.args)

    def reply(self) -> Reply[T]:
        """A reader for ``BEGIN LIST``, the items and ``END LIST``."""
        return _ListReply(self)

    def check_begin(self, line: str) -> None:
        """Accept the ``BEGIN LIST`` line, or raise for ``ERR`` or anything else."""
        words = parse_reply(line)
        if words != ["BEGIN", "LIST", *self.args]:
            raise NutProtocolError(f"unexpected reply {line!r}")

    def is_end(self, line: str) -> bool:
        """Whether ``line`` closes the list."""
        if not line.startswith("END LIST"):
            return False
        return split_words(line) == ["END", "LIST", *self.args]

    def item(self, line: str) -> list[str]:
        """The words of one item line, after the echoed prefix."""
        return expect(parse_reply(line), list(self.args), self.width, line)


def _ok(line: str) -> None:
    words = parse_reply(line)
    if not words or words[0] != "OK":
        raise NutProtocolError(f"unexpected reply {line!r}")


def _ok_tracking(line: str) -> str | None:
    words = parse_reply(line)
    if words == ["OK"]:
        return None
    if len(words) == 3 and words[:2] == ["OK", "TRACKING"]:
        return words[2]
    raise NutProtocolError(f"unexpected reply {line!r}")


def _text(line: str) -> str:
    parse_reply(line)
    return line


def _one(prefix: list[str]) -> Callable[[str], str]:
    def parse(line: str) -> str:
        return expect(parse_reply(line), prefix, 1, line)[0]

    return parse


def _pairs(items: list[list[str]]) -> dict[str, str]:
    return {item[0]: item[1] for item in items}


def _firsts(items: list[list[str]]) -> list[str]:
    return [item[0] for item in items]


def raw(line: str) -> Query[str]:
    """Any command line, sent as is; the reply line is returned as is, ``ERR`` included."""
    if has_forbidden(line):
        raise NutArgumentError(f"line break or NUL character in {line!r}")
    return Query((), lambda reply: reply, (line + "\n").encode(ENCODING, ERRORS))


def ver() -> Query[str]:
    """``VER``: the server's version line."""
    return Query(("VER",), _text)


def netver() -> Query[str]:
    """``NETVER``: the protocol version, e.g. ``1.3``."""
    return Query(("NETVER",), _text)


def help_() -> Query[str]:
    """``HELP``: the list of commands the server knows."""
    return Query(("HELP",), _text)


def list_ups() -> ListQuery[dict[str, str]]:
    """``LIST UPS``: UPS name -> description."""
    return ListQuery(("UPS",), 2, _pairs)


def list_vars(ups: str) -> ListQuery[dict[str, str]]:
    """``LIST VAR``: variable -> value."""
    return ListQuery(("VAR", ups), 2, _pairs)


def list_rw(ups: str) -> ListQuery[dict[str, str]]:
    """``LIST RW``: writable variable -> value."""
    return ListQuery(("RW", ups), 2, _pairs)


def list_commands(ups: str) -> ListQuery[list[str]]:
    """``LIST CMD``: instant command names."""
    return ListQuery(("CMD", ups), 1, _firsts)


def list_enum(ups: str, var: str) -> ListQuery[list[str]]:
    """``LIST ENUM``: accepted values of an enumerated variable."""
    return ListQuery(("ENUM", ups, var), 1, _firsts)


def list_range(ups: str, var: str) -> ListQuery[list[tuple[str, str]]]:
    """``LIST RANGE``: accepted (min, max) ranges of a variable."""
    return ListQuery(("RANGE", ups, var), 2, lambda items: [(i[0], i[1]) for i in items])


def list_clients(ups: str) -> ListQuery[list[str]]:
    """``LIST CLIENT``: addresses of clients logged in to a UPS."""
    return ListQuery(("CLIENT", ups), 1, _firsts)


def get_var(ups: str, var: str) -> Query[str]:
    """``GET VAR``: one variable's value."""
    return Query(("GET", "VAR", ups, var), _one(["VAR", ups, var]))


def get_type(ups: str, var: str) -> Query[list[str]]:
    """``GET TYPE``: type words such as ``RW``, ``ENUM``, ``STRING:16``, ``NUMBER``."""
    prefix = ["TYPE", ups, var]

    def parse(line: str) -> list[str]:
        words = parse_reply(line)
        if words[:3] != prefix or len(words) < 4:
            raise NutProtocolError(f"unexpected reply {line!r}")
        return words[3:]

    return Query(("GET", "TYPE", ups, var), parse)


def get_desc(ups: str, var: str) -> Query[str]:
    """``GET DESC``: a variable's description."""
    return Query(("GET", "DESC", ups, var), _one(["DESC", ups, var]))


def get_cmddesc(ups: str, cmd: str) -> Query[str]:
    """``GET CMDDESC``: an instant command's description."""
    return Query(("GET", "CMDDESC", ups, cmd), _one(["CMDDESC", ups, cmd]))


def get_upsdesc(ups: str) -> Query[str]:
    """``GET UPSDESC``: a UPS's description."""
    return Query(("GET", "UPSDESC", ups), _one(["UPSDESC", ups]))


def get_numlogins(ups: str) -> Query[int]:
    """``GET NUMLOGINS``: how many clients are logged in to a UPS."""

    def parse(line: str) -> int:
        text = expect(parse_reply(line), ["NUMLOGINS", ups], 1, line)[0]
        if not text.isdigit():
            raise NutProtocolError(f"unexpected reply {line!r}")
        return int(text)

    return Query(("GET", "NUMLOGINS", ups), parse)


def set_var(ups: str, var: str, value: str) -> Query[str | None]:
    """``SET VAR``: returns the tracking id when tracking is on."""
    return Query(("SET", "VAR", ups, var, value), _ok_tracking)


def instcmd(ups: str, cmd: str, param: str | None = None) -> Query[str | None]:
    """``INSTCMD``: returns the tracking id when tracking is on."""
    words = ("INSTCMD", ups, cmd) if param is None else ("INSTCMD", ups, cmd, param)
    return Query(words, _ok_tracking)


def set_tracking(on: bool) -> Query[None]:
    """``SET TRACKING ON|OFF``."""
    return Query(("SET", "TRACKING", "ON" if on else "OFF"), _ok)


def get_tracking(id: str) -> Query[str]:
    """``GET TRACKING <id>``: ``PENDING``, ``SUCCESS`` or ``ERR <reason>`` as text."""

    def parse(line: str) -> str:
        text = line.strip()
        if text in TRACKING_RESULTS:
            return text
        parse_reply(line)
        raise NutProtocolError(f"unexpected reply {line!r}")

    return Query(("GET", "TRACKING", id), parse)


def username(name: str) -> Query[None]:
    """``USERNAME``."""
    return Query(("USERNAME", name), _ok)


def password(secret: str) -> Query[None]:
    """``PASSWORD``."""
    return Query(("PASSWORD", secret), _ok)


def login(ups: str) -> Query[None]:
    """``LOGIN``: attach to a UPS as an upsmon client."""
    return Query(("LOGIN", ups), _ok)


def primary(ups: str, word: str = "PRIMARY") -> Query[None]:
    """``PRIMARY`` (or the older ``MASTER``)."""
    return Query((word, ups), _ok)


def fsd(ups: str) -> Query[None]:
    """``FSD``: set the forced-shutdown flag."""
    return Query(("FSD", ups), _ok)


def starttls() -> Query[None]:
    """``STARTTLS``: the server answers ``OK STARTTLS`` before the handshake."""
    return Query(("STARTTLS",), _ok)


def logout() -> Query[None]:
    """``LOGOUT``: answered by ``OK Goodbye`` (older servers: ``Goodbye...``)."""

    def parse(line: str) -> None:
        words = parse_reply(line)
        if not words or words[0] not in ("OK", "Goodbye..."):
            raise NutProtocolError(f"unexpected reply {line!r}")

    return Query(("LOGOUT",), parse)


def primary_unsupported(exc: NutError) -> bool:
    """Whether a ``PRIMARY`` refusal means "try ``MASTER``" (a server older than 2.8)."""
    return exc.code in ("UNKNOWN-COMMAND", "INVALID-ARGUMENT")
