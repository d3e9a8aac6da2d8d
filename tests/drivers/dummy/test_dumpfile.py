from pathlib import Path

import pytest

from upskit.drivers.dummy.dumpfile import (
    Alarm,
    Command,
    DumpSyntaxError,
    SetValue,
    Timer,
    Writable,
    parse_line,
    parse_text,
    read_dump,
    split_words,
)

DATA = Path(__file__).parents[3] / "upskit" / "drivers" / "dummy" / "data"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("  Foo    1000  ", ["Foo", "1000"]),
        ('"Quoted  Mfr" x', ["Quoted  Mfr", "x"]),
        (r"a\"b", ['a"b']),
        ("230 # trailing note", ["230"]),
        ('"has # inside"', ["has # inside"]),
        ("Unit#3", ["Unit#3"]),
        ("it's", ["it's"]),
        ("", []),
    ],
)
def test_split_words(text: str, words: list[str]) -> None:
    assert split_words(text) == words


def test_value_lines() -> None:
    assert parse_line("ups.model:   Foo    1000  ") == SetValue("ups.model", "Foo 1000")
    assert parse_line("ups.serial:nospace") == SetValue("ups.serial", "nospace")
    assert parse_line("battery.runtime\t: 300") == SetValue("battery.runtime", "300")
    assert parse_line("ups.contacts: x:y:z") == SetValue("ups.contacts", "x:y:z")
    assert parse_line("ups.load:") == SetValue("ups.load", "")
    assert parse_line('ups.mfr: "Quoted  Mfr"') == SetValue("ups.mfr", "Quoted  Mfr")
    assert parse_line("ups.delay.shutdown: 30   #COMMENT: the delay") == SetValue("ups.delay.shutdown", "30")


def test_comments_and_keywords() -> None:
    assert parse_line("") is None
    assert parse_line("   # just a note") is None
    assert parse_line("# DEVICE:URL:REPORT:https://example.invalid") is None
    assert parse_line("# ups.status:COMMENT:") is None
    assert parse_line("TIMER 5") == Timer(5.0)
    assert parse_line("TIMER\t0.05") == Timer(0.05)
    assert parse_line("ALARM Replace battery") == Alarm("Replace battery")
    assert parse_line("ALARM") == Alarm(None)


def test_markup() -> None:
    assert parse_line("#RW:ups.id:STRING:16") == Writable("ups.id", "STRING", length=16)
    assert parse_line('#RW:ups.delay.shutdown:RANGE:"12" "600"') == Writable(
        "ups.delay.shutdown", "RANGE", low=12, high=600)
    assert parse_line('#RW:ups.beeper.status:ENUM:"disabled"') == Writable(
        "ups.beeper.status", "ENUM", choice="disabled")
    assert parse_line('#RW:input.transfer.low:ENUM:"on line"') == Writable(
        "input.transfer.low", "ENUM", choice="on line")
    assert parse_line("#CMD:test.battery.start") == Command("test.battery.start")


@pytest.mark.parametrize(
    "line",
    [
        "weird line with no colon",
        "battery.charge 55",
        ": novalue",
        "bad name!: 3",
        "TIMER",
        "TIMER soon",
        "TIMER -1",
        "TIMER 1 2",
        "TIMER nan",
        "#RW:ups.id:STRING:many",
        '#RW:ups.delay:RANGE:"1"',
        '#RW:ups.delay:RANGE:"9" "1"',
        '#RW:ups.delay:RANGE:"a" "b"',
        "#RW:ups.mode:ENUM:",
        "#RW:ups.id:FLOAT:3",
        "#RW:ups.id",
        "#CMD:bad command",
        'ups.mfr: "unterminated',
    ],
)
def test_bad_lines_raise(line: str) -> None:
    with pytest.raises(DumpSyntaxError):
        parse_line(line)


def test_parse_text_reports_file_and_line() -> None:
    dump = parse_text("ups.status: OL\nnonsense here\n\nTIMER x\nups.load: 3\n", "demo.seq")
    assert [n for n, _ in dump.entries] == [1, 5]
    assert [str(p).split(": ", 1)[0] for p in dump.problems] == ["demo.seq:2", "demo.seq:4"]


def test_read_dump_survives_binary_garbage(tmp_path: Path) -> None:
    path = tmp_path / "junk.dev"
    path.write_bytes(b"ups.status: OL\n\xff\xfe\x00garbage\nups.mfr: Caf\xe9\n")
    dump = read_dump(path)
    assert dump.entries[0][1] == SetValue("ups.status", "OL")
    assert len(dump.problems) == 1
    assert dump.entries[-1][1].name == "ups.mfr"  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["megatec-1000va.dev", "power-cut.seq"])
def test_sample_files_are_clean(name: str) -> None:
    dump = read_dump(DATA / name)
    assert dump.problems == ()
    assert dump.entries
