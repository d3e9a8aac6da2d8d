"""Fuzzed requests to Debian's upsd (+ dummy-ups) and to upskit serving the same data.

Both servers get the same upsd.users and the same data: the upskit devices mirror
what the real upsd publishes for two dummy-ups drivers.  A few thousand request
lines -- generated from a fixed seed, plus hand-picked nasty ones -- run in
sessions against both servers, and the replies are compared byte for byte.

Only the differences documented in docs/server.md ("Differences from upsd 2.8.0")
are allowed, each by one entry of :data:`ALLOWED`; everything else must match.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import re
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.nutreal import DEFAULT_USERS, nut_server, requires_nut
from upskit.config.upsd_users import load_upsd_users
from upskit.model import CmdResult, Device, DeviceRegistry
from upskit.server.protocol import split_line

from .conftest import apply_type_words, start_server

pytestmark = [pytest.mark.nut, requires_nut]

#: Another seed explores other lines: UPSKIT_FUZZ_SEED=n pytest ...
SEED = int(os.environ.get("UPSKIT_FUZZ_SEED", "3493"))
#: Random request lines, in total, spread over the sessions below.
RANDOM_LINES = 5000

DEV_DUMMY = """\
ups.status: OL CHRG
ups.mfr: Acme
ups.model: Smart 1500
ups.serial: "AB 12\\"34"
battery.charge: 100
battery.runtime: 1800
input.voltage: 230.0
output.voltage: 229.5
ups.id: myups
ups.delay.shutdown: 20
ups.delay.start: 30
input.transfer.low: 180
input.transfer.high: 260
ups.load: 23
ups.beeper.status: enabled
device.mfr: Acme
"""
DEV_OTHER = "ups.status: OB LB\n"

USERS_FILE = DEFAULT_USERS + """\
[tester]
  password = "p w 1"
  instcmds = load.off
[setter]
  password = x
  actions = set
"""

#: USERNAME/PASSWORD pairs that open a session (None: that line is not sent).
PERSONAS: list[tuple[str | None, str | None]] = [
    (None, None), ("admin", "secret"), ("reader", "pw"), ("monpri", "pw"), ("monsec", "pw"),
    ("tester", "p w 1"), ("setter", "x"), ("admin", "wrong"), ("nobody", "pw"),
    ("admin", None), (None, "secret"), ("ADMIN", "secret"),
]

_UUID = re.compile(rb"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")
_LAST_ID = b"@LASTID@"
_NO_ID = b"0C3E2A64-5B1E-4D2B-9A45-9D1F6A0B7C11"


# ------------------------------------------------------------------ allowed differences
def _words(request: bytes) -> list[str]:
    return split_line(request.decode("utf-8", "surrogateescape"))


def _is(request: bytes, *words: str) -> bool:
    got = _words(request)
    return len(got) >= len(words) and all(a.upper() == b for a, b in zip(got, words,
                                                                         strict=False))


def _allow_ver(request: bytes, upsd: bytes, ours: bytes) -> bool:
    # docs/server.md: the VER line names upskit
    return (_is(request, "VER") and upsd.startswith(b"Network UPS Tools upsd ")
            and ours.startswith(b"Network UPS Tools upsd "))


def _allow_help(request: bytes, upsd: bytes, ours: bytes) -> bool:
    # docs/server.md: HELP lists PROTVER too
    return (upsd == b"Commands: HELP VER GET LIST SET INSTCMD LOGIN LOGOUT USERNAME PASSWORD "
                    b"STARTTLS"
            and ours == b"Commands: HELP VER PROTVER GET LIST SET INSTCMD LOGIN LOGOUT "
                        b"USERNAME PASSWORD STARTTLS")


_DESC = re.compile(rb'^((?:CMD)?DESC \S+ \S+) ".*"$', re.S)


def _allow_desc(request: bytes, upsd: bytes, ours: bytes) -> bool:
    # docs/server.md: description texts are upskit's own words
    a, b = _DESC.match(upsd), _DESC.match(ours)
    return a is not None and b is not None and a.group(1) == b.group(1)


def _allow_instcmd_refused(request: bytes, upsd: bytes, ours: bytes) -> bool:
    # docs/server.md: without TRACKING, upskit waits for the driver's answer
    return _is(request, "INSTCMD") and upsd == b"OK" and ours == b"ERR INSTCMD-FAILED"


ALLOWED: dict[str, Callable[[bytes, bytes, bytes], bool]] = {
    "VER text": _allow_ver,
    "HELP lists PROTVER": _allow_help,
    "description texts": _allow_desc,
    "INSTCMD waits for the driver": _allow_instcmd_refused,
}


def normalise(reply: bytes) -> bytes:
    """Tracking ids are random on both sides."""
    return _UUID.sub(b"<ID>", reply)


def for_upsd(line: bytes) -> bytes:
    """The line to send upsd so that it reads what upskit reads in ``line``.

    Two deliberate differences (docs/server.md): upsd 2.8.0 carries an open quote
    (or an escaped newline) over to the next line, where upskit ends the word with
    the line; and upsd drops a line with an unescaped ``#`` inside quotes without
    answering, where upskit reads it as upsd reads ``\\#``.  So upsd gets the
    line with ``#`` escaped inside quotes, a dangling backslash dropped and an open
    quote closed.
    """
    out = bytearray()
    quoted = escaped = in_word = False
    for byte in line:
        char = chr(byte)
        if escaped:
            escaped = False
            in_word = True
        elif char == "\\":
            escaped = True
        elif quoted:
            if char == '"':
                quoted = in_word = False
            elif char == "#":
                out += b"\\"
        elif char == "#":
            return bytes(out)
        elif char in " \t\r\f\v=":
            in_word = False
        elif char == '"' and not in_word:
            quoted = True
        else:
            in_word = True
        out.append(byte)
    if escaped:
        out = out[:-1]
    return bytes(out + b'"' if quoted else out)


# ---------------------------------------------------------------------------- clients
class Client:
    """Byte-exact NUT client: one request line, one reply (a whole list for BEGIN)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def connect(cls, port: int) -> Client:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
        return cls(reader, writer)

    async def _line(self, timeout: float) -> bytes:
        raw = await asyncio.wait_for(self.reader.readline(), timeout)
        if not raw.endswith(b"\n"):
            return b"<EOF>" if not raw else raw + b"<EOF>"
        return raw[:-1]

    def _quick_ack(self) -> None:
        # upsd writes a list line by line; acknowledging at once spares a delayed-ACK
        # stall (tens of ms) per list
        sock = self.writer.get_extra_info("socket")
        if sock is not None and hasattr(socket, "TCP_QUICKACK"):
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)

    async def ask(self, line: bytes, timeout: float = 1.0) -> bytes:
        self._quick_ack()
        self.writer.write(line + b"\n")
        await self.writer.drain()
        try:
            first = await self._line(timeout)
            if not first.startswith(b"BEGIN "):
                return first
            lines, end = [first], b"END " + first[6:]
            while lines[-1] != end and not lines[-1].endswith(b"<EOF>"):
                self._quick_ack()
                lines.append(await self._line(timeout))
            return b"\n".join(lines)
        except TimeoutError:
            return b"<NO REPLY>"

    async def closed(self) -> bool:
        try:
            return await asyncio.wait_for(self.reader.read(), 3.0) == b""
        except (TimeoutError, OSError):
            return False

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(OSError):
            await self.writer.wait_closed()


# ----------------------------------------------------------------------------- mirror
async def mirror_type(real: Client, device: Device, ups: str, var: str) -> None:
    words = (await real.ask(f"GET TYPE {ups} {var}".encode())).decode().split()[3:]
    apply_type_words(device, var, words)


async def published(real: Client, ups: str) -> dict[str, str]:
    reply = await real.ask(f"LIST VAR {ups}".encode())
    values = {}
    for line in reply.decode("utf-8", "surrogateescape").split("\n")[1:-1]:
        _, _, var, value = split_line(line)
        values[var] = value
    return values


async def sync_values(real: Client, device: Device) -> None:
    """Copy what the real upsd publishes now (after a SET reached dummy-ups)."""
    values = await published(real, device.name)
    for var in [v.name for v in device.variables() if v.name not in values]:
        device.delete(var)
    if device.fsd and values.get("ups.status", "").startswith("FSD "):
        values["ups.status"] = values["ups.status"][4:]  # upsd shows its FSD latch there
    for var, value in values.items():
        new = device.variable(var) is None
        device.set(var, value)
        if new:
            await mirror_type(real, device, device.name, var)


async def mirror(real: Client, ups: str) -> Device:
    """A Device publishing what the real upsd publishes for ``ups``; commands act as dummy-ups."""
    device = Device(ups)
    desc = split_line((await real.ask(f"GET UPSDESC {ups}".encode())).decode())[2]
    device.desc = "" if desc == "Unavailable" else desc
    for var, value in (await published(real, ups)).items():
        device.set(var, value)
        await mirror_type(real, device, ups, var)
    for line in (await real.ask(f"LIST CMD {ups}".encode())).decode().split("\n")[1:-1]:
        device.add_command(line.split()[2])

    async def instcmd(cmd: str, param: str | None) -> CmdResult:
        return CmdResult.UNKNOWN  # dummy-ups 2.8.0 handles no instant command

    async def setvar(var: str, value: str) -> CmdResult:
        device.set(var, value)
        return CmdResult.HANDLED

    device.bind(instcmd, setvar)
    device.set_connected(True)
    device.data_ok()
    return device


# -------------------------------------------------------------------------- generator
@dataclass
class Names:
    """What the servers publish, for building requests."""

    vars: dict[str, list[str]]
    cmds: dict[str, list[str]]

    @property
    def all_vars(self) -> list[str]:
        return sorted({v for names in self.vars.values() for v in names})


_CMD_WORDS = ["VER", "NETVER", "PROTVER", "HELP", "GET", "LIST", "SET", "INSTCMD", "LOGIN",
              "LOGOUT", "USERNAME", "PASSWORD", "STARTTLS", "PRIMARY", "MASTER", "FSD"]
_BAD_WORDS = ["FOO", "GETVAR", "LIS", "VERSION", "NETVER2", "LOGIN2", "SLAVE", "TRACKING",
              "HELPME", "-", "."]
_GET_SUBS = ["VAR", "TYPE", "DESC", "CMDDESC", "UPSDESC", "NUMLOGINS", "TRACKING"]
_LIST_SUBS = ["UPS", "VAR", "RW", "CMD", "ENUM", "RANGE", "CLIENT"]
_BAD_SUBS = ["FOO", "VARS", "UPSES", "RWX", "CLIENTS", "ALL", "", "LIST", "GET"]
_ARITY = {"VAR": 2, "TYPE": 2, "DESC": 2, "CMDDESC": 2, "UPSDESC": 1, "NUMLOGINS": 1,
          "TRACKING": 0, "UPS": 0, "RW": 1, "CMD": 1, "ENUM": 2, "RANGE": 2, "CLIENT": 1}
_SEPARATORS = [" "] * 6 + ["  ", "\t", " \t", "   ", "\t\t"]
_ODD_CHARS = ' "\\#\t\'$%&*()[]{};:,.<>/?|`~=+-_!@^\x01\x7f\xc3\xa9\xff'


class Generator:
    """Seeded request lines over the published names (and many unpublished ones)."""

    def __init__(self, names: Names, seed: int) -> None:
        self.rng = random.Random(seed)
        self.names = names

    def case(self, word: str) -> str:
        roll = self.rng.random()
        if roll < 0.7:
            return word
        if roll < 0.8:
            return word.lower()
        if roll < 0.9:
            return word.upper()
        return "".join(c.upper() if self.rng.random() < 0.5 else c.lower() for c in word)

    def junk(self, low: int = 1, high: int = 12) -> str:
        length = self.rng.randint(low, high)
        return "".join(self.rng.choice(_ODD_CHARS + "abcxyz0129") for _ in range(length))

    def ups(self) -> str:
        roll = self.rng.random()
        if roll < 0.55:
            return "dummy"
        if roll < 0.7:
            return "other"
        if roll < 0.82:
            return self.case(self.rng.choice(["dummy", "other"]))
        return self.rng.choice(["nope", "", "dumm", "dummy2", "dummy.", "u" * 300,
                                "dummy other", "*", "dummy@localhost", self.junk()])

    def var(self, ups: str = "dummy") -> str:
        known = self.names.vars.get(ups.lower()) or self.names.all_vars
        roll = self.rng.random()
        if roll < 0.6:
            return self.rng.choice(known)
        if roll < 0.75:
            return self.case(self.rng.choice(known))
        if roll < 0.85:
            return self.rng.choice(self.names.all_vars)
        return self.rng.choice(["no.such", "", "ups", "ups.", "ups.id.x", "x" * 420,
                                "ups.status ", "battery.charge.low", self.junk()])

    def cmd(self, ups: str = "dummy") -> str:
        known = self.names.cmds.get(ups.lower()) or ["load.off"]
        roll = self.rng.random()
        if roll < 0.6:
            return self.rng.choice(known)
        if roll < 0.75:
            return self.case(self.rng.choice(known))
        return self.rng.choice(["load.on", "no.such", "", "shutdown.return", "LOAD",
                                "test.battery.start", self.junk()])

    def value(self) -> str:
        """A value to SET: dummy-ups stores these as they are (it mangles quotes and #)."""
        return self.rng.choice(["x1", "42", "a b", "new id", "0", "-5", "1e3", "OL", "OB LB",
                                "x" * 16, "y" * 17, "z" * 40, "a.b-c_d", "1,5"])

    def render(self, word: str) -> str:
        """One word as a client might write it: bare, quoted or backslash-escaped."""
        special = word == "" or any(c in ' \t"\\#' for c in word)
        roll = self.rng.random()
        if not special and roll < 0.7:
            return word
        if roll < 0.85 or (special and roll < 0.9):
            return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if not word:
            return '""'
        return "".join("\\" + c if c in ' \t"\\#' or self.rng.random() < 0.15 else c
                       for c in word)

    def line(self, words: list[str]) -> bytes:
        rng = self.rng
        parts = [self.render(w) for w in words]
        text = parts[0] if parts else ""
        for part in parts[1:]:
            text += rng.choice(_SEPARATORS) + part
        if rng.random() < 0.08:
            text = rng.choice([" ", "\t", "  "]) + text
        if rng.random() < 0.08:
            text += rng.choice([" ", "\t", "  "])
        if rng.random() < 0.04:
            text += rng.choice([" # comment", "#", ' # "open', "\t#x y z"])
        if rng.random() < 0.04:
            text += "\r"
        return text.encode("utf-8", "surrogateescape")

    def arity_args(self, count: int, make: list[Callable[[], str]]) -> list[str]:
        """``count`` right arguments, or one fewer/more now and then."""
        roll = self.rng.random()
        if roll < 0.1 and count:
            count -= 1
        elif roll < 0.2:
            count += 1
        elif roll < 0.23:
            count = 0
        out: list[str] = []
        for index in range(count):
            out.append(make[index]() if index < len(make) else self.junk())
        return out

    def request(self) -> bytes:
        rng = self.rng
        roll = rng.random()
        if roll < 0.25:
            sub = rng.choice(_GET_SUBS) if rng.random() < 0.9 else rng.choice(_BAD_SUBS)
            head = [self.case("GET")] + ([self.case(sub)] if sub or rng.random() < 0.5 else [])
            return self.line([*head, *self.sub_args(sub)])
        if roll < 0.45:
            sub = rng.choice(_LIST_SUBS) if rng.random() < 0.9 else rng.choice(_BAD_SUBS)
            return self.line([self.case("LIST"), self.case(sub), *self.sub_args(sub)])
        if roll < 0.55:
            return self.line(self.set_request())
        if roll < 0.63:
            ups = self.ups()
            args = self.arity_args(2, [lambda: ups, lambda: self.cmd(ups), self.value])
            if len(args) == 2 and rng.random() < 0.2:
                args.append(self.value())
            return self.line([self.case("INSTCMD"), *args])
        if roll < 0.7:
            word = rng.choice(["LOGIN", "PRIMARY", "MASTER", "FSD"])
            return self.line([self.case(word), *self.arity_args(1, [self.ups])])
        if roll < 0.76:
            word = rng.choice(["USERNAME", "PASSWORD"])
            name = rng.choice(["admin", "reader", "monpri", "pw", "secret", "p w 1", "",
                               "ADMIN", self.junk()])
            return self.line([self.case(word), *self.arity_args(1, [lambda: name])])
        if roll < 0.85:
            word = rng.choice(["VER", "NETVER", "PROTVER", "HELP", "STARTTLS"])
            extra = [] if rng.random() < 0.6 else [self.junk() for _ in range(rng.randint(1, 2))]
            return self.line([self.case(word), *extra])
        if roll < 0.87:
            return self.line([self.case("LOGOUT"), *([] if rng.random() < 0.5 else ["x"])])
        if roll < 0.93:
            word = rng.choice([*_BAD_WORDS, self.junk()])
            return self.line([word, *(self.junk() for _ in range(rng.randint(0, 3)))])
        # junk lines: anything at all, including open quotes and dangling backslashes
        return self.junk(0, 40).encode("utf-8", "surrogateescape")

    def set_request(self) -> list[str]:
        rng = self.rng
        ups = self.ups()
        if rng.random() < 0.2:
            mode = rng.choice(["ON", "OFF", "on", "Off", "yes", "", "1"])
            return [self.case("SET"), self.case("TRACKING"), *self.arity_args(1, [lambda: mode])]
        what = "VAR" if rng.random() < 0.9 else rng.choice(_BAD_SUBS)
        # Mostly names as published: dummy-ups takes up to a poll interval to publish a
        # value set under a name in another case, and drops status words it does not know.
        known = [v for v in self.names.vars.get(ups.lower(), ["no.such"]) if v != "ups.status"]

        def name() -> str:
            var = self.var(ups) if rng.random() < 0.2 else rng.choice(known)
            return rng.choice(known) if var.lower() == "ups.status" else var

        return [self.case("SET"), self.case(what),
                *self.arity_args(3, [lambda: ups, name, self.value])]

    def sub_args(self, sub: str) -> list[str]:
        ups = self.ups()
        if sub in ("CMDDESC",):
            return self.arity_args(2, [lambda: ups, lambda: self.cmd(ups)])
        if sub == "TRACKING":
            if self.rng.random() < 0.5:
                return []
            return self.arity_args(1, [lambda: self.rng.choice(
                [_LAST_ID.decode(), "abc", "", "1234", _NO_ID.decode().lower()])])
        count = _ARITY.get(sub, self.rng.randint(0, 2))
        return self.arity_args(count, [lambda: ups, lambda: self.var(ups)])


def hand_picked(names: Names) -> list[list[bytes]]:
    """Scripts (one connection each) written by hand: syntax corners and state sequences."""
    long_word = "L" * 4000  # never echoed: upsd cuts reply lines at 512 bytes
    syntax = [
        "", " ", "\t", "\r", "  \t  ", "#", "# only a comment", "   # indented comment", '""',
        '" "', "\\", "\\\\", '"GET" VAR dummy ups.id', 'G"E"T VAR dummy ups.id',
        'GET VAR dummy ups."id"', 'GET VAR dummy "ups"."id"', "GET VAR dummy ups.id#x",
        "GET VAR dummy#x ups.id", "GET VAR dummy \\#", 'GET DESC dummy "#"', "GET DESC dummy #a",
        'GET DESC dummy "a b"', "GET DESC dummy a\\ b", 'GET DESC dummy "a\\"b"',
        'GET DESC dummy "a\\\\b"', 'GET DESC dummy \\"', "GET DESC dummy \\a\\b\\c",
        'GET DESC dummy ""', 'GET VAR dummy ups.id ""', 'GET VAR "" ""', 'GET VAR dummy ""',
        'GET VAR "dummy" "ups.id" "extra" "more"', "GET\tVAR\tdummy\tups.id",
        "  GET  VAR  dummy  ups.id  ", "GET VAR dummy ups.id\r", "GET VAR dummy ups.id \r",
        "GET VAR dummy ups.id\t", "\tGET VAR dummy ups.id", 'GET VAR dummy "ups.id"x',
        'GET VAR dummy x"ups.id"', 'GET VAR dummy"" ups.id', 'GET VAR ""dummy ups.id',
        "GET DESC dummy " + "L" * 470, "GET DESC dummy " + "w " * 1900,
        "GET VAR dummy ups.id " + "extra " * 600, "GET CMDDESC dummy " + "C" * 460,
        'GET DESC dummy "' + "q " * 230 + '"', "LIST ENUM dummy " + long_word,
        "USERNAME " + long_word, "GET VAR dummy ups.id\x0bx", "GET VAR dummy ups.id\x0c",
        "GET VAR dummy ups.id\x00junk", "GET DESC dummy a\x00b", "GET DESC dummy \x01\x02",
        "GET DESC dummy é", "GET DESC dummy \xff\xfe", "GET VAR dummy \xff",
        "get var dummy ups.id", "Get Var Dummy Ups.Id", "GET VAR DUMMY UPS.STATUS",
        "list var DUMMY", "LIST rw Other", "LIST CLIENT DUMMY", "GET UPSDESC DUMMY",
        "GET NUMLOGINS OTHER", "GET TYPE dummy UPS.ID", "LIST ENUM dummy UPS.ID",
        "LIST RANGE dummy Ups.Id", "GET DESC dummy UPS.ID", "GET CMDDESC dummy LOAD.OFF",
        "GET VAR dummy", "GET VAR", "GET", "LIST", "SET", "INSTCMD", "GET TRACKING x y",
        "LIST UPS extra", "LIST VAR dummy extra", "LIST ENUM dummy ups.id extra",
        "VER extra", "HELP extra", "NETVER extra", "PROTVER x", "STARTTLS x", "LOGIN",
        "PRIMARY", "FSD", "MASTER x y",
    ]
    unclosed = [
        'GET VAR dummy "ups.id', 'GET VAR "dummy ups.id', '"', 'GET DESC dummy "a b',
        "GET VAR dummy ups.id\\", 'GET VAR dummy "ups.id\\', "GET VAR dummy \\",
        'GET DESC dummy "a\\"', 'LIST UPS "', 'USERNAME "ad min', 'GET "VAR',
    ]
    auth = [
        "PASSWORD secret", "USERNAME admin", "USERNAME admin", "USERNAME reader",
        "PASSWORD secret", "PASSWORD other", "GET VAR dummy ups.id", "LOGIN dummy",
    ]
    login = [
        "USERNAME monpri", "PASSWORD pw", "GET NUMLOGINS dummy", "LIST CLIENT dummy",
        "LOGIN nope", "LOGIN DUMMY", "GET NUMLOGINS dummy", "LIST CLIENT Dummy",
        "LOGIN dummy", "LOGIN other", "GET NUMLOGINS other", "PRIMARY dummy", "MASTER other",
        "PRIMARY nope", "LOGOUT", "GET NUMLOGINS dummy", "LIST CLIENT dummy",
        "USERNAME monsec", "PASSWORD pw", "LOGIN other", "GET NUMLOGINS other", "LOGOUT x",
        "PRIMARY other", "MASTER other", "FSD other", "LOGOUT",
    ]
    rights: list[str] = []
    for user, password in PERSONAS[1:]:
        if user is not None:
            rights.append("USERNAME " + _quoted(user))
        if password is not None:
            rights.append("PASSWORD " + _quoted(password))
        rights += [
            "SET VAR dummy ups.id " + user_value(user), "SET VAR dummy driver.name x",
            "SET VAR dummy no.such x", "SET VAR nope ups.id x", "SET VAR dummy ups.id " + "y" * 17,
            "INSTCMD dummy load.off", "INSTCMD dummy LOAD.OFF", "INSTCMD dummy no.such",
            "INSTCMD nope load.off", "INSTCMD dummy load.off 10", "PRIMARY dummy",
            "LOGIN other", "GET NUMLOGINS other", "LOGOUT",
        ]
    tracking = [
        "GET TRACKING", "GET TRACKING " + _NO_ID.decode(), "SET TRACKING ON", "USERNAME admin",
        "SET TRACKING ON", "PASSWORD secret", "GET TRACKING", "SET TRACKING ON", "GET TRACKING",
        "GET TRACKING " + _NO_ID.decode(), "GET TRACKING abc", "INSTCMD dummy load.off", "GET TRACKING @LASTID@",
        "INSTCMD dummy load.off now", "GET TRACKING @LASTID@", "SET VAR dummy ups.id tracked",
        "GET TRACKING @LASTID@", "GET VAR dummy ups.id", "SET VAR dummy ups.id " + "y" * 17,
        "GET TRACKING @LASTID@ extra", "set tracking off", "GET TRACKING",
        "GET TRACKING @LASTID@", "INSTCMD dummy load.off", "SET VAR dummy ups.id untracked",
        "SET TRACKING on", "SET TRACKING ON", "SET TRACKING maybe", "SET TRACKING",
        "SET TRACKING ON extra", "SET TRACKING OFF", "SET VAR dummy ups.id \"two words\"",
        "GET VAR dummy ups.id", "SET VAR DUMMY UPS.ID upper", "GET VAR dummy ups.id",
        "SET VAR dummy ups.id x extra", "SET VAR dummy ups.id", "SET VAR dummy",
        "SET VAR", "SET FOO", "SET FOO bar baz qux",
    ]
    coverage: list[str] = ["LIST UPS"]
    for ups in [*names.vars, "nope"]:
        coverage += [f"LIST {sub} {ups}" for sub in ("VAR", "RW", "CMD", "CLIENT")]
        coverage += [f"GET UPSDESC {ups}", f"GET NUMLOGINS {ups}"]
        for var in names.vars.get(ups, ["ups.status"]):
            coverage += [f"GET VAR {ups} {var}", f"GET TYPE {ups} {var}",
                         f"GET DESC {ups} {var}", f"LIST ENUM {ups} {var}",
                         f"LIST RANGE {ups} {var}"]
        coverage += [f"GET CMDDESC {ups} {cmd}" for cmd in names.cmds.get(ups, ["load.off"])]
    latch = ["USERNAME admin", "PASSWORD secret", "GET VAR other ups.status", "FSD Other",
             "GET VAR other ups.status", "LIST VAR other", "LIST RW other", "FSD other"]
    scripts = [syntax, auth, login, rights, tracking, coverage, latch]
    out = [[line.encode("utf-8", "surrogateescape") for line in s] for s in scripts]
    out += [[line.encode("utf-8", "surrogateescape")] for line in unclosed]
    return out


def _quoted(word: str) -> str:
    return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'


def user_value(user: str | None) -> str:
    return f"by-{(user or 'anon').lower()}"


def random_scripts(gen: Generator) -> list[list[bytes]]:
    """Sessions of random lines, each opened by one of the personas."""
    scripts: list[list[bytes]] = []
    remaining = RANDOM_LINES
    index = 0
    while remaining > 0:
        user, password = PERSONAS[index % len(PERSONAS)]
        index += 1
        script: list[bytes] = []
        if user is not None:
            script.append(gen.line([gen.case("USERNAME"), user]))
        if password is not None:
            script.append(gen.line([gen.case("PASSWORD"), password]))
        count = min(remaining, gen.rng.randint(60, 160))
        script += [gen.request() for _ in range(count)]
        remaining -= count
        scripts.append(script)
    return scripts


# ----------------------------------------------------------------------------- runner
@dataclass
class Run:
    real_port: int
    ours_port: int
    devices: dict[str, Device]
    real_probe: Client
    ours_probe: Client
    differences: list[str] = field(default_factory=list)
    allowed: dict[str, int] = field(default_factory=dict)
    compared: int = 0

    def compare(self, request: bytes, upsd: bytes, ours: bytes) -> None:
        self.compared += 1
        if upsd == b"<NO REPLY>":
            self.differences.append(f"{request!r}: upsd did not answer (the test must not send "
                                    "what upsd leaves unanswered)")
            return
        upsd, ours = normalise(upsd), normalise(ours)
        if upsd == ours:
            return
        for name, rule in ALLOWED.items():
            if rule(request, upsd, ours):
                self.allowed[name] = self.allowed.get(name, 0) + 1
                return
        self.differences.append(f"{request!r}:\n  upsd:   {upsd!r}\n  upskit: {ours!r}")

    async def settle_tracking(self, real_id: bytes, ours_id: bytes) -> None:
        """Wait until both servers know the outcome of the tracked request."""
        deadline = time.monotonic() + 2.0
        for probe, ident in ((self.real_probe, real_id), (self.ours_probe, ours_id)):
            while (await probe.ask(b"GET TRACKING " + ident) == b"PENDING"
                   and time.monotonic() < deadline):
                await asyncio.sleep(0.005)

    async def settle_set(self, request: bytes) -> None:
        """After a SET VAR went through: wait for dummy-ups to publish, then copy its data."""
        words = _words(request)
        if len(words) < 5:
            return
        device = next((d for n, d in self.devices.items() if n == words[2].lower()), None)
        if device is None:
            return
        ask = f"GET VAR {device.name} {words[3]}".encode()
        wanted = f"VAR {device.name} {words[3]} ".encode()
        deadline = time.monotonic() + 3.0
        while True:
            if time.monotonic() > deadline:
                self.differences.append(f"{request!r}: dummy-ups never published the value")
                break
            reply = await self.real_probe.ask(ask)
            if reply.startswith(wanted) and split_line(reply.decode(
                    "utf-8", "surrogateescape"))[3] == words[4]:
                break
            await asyncio.sleep(0.003)
        await sync_values(self.real_probe, device)

    async def script(self, lines: Iterable[bytes]) -> None:
        real = await Client.connect(self.real_port)
        ours = await Client.connect(self.ours_port)
        real_id, ours_id = _NO_ID, _NO_ID
        try:
            for request in lines:
                real_line, ours_line = for_upsd(request), request
                if _LAST_ID in request:
                    await self.settle_tracking(real_id, ours_id)
                    real_line = real_line.replace(_LAST_ID, real_id)
                    ours_line = ours_line.replace(_LAST_ID, ours_id)
                upsd = await real.ask(real_line)
                got = await ours.ask(ours_line)
                self.compare(request, upsd, got)
                if upsd.startswith(b"OK TRACKING ") and got.startswith(b"OK TRACKING "):
                    real_id, ours_id = upsd[12:], got[12:]
                if _is(request, "SET", "VAR") and (upsd.startswith(b"OK")
                                                   or got.startswith(b"OK")):
                    await self.settle_set(request)
                if upsd == b"OK Goodbye" or got == b"OK Goodbye" or b"<" in upsd[:1] + got[:1]:
                    closed = (await real.closed(), await ours.closed())
                    if closed != (True, True):
                        self.differences.append(f"{request!r}: closed (upsd, upskit) {closed}")
                    await real.close()
                    await ours.close()
                    real = await Client.connect(self.real_port)
                    ours = await Client.connect(self.ours_port)
        finally:
            # LOGOUT, so that a LOGIN of this session is gone before the next one starts
            for client in (real, ours):
                with contextlib.suppress(OSError):
                    await client.ask(b"LOGOUT", timeout=1.0)
                    await client.closed()
                await client.close()


async def test_fuzzed_requests_match_real_upsd(tmp_path: Path) -> None:
    started = time.monotonic()
    with nut_server(tmp_path, {"dummy": DEV_DUMMY, "other": DEV_OTHER}, users=USERS_FILE,
                    descriptions={"dummy": 'A "test" UPS \\ 1'}) as nut:
        users = load_upsd_users(nut.paths.upsd_users)
        real_probe = await Client.connect(nut.port)
        registry = DeviceRegistry()
        devices = {}
        for name in ("dummy", "other"):
            devices[name] = await mirror(real_probe, name)
            registry.add(devices[name])
        names = Names(
            vars={n: [v.name for v in d.variables()] for n, d in devices.items()},
            cmds={n: d.commands() for n, d in devices.items()},
        )
        server = await start_server(registry, maxage=3600.0)
        server.state.accounts.__init__(users)  # type: ignore[misc]
        ours_probe = await Client.connect(server.ports[0][1])
        run = Run(nut.port, server.ports[0][1], devices, real_probe, ours_probe)
        try:
            for probe in (real_probe, ours_probe):
                for line in (b"USERNAME admin", b"PASSWORD secret", b"SET TRACKING ON"):
                    assert await probe.ask(line) == b"OK"
            scripts = hand_picked(names) + random_scripts(Generator(names, SEED))
            for script in scripts:
                if len(run.differences) >= 40 or time.monotonic() - started > 90:
                    run.differences.append("(stopped early)")
                    break
                await run.script(script)
        finally:
            await real_probe.close()
            await ours_probe.close()
            await server.stop()
    shown = "\n".join(run.differences[:60])
    if os.environ.get("UPSKIT_FUZZ_REPORT"):
        Path(os.environ["UPSKIT_FUZZ_REPORT"]).write_text(
            f"{run.compared} compared, allowed {run.allowed}\n" + "\n".join(run.differences))
    assert not run.differences, (
        f"{len(run.differences)} of {run.compared} replies differ "
        f"(allowed: {run.allowed}):\n{shown}")
    assert run.compared > RANDOM_LINES
    assert time.monotonic() - started < 60
