"""Unit tests of request splitting, value quoting, tracking, accounts and descriptions."""

from __future__ import annotations

import time

import pytest

from upskit.config.settings import UserSettings
from upskit.model import CmdResult
from upskit.server.auth import Accounts
from upskit.server.descriptions import (
    COMMANDS,
    VARIABLES,
    command_description,
    variable_description,
)
from upskit.server.protocol import NutError, quote, split_line, split_request
from upskit.server.tracking import TrackingTable


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("GET VAR ups battery.charge", ["GET", "VAR", "ups", "battery.charge"]),
        ("  GET\tVAR   ups  x  ", ["GET", "VAR", "ups", "x"]),
        ("GET VAR ups x\r", ["GET", "VAR", "ups", "x"]),
        ('SET VAR ups ups.id "two words"', ["SET", "VAR", "ups", "ups.id", "two words"]),
        ('SET VAR ups v "say \\"hi\\" \\\\ ok"', ["SET", "VAR", "ups", "v", 'say "hi" \\ ok']),
        ('GET VAR "" ""', ["GET", "VAR", "", ""]),
        ("GET VAR dum\\my x", ["GET", "VAR", "dummy", "x"]),
        ("GET VAR two\\ words x", ["GET", "VAR", "two words", "x"]),
        ('GET VAR ups "x"y', ["GET", "VAR", "ups", "x", "y"]),
        ('GET VAR ups y"x"', ["GET", "VAR", "ups", 'y"x"']),
        ('GET VAR ups"" x', ["GET", "VAR", 'ups""', "x"]),
        ('GET VAR ups "a b""c"', ["GET", "VAR", "ups", "a b", "c"]),
        ("SET VAR ups v a=b", ["SET", "VAR", "ups", "v", "a", "=", "b"]),
        ("GET=VAR ==", ["GET", "=", "VAR", "=", "="]),
        ('SET VAR ups v "a=b" \\=c', ["SET", "VAR", "ups", "v", "a=b", "=c"]),
        ('GET VAR ups "a\tb\rc"', ["GET", "VAR", "ups", "abc"]),
        ('GET VAR ups "a \\\"#"', ["GET", "VAR", "ups", 'a "#']),
        ("GET VAR ups caf\u00e9 \u00e9 x", ["GET", "VAR", "ups", "caf", "", "x"]),
        ("GET VAR ups x # comment", ["GET", "VAR", "ups", "x"]),
        ("GET VAR ups x#y", ["GET", "VAR", "ups", "x"]),
        ('GET VAR ups "a # b"', ["GET", "VAR", "ups", "a # b"]),
        ('GET VAR ups "open', ["GET", "VAR", "ups", "open"]),
        ("trailing\\", ["trailing"]),
        ("", []),
        ("   ", []),
        ("# only a comment", []),
    ],
)
def test_split_line(line: str, words: list[str]) -> None:
    assert split_line(line) == words


def test_quote_escapes_and_round_trips() -> None:
    assert quote("OL") == '"OL"'
    assert quote('a "b" \\c') == '"a \\"b\\" \\\\c"'
    assert quote("") == '""'
    for value in ['plain', 'with "quotes"', "back\\slash", "mixed \\\" both", "x  y"]:
        assert split_line("VAR ups v " + quote(value))[-1] == value


def test_quote_never_breaks_a_line() -> None:
    assert "\n" not in quote("two\nlines\r")


def test_nut_error_reply() -> None:
    assert NutError("UNKNOWN-UPS").reply == "ERR UNKNOWN-UPS\n"


def test_tracking_table_lifecycle() -> None:
    table = TrackingTable(delay=3600)
    tid = table.new()
    assert len(tid) == 36 and tid == tid.upper()
    assert table.status(tid) == "PENDING"
    table.finish(tid, CmdResult.HANDLED)
    assert table.status(tid) == "SUCCESS"
    other = table.new()
    table.finish(other, CmdResult.INVALID)
    assert table.status(other) == "ERR INVALID-ARGUMENT"
    third = table.new()
    table.finish(third, CmdResult.FAILED)
    assert table.status(third) == "ERR FAILED"
    unknown = table.new()
    table.finish(unknown, CmdResult.UNKNOWN)
    assert table.status(unknown) == "ERR UNKNOWN"
    assert table.status("no-such-id") == "ERR UNKNOWN"


def test_tracking_ids_expire() -> None:
    table = TrackingTable(delay=0.05)
    tid = table.new()
    time.sleep(0.1)
    assert table.status(tid) == "ERR UNKNOWN"
    assert len(table) == 0


def test_tracking_table_is_bounded() -> None:
    table = TrackingTable(delay=3600, limit=10)
    ids = [table.new() for _ in range(25)]
    assert len(table) == 10
    assert table.status(ids[0]) == "ERR UNKNOWN"
    assert table.status(ids[-1]) == "PENDING"


def test_accounts_rights() -> None:
    accounts = Accounts({
        "admin": UserSettings("admin", password="s", actions={"SET", "FSD"}, instcmds={"ALL"}),
        "pri": UserSettings("pri", password="p", upsmon="primary"),
        "sec": UserSettings("sec", password="p", upsmon="secondary"),
        "few": UserSettings("few", password="p", instcmds={"beeper.toggle"}),
        "nopw": UserSettings("nopw"),
    })
    assert accounts.may("admin", "s", "SET") and accounts.may("admin", "s", "FSD")
    assert not accounts.may("admin", "s", "LOGIN")
    assert not accounts.may("admin", "wrong", "SET")
    assert not accounts.may("admin", None, "SET")
    assert not accounts.may("ghost", "s", "SET")
    assert accounts.may("pri", "p", "LOGIN") and accounts.may("pri", "p", "PRIMARY")
    assert accounts.may("pri", "p", "FSD") and not accounts.may("pri", "p", "SET")
    assert accounts.may("sec", "p", "LOGIN")
    assert not accounts.may("sec", "p", "PRIMARY") and not accounts.may("sec", "p", "FSD")
    assert accounts.may_instcmd("admin", "s", "load.off")
    assert accounts.may_instcmd("few", "p", "beeper.toggle")
    assert not accounts.may_instcmd("few", "p", "load.off")
    assert not accounts.may_instcmd("few", "bad", "beeper.toggle")
    assert not accounts.may("nopw", "", "LOGIN")


def test_descriptions_cover_standard_names() -> None:
    assert len(VARIABLES) >= 200 and len(COMMANDS) >= 30
    for name in ("ups.status", "battery.charge", "battery.runtime", "input.voltage",
                 "ups.load", "ups.realpower.nominal", "ups.test.result", "outlet.switchable"):
        assert variable_description(name)
    assert variable_description("outlet.3.status") == "Outlet 3: " + VARIABLES["outlet.status"]
    assert variable_description("input.L2-N.voltage") == "Phase L2-N: " + VARIABLES["input.voltage"]
    assert variable_description("ambient.1.humidity", ).startswith("Sensor 1: ")
    assert variable_description("no.such.thing") is None
    assert variable_description("outlet.1.no.such") is None
    assert command_description("test.battery.start")
    assert command_description("outlet.2.load.on", ).startswith("Outlet 2: ")
    assert command_description("nope") is None
    assert all(text and '"' not in text and "\n" not in text
               for text in [*VARIABLES.values(), *COMMANDS.values()])


@pytest.mark.parametrize(("raw", "words"), [
    (b"GET VAR ups x", ["GET", "VAR", "ups", "x"]),
    (b"  GET\tVAR\x0bups \x0cx\r", ["GET", "VAR", "ups", "x"]),
    (b"GET VAR a\\ b c", ["GET", "VAR", "a b", "c"]),
    (b"GET VAR \xff\xfe x", ["GET", "VAR", "", "x"]),
    (b"caf\xc3\xa9 \xe9", ["caf", ""]),
    (b"a\x00b \x01 \\\x02 \x7f", ["ab", "", "", "\x7f"]),
    (b'"\\\x01" \x1c\x85word\xa0', ["", "word"]),
    (b"", []),
])
def test_split_request_keeps_printable_ascii(raw: bytes, words: list[str]) -> None:
    assert split_request(raw) == words
    assert split_line(raw.decode("latin-1")) == words
