"""Tokenizer rules: NUT's parseconf syntax."""

from __future__ import annotations

import pytest

from upskit.config.parser import Statement, Word, section_name, split_assignment, tokenize
from upskit.config.settings import ConfigError


def words(text: str) -> list[tuple[int, list[str]]]:
    return [(s.line, [str(w) for w in s.words]) for s in tokenize(text, "t.conf")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a b\tc\n", [(1, ["a", "b", "c"])]),
        ("\n\n  key = value  \n", [(3, ["key", "=", "value"])]),
        ('SHUTDOWNCMD "/sbin/shutdown -h +0"\n', [(1, ["SHUTDOWNCMD", "/sbin/shutdown -h +0"])]),
        ("a # comment\n# whole line\nb\n", [(1, ["a"]), (3, ["b"])]),
        ('p = "has # inside"\n', [(1, ["p", "=", "has # inside"])]),
        (r'x = "say \"hi\""' "\n", [(1, ["x", "=", 'say "hi"'])]),
        (r"a\ b c\#d" "\n", [(1, ["a b", "c#d"])]),
        ("a \\\n  b\nc\n", [(1, ["a", "b"]), (3, ["c"])]),
        ("a\\\nb\n", [(1, ["ab"])]),
        ("[ups]\n", [(1, ["[ups]"])]),
        ("last line without newline", [(1, ["last", "line", "without", "newline"])]),
        ('empty ""\n', [(1, ["empty", ""])]),
        ('d = "a \\\nb"\nnext\n', [(1, ["d", "=", "a b"]), (3, ["next"])]),
        ('glued"quoted part"tail\n', [(1, ["gluedquoted parttail"])]),
        ("crlf\r\nline\r\n", [(1, ["crlf"]), (2, ["line"])]),
    ],
)
def test_tokenize(text: str, expected: list[tuple[int, list[str]]]) -> None:
    assert words(text) == expected


def test_unterminated_quote_names_line() -> None:
    with pytest.raises(ConfigError) as info:
        list(tokenize('a\nb = "open\nc\n', "x.conf"))
    assert str(info.value) == "x.conf:2: unterminated quote"


def test_unterminated_quote_at_end_of_file() -> None:
    with pytest.raises(ConfigError, match=r"^x.conf:1: unterminated quote"):
        list(tokenize('a "open', "x.conf"))


@pytest.mark.parametrize(
    ("text", "key", "values", "has_equals"),
    [
        ("key = value", "key", ["value"], True),
        ("key=value", "key", ["value"], True),
        ("key= value", "key", ["value"], True),
        ("key =value", "key", ["value"], True),
        ('key="two words"', "key", ["two words"], True),
        ('key = ""', "key", [""], True),
        ('key=""', "key", [""], True),
        ("flag", "flag", [], False),
        ("upsmon primary", "upsmon", ["primary"], False),
        ("actions = SET FSD", "actions", ["SET", "FSD"], True),
        ("password = a=b", "password", ["a=b"], True),
        ('"quoted=key"', "quoted=key", [], False),
        (r"esc\=aped", "esc=aped", [], False),
        ("key =", "key", [], True),
    ],
)
def test_split_assignment(text: str, key: str, values: list[str], has_equals: bool) -> None:
    (statement,) = tokenize(text)
    got_key, got_values, got_equals = split_assignment(statement.words)
    assert (got_key, [str(v) for v in got_values], got_equals) == (key, values, has_equals)


def test_section_header() -> None:
    assert section_name(Statement(1, [Word("[myups]")]), "f") == "myups"
    assert section_name(Statement(1, [Word("driver")]), "f") is None
    assert section_name(Statement(1, [Word("[quoted]", quoted=True)]), "f") is None
    with pytest.raises(ConfigError, match=r"^f:4: bad section header"):
        section_name(Statement(4, [Word("[a]"), Word("b")]), "f")
    with pytest.raises(ConfigError, match=r"^f:5: bad section header"):
        section_name(Statement(5, [Word("[open")]), "f")
    with pytest.raises(ConfigError, match=r"^f:6: bad section name"):
        section_name(Statement(6, [Word("[]")]), "f")
