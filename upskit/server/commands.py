"""The NUT protocol commands: from the words of one request line to the reply text.

Every check happens in the order upsd uses, so a client sees the same error word
for the same mistake.  Replies are whole strings ending in a newline; commands
that must wait for a driver return a coroutine producing that string.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from typing import Any

from upskit import NUT_COMPAT_VERSION, __version__
from upskit.config.settings import UpsdSettings
from upskit.model import CmdResult, Device, DeviceRegistry, Variable
from upskit.ratelimit import LogBudget
from upskit.server.auth import Accounts
from upskit.server.connection import ConnectionState, LoginTable
from upskit.server.descriptions import command_description, variable_description
from upskit.server.protocol import PROTOCOL_VERSION, NutError, quote, split_request
from upskit.server.tracking import TrackingTable

log = logging.getLogger(__name__)

#: Client hosts whose log budgets are remembered (the least recent is forgotten first).
_AUDITED_HOSTS = 1024

Reply = str | Coroutine[Any, Any, str]

VERSION_LINE = f"Network UPS Tools upsd {NUT_COMPAT_VERSION} - upskit {__version__}\n"
HELP_LINE = (
    "Commands: HELP VER PROTVER GET LIST SET INSTCMD LOGIN LOGOUT USERNAME PASSWORD STARTTLS\n"
)
#: The reply to a request whose handling hit a bug (logged with its traceback).
INTERNAL_ERROR_REPLY = "ERR UNKNOWN-COMMAND\n"
#: The reply to a request line longer than MAXLINE (its bytes are dropped as they come).
OVERLONG_REPLY = "ERR INVALID-ARGUMENT\n"
#: Reply of GET DESC / GET CMDDESC for a name without a known description.
NO_DESCRIPTION = "Description unavailable"


@dataclass
class ServerState:
    """What the commands share across connections."""

    registry: DeviceRegistry
    settings: UpsdSettings
    accounts: Accounts
    tracking: TrackingTable
    logins: LoginTable = field(default_factory=LoginTable)
    tls_available: bool = False
    #: Seconds a SET/INSTCMD reply waits for the driver before answering ``OK`` anyway.
    command_wait: float = 10.0
    background: set[asyncio.Task[CmdResult]] = field(default_factory=set)
    #: Log lines for failed command results, across clients: a burst, then counts.
    outcomes: LogBudget = field(default_factory=LogBudget)
    #: Log lines for each client host's commands, settings and refusals (recent hosts).
    audits: OrderedDict[str, LogBudget] = field(default_factory=OrderedDict)

    def audit(self, host: str) -> LogBudget:
        """The log budget of one client host, shared by all its connections."""
        budget = self.audits.pop(host, None) or LogBudget()
        self.audits[host] = budget
        if len(self.audits) > _AUDITED_HOSTS:
            self.audits.popitem(last=False)
        return budget

    def lookup(self, name: str) -> tuple[str, Device] | None:
        """Find a UPS by name or alias (case-insensitive, as upsd); returns (real name, device)."""
        device = self.registry.get(name)
        if device is None:
            folded = name.lower()
            for candidate in self.registry.names():
                if candidate.lower() == folded:
                    device = self.registry.get(candidate)
                    break
        return None if device is None else (device.name, device)


Handler = Callable[[ConnectionState, list[str]], Reply]

#: GET VAR request lines whose replies are remembered (forgotten all at once beyond).
_RECENT_REPLIES = 1024


class _Remembered:
    """A GET VAR reply, valid while everything it was made from is unchanged."""

    __slots__ = ("device", "name", "reply", "ups", "value", "var")

    def __init__(self, ups: str, device: Device, var: Variable, value: str,
                 reply: str) -> None:
        self.ups = ups
        self.device = device
        self.var = var
        self.name = var.name
        self.value = value
        self.reply = reply

    def valid_reply(self, state: ServerState) -> str | None:
        """The reply, or None when the UPS, the variable, its value or the data's
        freshness is not what it was."""
        device = self.device
        var = self.var
        if (var.value is self.value and state.registry.get(self.ups) is device
                and device.variable(self.name) is var and device.connected
                and not device.fsd and not device.is_stale(state.settings.maxage)):
            return self.reply
        return None


class Commands:
    """Dispatches request words to the command handlers."""

    def __init__(self, state: ServerState) -> None:
        self.state = state
        #: name -> (handler, needs USERNAME and PASSWORD first)
        self._top: dict[str, tuple[Handler, bool]] = {
            "VER": (self._ver, False),
            "NETVER": (self._netver, False),
            "PROTVER": (self._netver, False),
            "HELP": (self._help, False),
            "GET": (self._get, False),
            "LIST": (self._list, False),
            "USERNAME": (self._username, False),
            "PASSWORD": (self._password, False),
            "LOGOUT": (self._logout, False),
            "STARTTLS": (self._starttls, False),
            "SET": (self._set, True),
            "INSTCMD": (self._instcmd, True),
            "LOGIN": (self._login, True),
            "PRIMARY": (self._primary, True),
            "MASTER": (self._master, True),
            "FSD": (self._fsd, True),
        }
        self._get_table: dict[str, tuple[int, Handler]] = {
            "VAR": (2, self._get_var),
            "TYPE": (2, self._get_type),
            "DESC": (2, self._get_desc),
            "CMDDESC": (2, self._get_cmddesc),
            "UPSDESC": (1, self._get_upsdesc),
            "NUMLOGINS": (1, self._get_numlogins),
            "TRACKING": (0, self._get_tracking),
        }
        self._recent: dict[bytes, _Remembered] = {}
        self._list_table: dict[str, tuple[int, Handler]] = {
            "UPS": (0, self._list_ups),
            "VAR": (1, self._list_var),
            "RW": (1, self._list_rw),
            "CMD": (1, self._list_cmd),
            "ENUM": (2, self._list_enum),
            "RANGE": (2, self._list_range),
            "CLIENT": (1, self._list_client),
        }

    # ---------------------------------------------------------------- dispatch
    def answer(self, conn: ConnectionState, line: bytes) -> Reply:
        """The reply to one request line (without its newline).

        ``GET VAR`` answers are remembered by request line and given again while the
        UPS, its variable and the value are the very same objects and the data is
        fresh: the usual poll of a status costs a lookup instead of parsing and
        dispatching the line.
        """
        remembered = self._recent.get(line)
        if remembered is not None:
            known = remembered.valid_reply(self.state)
            if known is not None:
                return known
        words = split_request(line)
        reply = self.handle(conn, words)
        if (len(words) == 4 and isinstance(reply, str) and reply.startswith("VAR ")
                and words[0] == "GET" and words[1] == "VAR"):
            self._remember(line, words[2], words[3], reply)
        return reply

    def answer_safely(self, conn: ConnectionState, line: bytes) -> Reply:
        """:meth:`answer`; a bug costs one ``ERR UNKNOWN-COMMAND`` reply, never the server."""
        try:
            return self.answer(conn, line)
        except Exception:
            log.exception("Internal error answering %r from %s", line[:80], conn.who)
            return INTERNAL_ERROR_REPLY

    def overlong(self, conn: ConnectionState) -> str:
        """Log a request line over MAXLINE from ``conn``; the reply it gets."""
        log.warning("Client %s sent a request line longer than %d bytes; ignored it",
                    conn.who, max(64, self.state.settings.max_line))
        return OVERLONG_REPLY

    @staticmethod
    async def settle(conn: ConnectionState, pending: Coroutine[Any, Any, str]) -> str:
        """The reply a command still being worked out comes to (an error reply for a bug)."""
        try:
            return await pending
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("Internal error finishing a request from %s", conn.who)
            return INTERNAL_ERROR_REPLY

    def _remember(self, line: bytes, ups: str, name: str, reply: str) -> None:
        device = self.state.registry.get(ups)
        if device is None or device.fsd:
            return
        var = device.variable(name)
        if var is None:
            return
        if len(self._recent) >= _RECENT_REPLIES:
            self._recent.clear()
        self._recent[line] = _Remembered(ups, device, var, var.value, reply)

    def handle(self, conn: ConnectionState, words: list[str]) -> Reply:
        """The reply to one request (already split into words)."""
        try:
            if not words:
                raise NutError("UNKNOWN-COMMAND")
            entry = self._top.get(words[0].upper())
            if entry is None:
                raise NutError("UNKNOWN-COMMAND")
            handler, needs_user = entry
            if needs_user:
                if conn.username is None:
                    raise NutError("USERNAME-REQUIRED")
                if conn.password is None:
                    raise NutError("PASSWORD-REQUIRED")
            return handler(conn, words[1:])
        except NutError as err:
            return err.reply

    @staticmethod
    def _sub(table: dict[str, tuple[int, Handler]], conn: ConnectionState,
             args: list[str]) -> Reply:
        if not args:
            raise NutError("INVALID-ARGUMENT")
        entry = table.get(args[0].upper())
        if entry is None or len(args) - 1 < entry[0]:
            raise NutError("INVALID-ARGUMENT")
        return entry[1](conn, args[1:])

    def _ups(self, name: str, *, available: bool = True) -> tuple[str, Device]:
        """The UPS called ``name``; with ``available``, refuse when its data cannot be trusted."""
        found = self.state.lookup(name)
        if found is None:
            raise NutError("UNKNOWN-UPS")
        device = found[1]
        if available:
            if not device.connected:
                raise NutError("DRIVER-NOT-CONNECTED")
            if device.is_stale(self.state.settings.maxage):
                raise NutError("DATA-STALE")
        return found

    @staticmethod
    def _variable(device: Device, name: str) -> Variable | None:
        """The variable called ``name``, in any case (upsd compares names case-insensitively)."""
        var = device.variable(name)
        if var is None:
            folded = name.lower()
            var = next((v for v in device.variables() if v.name.lower() == folded), None)
        return var

    def _supported(self, device: Device, name: str) -> Variable:
        """:meth:`_variable`, or ``VAR-NOT-SUPPORTED``."""
        var = self._variable(device, name)
        if var is None:
            raise NutError("VAR-NOT-SUPPORTED")
        return var

    @staticmethod
    def _command(device: Device, name: str) -> str | None:
        """The real name of the instant command called ``name``, in any case."""
        if device.has_command(name):
            return name
        folded = name.lower()
        return next((cmd for cmd in device.commands() if cmd.lower() == folded), None)

    @staticmethod
    def _value(device: Device, var: Variable) -> str:
        if var.name == "ups.status" and device.fsd:
            return " ".join(device.status_tokens())
        return var.value

    # ------------------------------------------------------------ simple ones
    @staticmethod
    def _no_args(args: list[str]) -> None:
        if args:
            raise NutError("INVALID-ARGUMENT")

    def _ver(self, conn: ConnectionState, args: list[str]) -> Reply:
        self._no_args(args)
        return VERSION_LINE

    def _netver(self, conn: ConnectionState, args: list[str]) -> Reply:
        self._no_args(args)
        return PROTOCOL_VERSION + "\n"

    def _help(self, conn: ConnectionState, args: list[str]) -> Reply:
        self._no_args(args)
        return HELP_LINE

    def _logout(self, conn: ConnectionState, args: list[str]) -> Reply:
        self._no_args(args)
        if conn.login_ups is not None:
            log.info("User %s logged out from UPS [%s]", conn.who, conn.login_ups)
        conn.close_requested = True
        return "OK Goodbye\n"

    def _starttls(self, conn: ConnectionState, args: list[str]) -> Reply:
        if conn.tls:
            raise NutError("ALREADY-SSL-MODE")
        if not self.state.tls_available:
            raise NutError("FEATURE-NOT-CONFIGURED")
        conn.tls_requested = True
        return "OK STARTTLS\n"

    def _username(self, conn: ConnectionState, args: list[str]) -> Reply:
        if len(args) != 1:
            raise NutError("INVALID-ARGUMENT")
        if conn.username is not None:
            raise NutError("ALREADY-SET-USERNAME")
        conn.username = args[0]
        return "OK\n"

    def _password(self, conn: ConnectionState, args: list[str]) -> Reply:
        if len(args) != 1:
            raise NutError("INVALID-ARGUMENT")
        if conn.password is not None:
            raise NutError("ALREADY-SET-PASSWORD")
        conn.password = args[0]
        return "OK\n"

    def _may(self, conn: ConnectionState, action: str) -> None:
        if not self.state.accounts.may(conn.username, conn.password, action):
            log.warning("Access denied: %s may not %s", conn.who, action)
            raise NutError("ACCESS-DENIED")

    def _login(self, conn: ConnectionState, args: list[str]) -> Reply:
        if len(args) != 1:
            raise NutError("INVALID-ARGUMENT")
        if conn.login_ups is not None:
            raise NutError("ALREADY-LOGGED-IN")
        real, _ = self._ups(args[0], available=False)
        self._may(conn, "LOGIN")
        self.state.logins.add(real, conn)
        log.info("User %s logged into UPS [%s]", conn.who, real)
        return "OK\n"

    def _primary(self, conn: ConnectionState, args: list[str]) -> Reply:
        return self._grant_primary(conn, args, "PRIMARY")

    def _master(self, conn: ConnectionState, args: list[str]) -> Reply:
        return self._grant_primary(conn, args, "MASTER")

    def _grant_primary(self, conn: ConnectionState, args: list[str], word: str) -> Reply:
        if len(args) != 1:
            raise NutError("INVALID-ARGUMENT")
        self._ups(args[0], available=False)
        self._may(conn, "PRIMARY")
        return f"OK {word}-GRANTED\n"

    def _fsd(self, conn: ConnectionState, args: list[str]) -> Reply:
        if len(args) != 1:
            raise NutError("INVALID-ARGUMENT")
        real, device = self._ups(args[0], available=False)
        self._may(conn, "FSD")
        log.warning("Client %s set FSD on UPS [%s]", conn.who, real)
        device.set_fsd()
        return "OK FSD-SET\n"

    # --------------------------------------------------------------------- GET
    def _get(self, conn: ConnectionState, args: list[str]) -> Reply:
        return self._sub(self._get_table, conn, args)

    def _get_var(self, conn: ConnectionState, args: list[str]) -> Reply:
        _, device = self._ups(args[0])
        var = self._supported(device, args[1])
        return f"VAR {args[0]} {args[1]} {quote(self._value(device, var))}\n"

    def _get_type(self, conn: ConnectionState, args: list[str]) -> Reply:
        _, device = self._ups(args[0])
        words = self._supported(device, args[1]).type_words() or ["NUMBER"]
        return f"TYPE {args[0]} {args[1]} {' '.join(words)}\n"

    def _get_desc(self, conn: ConnectionState, args: list[str]) -> Reply:
        self._ups(args[0])
        text = (variable_description(args[1]) or variable_description(args[1].lower())
                or NO_DESCRIPTION)
        return f"DESC {args[0]} {args[1]} {quote(text)}\n"

    def _get_cmddesc(self, conn: ConnectionState, args: list[str]) -> Reply:
        self._ups(args[0])
        text = (command_description(args[1]) or command_description(args[1].lower())
                or NO_DESCRIPTION)
        return f"CMDDESC {args[0]} {args[1]} {quote(text)}\n"

    def _get_upsdesc(self, conn: ConnectionState, args: list[str]) -> Reply:
        _, device = self._ups(args[0], available=False)
        return f"UPSDESC {args[0]} {quote(device.desc or 'Unavailable')}\n"

    def _get_numlogins(self, conn: ConnectionState, args: list[str]) -> Reply:
        real, _ = self._ups(args[0])
        return f"NUMLOGINS {args[0]} {self.state.logins.count(real)}\n"

    def _get_tracking(self, conn: ConnectionState, args: list[str]) -> Reply:
        if not args:
            return "ON\n" if conn.tracking else "OFF\n"
        if not conn.tracking:
            raise NutError("FEATURE-NOT-CONFIGURED")
        return self.state.tracking.status(args[0]) + "\n"

    # -------------------------------------------------------------------- LIST
    def _list(self, conn: ConnectionState, args: list[str]) -> Reply:
        return self._sub(self._list_table, conn, args)

    def _list_ups(self, conn: ConnectionState, args: list[str]) -> Reply:
        registry = self.state.registry
        # upsd lists in ups.conf order (clients take the first one as the default);
        # upskit's aliases follow, in the order of the UPS they name
        devices = registry.devices()
        named = [(d.name, d) for d in devices]
        named += [(alias, d) for d in devices for alias in registry.aliases_of(d.name)]
        # GET UPSDESC says "Unavailable", LIST UPS "Description unavailable", as upsd
        return _listing("UPS", (f"UPS {name} {quote(device.desc or NO_DESCRIPTION)}"
                                for name, device in named))

    def _list_var(self, conn: ConnectionState, args: list[str]) -> Reply:
        ups = args[0]
        _, device = self._ups(ups)
        return _listing(f"VAR {ups}", (f"VAR {ups} {v.name} {quote(self._value(device, v))}"
                                       for v in device.variables()))

    def _list_rw(self, conn: ConnectionState, args: list[str]) -> Reply:
        ups = args[0]
        _, device = self._ups(ups)
        # upsd shows the FSD latch in GET VAR and LIST VAR only, not in LIST RW
        return _listing(f"RW {ups}", (f"RW {ups} {v.name} {quote(v.value)}"
                                      for v in device.rw_variables()))

    def _list_cmd(self, conn: ConnectionState, args: list[str]) -> Reply:
        ups = args[0]
        _, device = self._ups(ups)
        return _listing(f"CMD {ups}", (f"CMD {ups} {cmd}" for cmd in device.commands()))

    def _list_enum(self, conn: ConnectionState, args: list[str]) -> Reply:
        ups, name = args[0], args[1]
        _, device = self._ups(ups)
        var = self._supported(device, name)
        return _listing(f"ENUM {ups} {name}",
                        (f"ENUM {ups} {name} {quote(value)}" for value in var.enums))

    def _list_range(self, conn: ConnectionState, args: list[str]) -> Reply:
        ups, name = args[0], args[1]
        _, device = self._ups(ups)
        var = self._supported(device, name)
        return _listing(f"RANGE {ups} {name}",
                        (f"RANGE {ups} {name} {quote(str(low))} {quote(str(high))}"
                         for low, high in var.ranges))

    def _list_client(self, conn: ConnectionState, args: list[str]) -> Reply:
        ups = args[0]
        real, _ = self._ups(ups, available=False)
        return _listing(f"CLIENT {ups}",
                        (f"CLIENT {real} {host}" for host in self.state.logins.hosts(real)))

    # ------------------------------------------------------- SET and INSTCMD
    def _set(self, conn: ConnectionState, args: list[str]) -> Reply:
        if not args:
            raise NutError("INVALID-ARGUMENT")
        what = args[0].upper()
        if what == "TRACKING" and len(args) >= 2:
            mode = args[1].upper()
            if mode not in ("ON", "OFF"):
                raise NutError("INVALID-ARGUMENT")
            conn.tracking = mode == "ON"
            return "OK\n"
        if what != "VAR" or len(args) < 4:
            raise NutError("INVALID-ARGUMENT")
        ups, name, value = args[1], args[2], args[3]
        real, device = self._ups(ups)
        self._may(conn, "SET")
        var = self._variable(device, name)
        if var is not None:
            name = var.name
        refusal = device.check_set(name, value)
        if refusal is not None:
            raise NutError(refusal.value)
        self._audit(conn, logging.INFO, "Set variable: %s set %s on %s to %s",
               conn.who, name, real, value)
        return self._run(conn, device.setvar(name, value), "SET-FAILED",
                         f"setting {name} on {real}")

    def _instcmd(self, conn: ConnectionState, args: list[str]) -> Reply:
        if len(args) < 2:
            raise NutError("INVALID-ARGUMENT")
        ups, name = args[0], args[1]
        param = args[2] if len(args) > 2 else None
        real, device = self._ups(ups)
        command = self._command(device, name)
        if command is None:
            raise NutError("CMD-NOT-SUPPORTED")
        name = command
        if not self.state.accounts.may_instcmd(conn.username, conn.password, name):
            self._audit(conn, logging.WARNING, "Access denied: %s may not run %s on %s",
                   conn.who, name, real)
            raise NutError("ACCESS-DENIED")
        shown = f"{name} {param}" if param is not None else name
        self._audit(conn, logging.INFO, "Instant command: %s did %s on %s", conn.who, shown, real)
        return self._run(conn, device.instcmd(name, param), "INSTCMD-FAILED",
                         f"command {shown} on {real}")

    def _audit(self, conn: ConnectionState, level: int, message: str, *args: object) -> None:
        """Log one line about a client's request, within its host's log budget."""
        allowed, held = self.state.audit(conn.host).allow()
        if held:
            log.log(level, "Clients from %s: %d more commands, settings or refusals were not "
                    "logged one by one", conn.host, held)
        if allowed:
            log.log(level, message, *args)

    def _run(self, conn: ConnectionState, work: Coroutine[Any, Any, CmdResult],
             failure: str, what: str) -> Reply:
        task = asyncio.ensure_future(work)
        self.state.background.add(task)
        task.add_done_callback(self.state.background.discard)
        conn.pending.add(task)
        task.add_done_callback(conn.pending.discard)
        task.add_done_callback(lambda t: _log_outcome(t, what, self.state.outcomes))
        if conn.tracking:
            tracking_id = self.state.tracking.new()
            task.add_done_callback(lambda t: self.state.tracking.finish(tracking_id, _result(t)))
            return f"OK TRACKING {tracking_id}\n"
        return self._await_result(task, failure)

    def abandon(self, conn: ConnectionState) -> None:
        """The client of ``conn`` went away: drop its commands that have not reached a device.

        A command already on the wire completes (the driver runs it in a task of its own).
        """
        pending = [task for task in conn.pending if not task.done()]
        if pending:
            self._audit(conn, logging.INFO,
                        "Client %s disconnected with %d command(s) pending: dropping them",
                        conn.who, len(pending))
        for task in pending:
            task.cancel()

    async def _await_result(self, task: asyncio.Task[CmdResult], failure: str) -> str:
        done, _ = await asyncio.wait({task}, timeout=self.state.command_wait)
        if not done:
            return "OK\n"  # still running: accepted, as upsd answers once it is queued
        result = _result(task)
        if result is CmdResult.HANDLED:
            return "OK\n"
        if result is CmdResult.INVALID:
            return "ERR INVALID-VALUE\n" if failure == "SET-FAILED" else "ERR INVALID-ARGUMENT\n"
        return f"ERR {failure}\n"


def _result(task: asyncio.Task[CmdResult]) -> CmdResult:
    if task.cancelled() or task.exception() is not None:
        return CmdResult.FAILED
    return task.result()


def _log_outcome(task: asyncio.Task[CmdResult], what: str, budget: LogBudget) -> None:
    if task.cancelled():
        return
    exc = task.exception()
    if exc is None and task.result() is CmdResult.HANDLED:
        return
    allowed, held = budget.allow()
    if held:
        log.warning("%d more command results were not logged one by one", held)
    if not allowed:
        return
    if exc is not None:
        log.error("%s raised %s: %s", what, type(exc).__name__, exc)
    else:
        log.warning("%s: the driver answered %s", what, task.result().name)


def _listing(what: str, rows: Iterable[str]) -> str:
    """A LIST reply: ``BEGIN LIST <what>``, one line a row, ``END LIST <what>``."""
    return f"BEGIN LIST {what}\n" + "".join(f"{row}\n" for row in rows) + f"END LIST {what}\n"
