"""The protocol lexer and quoting, including hostile input."""

from __future__ import annotations

import pytest

from upskit.client import NutArgumentError, NutError, NutProtocolError
from upskit.client.commands import ListQuery, list_range, list_vars
from upskit.client.protocol import decode_line, format_command, parse_reply, quote, split_words


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ('VAR ups ups.status "OL"', ["VAR", "ups", "ups.status", "OL"]),
        ('VAR u v "a \\"b\\" c"', ["VAR", "u", "v", 'a "b" c']),
        ('VAR u v "back\\\\slash"', ["VAR", "u", "v", "back\\slash"]),
        ('VAR u v "\\\\"', ["VAR", "u", "v", "\\"]),
        ('VAR u v ""', ["VAR", "u", "v", ""]),
        ('VAR u v "  two  spaces  "', ["VAR", "u", "v", "  two  spaces  "]),
        ('RANGE u v "1" "5"', ["RANGE", "u", "v", "1", "5"]),
        ("  lead   and trail  ", ["lead", "and", "trail"]),
        ("tab\tsep", ["tab", "sep"]),
        ("", []),
        ('ab"cd ef"gh', ["abcd efgh"]),
        ("a\\ b", ["a b"]),
        ('"#not a comment"', ["#not a comment"]),
    ],
)
def test_split_words(line: str, words: list[str]) -> None:
    assert split_words(line) == words


@pytest.mark.parametrize("line", ['VAR u v "open', 'VAR u v "x\\"', "VAR u v x\\"])
def test_split_words_rejects_broken_quoting(line: str) -> None:
    with pytest.raises(NutProtocolError):
        split_words(line)


@pytest.mark.parametrize(
    "value",
    ["", "plain", "two words", 'say "hi"', "back\\slash", '\\"', "#hash", "tab\there", "ümlaut",
     "trailing\\", '"', "a=b", "x\udce9y"],
)
def test_quote_round_trips_through_the_lexer(value: str) -> None:
    line = format_command("SET", "VAR", "ups", "ups.id", value)
    assert line.endswith(b"\n")
    assert split_words(decode_line(line)) == ["SET", "VAR", "ups", "ups.id", value]


def test_quote_leaves_safe_words_bare() -> None:
    assert quote("ups.status") == "ups.status"
    assert quote("my-ups_1@host:3493") == "my-ups_1@host:3493"
    assert quote("") == '""'
    assert quote("a b") == '"a b"'


@pytest.mark.parametrize("value", ["a\nLOGOUT", "a\rb", "nul\0"])
def test_quote_refuses_line_breaks(value: str) -> None:
    with pytest.raises(NutArgumentError) as info:
        format_command("SET", "VAR", "u", "v", value)
    assert isinstance(info.value, ValueError)


def test_non_utf8_bytes_survive_decode_and_encode() -> None:
    raw = b'VAR u v "caf\xe9 \xff"\r\n'
    words = split_words(decode_line(raw))
    assert words[3] == "caf\udce9 \udcff"
    assert format_command(words[3]) == b'"caf\xe9 \xff"\n'


def test_parse_reply_raises_err_with_code_and_extra() -> None:
    with pytest.raises(NutError) as info:
        parse_reply("ERR ACCESS-DENIED some detail here")
    assert info.value.code == "ACCESS-DENIED"
    assert info.value.extra == "some detail here"
    assert info.value.message == "Access denied"
    with pytest.raises(NutError) as bare:
        parse_reply("ERR")
    assert bare.value.code == "UNKNOWN"


def test_list_query_matches_its_own_end_line_only() -> None:
    query: ListQuery[dict[str, str]] = list_vars("ups")
    query.check_begin("BEGIN LIST VAR ups")
    assert not query.is_end("END LIST VAR other")
    assert not query.is_end("END LIST RW ups")
    assert query.is_end("END LIST VAR ups")
    assert query.item('VAR ups a.b "1 2"') == ["a.b", "1 2"]
    with pytest.raises(NutProtocolError):
        query.item('VAR other a.b "1"')
    with pytest.raises(NutProtocolError):
        query.item('VAR ups a.b "1" extra')
    with pytest.raises(NutProtocolError):
        query.check_begin("BEGIN LIST VAR other")
    with pytest.raises(NutError):
        list_range("u", "v").check_begin("ERR UNKNOWN-UPS")
