"""Driver-socket wire format and the mirror of a NUT driver's lines into a Device."""

from __future__ import annotations

from upskit.drivers.nutsock.mirror import Mirror, Reply
from upskit.drivers.nutsock.wire import LineBuffer, parse_flags, quote, split_words
from upskit.model import Device, VarFlag


def test_words_as_parseconf_reads_them() -> None:
    assert split_words('SETINFO ups.status "OB LB"') == ["SETINFO", "ups.status", "OB LB"]
    assert split_words(r'SETINFO x "a \"q\" \\ b"') == ["SETINFO", "x", 'a "q" \\ b']
    assert split_words('SETINFO x ""') == ["SETINFO", "x", ""]
    assert split_words("  PING \t ") == ["PING"]
    assert split_words('SETINFO x "open') == ["SETINFO", "x", "open"]


def test_quote_round_trip() -> None:
    for value in ["", "plain", 'with "quotes"', "back\\slash", "two  blanks"]:
        assert split_words("SETINFO v " + quote(value))[2] == value
    assert split_words("SETINFO v " + quote("line\nbreak")) == ["SETINFO", "v", "line break"]


def test_flags() -> None:
    assert parse_flags(["RW", "STRING", "BOGUS"]) == VarFlag.RW | VarFlag.STRING


def test_line_buffer_drops_an_overlong_line_and_keeps_the_rest() -> None:
    buffer = LineBuffer(limit=100)
    assert buffer.feed(b"PING\nSETINFO a ") == ["PING"]
    assert buffer.feed(b'"1"\r\n') == ['SETINFO a "1"']
    huge = b"x" * 1_000_000
    assert buffer.feed(huge[:500_000]) == []
    assert len(buffer._data) <= 100
    assert buffer.feed(huge[500_000:] + b"\nPING\n") == ["PING"]
    assert buffer.dropped == 1


def feed(mirror: Mirror, text: str) -> list[Reply]:
    replies = [mirror.apply(split_words(line)) for line in text.strip().splitlines()]
    return [r for r in replies if r is not None]


def test_mirror_applies_every_driver_line() -> None:
    device = Device("u")
    mirror = Mirror(device)
    replies = feed(mirror, """
        SETINFO ups.status "OL"
        SETINFO input.transfer.low "100"
        SETFLAGS input.transfer.low RW
        ADDENUM input.transfer.low "100"
        ADDENUM input.transfer.low "110"
        ADDENUM input.transfer.low "120"
        DELENUM input.transfer.low "110"
        SETINFO ups.id "x"
        SETAUX ups.id 8
        SETFLAGS ups.id RW STRING
        ADDRANGE ups.delay 1 10
        SETINFO ups.delay "5"
        ADDRANGE ups.delay 1 10
        ADDRANGE ups.delay 20 30
        DELRANGE ups.delay 1 10
        ADDCMD load.off
        ADDCMD load.on
        DELCMD load.on
        DATAOK
        PONG
        TRACKING abc 0
    """)
    var = device.variable("input.transfer.low")
    assert var is not None and var.writable and var.enums == ["100", "120"]
    ups_id = device.variable("ups.id")
    assert ups_id is not None and ups_id.aux == 8 and ups_id.is_string
    delay = device.variable("ups.delay")
    assert delay is not None and delay.ranges == [(20, 30)]
    assert device.commands() == ["load.off"]
    assert not device.stale
    assert replies == [Reply("PONG"), Reply("TRACKING", "abc", 0)]
    feed(mirror, "DATASTALE\nDELINFO ups.id")
    assert device.stale and "ups.id" not in device


def test_a_new_dump_removes_what_the_driver_no_longer_has() -> None:
    device = Device("u")
    mirror = Mirror(device)
    feed(mirror, 'SETINFO a "1"\nSETINFO b "2"\nADDCMD c1\nADDCMD c2')
    mirror.begin_dump()
    assert feed(mirror, 'SETINFO a "1"\nADDCMD c2\nDUMPDONE') == [Reply("DUMPDONE")]
    assert dict(device.snapshot()) == {"a": "1"} and device.commands() == ["c2"]


def test_garbage_is_counted_and_ignored() -> None:
    device = Device("u")
    mirror = Mirror(device)
    feed(mirror, 'BOGUS\nSETINFO\nSETAUX a notanumber\nADDRANGE a 1\nTRACKING x y\n\x00\x01')
    assert mirror.bad_lines == 6
    assert len(device.snapshot()) == 0
