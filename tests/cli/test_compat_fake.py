"""CLI output against a scripted server, compared with NUT's own tools where present."""

from __future__ import annotations

import json

import pytest

from tests.client.fakenut import CLOSE, fake_nut, nut_list
from tests.nutreal import UPSC, UPSCMD, UPSRW, run_tool
from tests.support import UPSKIT

TABLE = {
    "STARTTLS": b"ERR FEATURE-NOT-CONFIGURED\n",
    "LOGOUT": b"OK Goodbye\n",
    "LIST RW u": nut_list("RW u", [
        'RW u a.enum "170"', 'RW u b.range "20"', 'RW u c.str "x \\"y\\""',
        'RW u d.num "5"', 'RW u e.range "7"', 'RW u f.odd "q"',
    ]),
    "GET TYPE u a.enum": b"TYPE u a.enum RW ENUM\n",
    "GET TYPE u b.range": b"TYPE u b.range RW RANGE\n",
    "GET TYPE u c.str": b"TYPE u c.str RW STRING:16\n",
    "GET TYPE u d.num": b"TYPE u d.num RW NUMBER\n",
    "GET TYPE u e.range": b"TYPE u e.range RW RANGE NUMBER\n",
    "GET TYPE u f.odd": b"TYPE u f.odd RW FOO\n",
    "GET DESC u a.enum": b'DESC u a.enum "Low transfer"\n',
    "GET DESC u b.range": b'DESC u b.range "Description unavailable"\n',
    "GET DESC u c.str": b'DESC u c.str "Name"\n',
    "GET DESC u d.num": b'DESC u d.num "Count"\n',
    "GET DESC u e.range": b'DESC u e.range "Delay"\n',
    "GET DESC u f.odd": b'DESC u f.odd "Odd"\n',
    "GET VAR u a.enum": b'VAR u a.enum "170"\n',
    "GET VAR u b.range": b'VAR u b.range "20"\n',
    "GET VAR u c.str": b'VAR u c.str "x \\"y\\""\n',
    "GET VAR u d.num": b'VAR u d.num "5"\n',
    "GET VAR u e.range": b'VAR u e.range "7"\n',
    "GET VAR u f.odd": b'VAR u f.odd "q"\n',
    "LIST ENUM u a.enum": nut_list("ENUM u a.enum", [
        'ENUM u a.enum "160"', 'ENUM u a.enum "170"', 'ENUM u a.enum "180"']),
    "LIST RANGE u b.range": nut_list("RANGE u b.range", [
        'RANGE u b.range "10" "30"', 'RANGE u b.range "40" "60"']),
    "LIST RANGE u e.range": nut_list("RANGE u e.range", ['RANGE u e.range "1" "5"']),
    "LIST CMD u": nut_list("CMD u", ["CMD u load.off", "CMD u x.y", "CMD u beeper.on"]),
    "GET CMDDESC u load.off": b'CMDDESC u load.off "Turn off"\n',
    "GET CMDDESC u x.y": b'CMDDESC u x.y "Description unavailable"\n',
    "GET CMDDESC u beeper.on": b'CMDDESC u beeper.on "Beep \\"on\\" \\\\ now"\n',
    "LIST VAR u": nut_list("VAR u", ['VAR u a.b "plain"', 'VAR u c.d ""', 'VAR u e.f "q \\"x\\" \\\\"']),
    "LIST VAR w": b'BEGIN LIST VAR w\nVAR w a.b "caf\xc3\xa9 \xff"\nEND LIST VAR w\n',
    "LIST VAR v": b"BEGIN LIST VAR v\nVAR v a.b\n",
    "GET VAR u gone.now": CLOSE,
    "LIST UPS": nut_list("UPS", ['UPS u "Desc"', 'UPS v ""']),
}


def upskit(*argv: str) -> tuple[int, bytes, bytes]:
    return run_tool([*UPSKIT, *argv])


def compare(tool: str | None, real: list[str], ours: list[str]) -> tuple[int, bytes, bytes]:
    got = upskit(*ours)
    if tool is not None:
        assert got == run_tool([tool, *real])
    return got


def test_upsrw_listing_with_enum_range_string_number() -> None:
    with fake_nut(TABLE) as fake:
        code, out, _ = compare(UPSRW, [fake.ups("u")], ["set", fake.ups("u")])
    assert code == 0
    assert b'[a.enum]\nLow transfer\nType: ENUM\nOption: "160"\nOption: "170" SELECTED\nOption: "180"\n\n' in out
    assert b'Type: RANGE NUMBER\nOption: "10-30" SELECTED\nOption: "40-60"\n\n' in out
    assert b'Type: STRING\nMaximum length: 16\nValue: x "y"\n\n' in out
    assert b"Type: FOO (unrecognized)\n\n" in out


def test_set_json_listing() -> None:
    with fake_nut(TABLE) as fake:
        _code, out, _ = upskit("set", "--json", fake.ups("u"))
    data = json.loads(out)["variables"]
    assert data["a.enum"]["options"] == ["160", "170", "180"]
    assert data["b.range"] == {"description": "Description unavailable", "value": "20",
                               "type": "RANGE", "ranges": [["10", "30"], ["40", "60"]]}
    assert data["c.str"]["max_length"] == 16
    assert data["d.num"]["type"] == "NUMBER"


def test_upscmd_listing_with_escaped_descriptions() -> None:
    with fake_nut(TABLE) as fake:
        _code, out, _ = compare(UPSCMD, ["-l", fake.ups("u")], ["cmd", "-l", fake.ups("u")])
    assert out.endswith(b'beeper.on - Beep "on" \\ now\n')


def test_upsc_unescapes_values_and_keeps_bytes() -> None:
    with fake_nut(TABLE) as fake:
        _code, out, _ = compare(UPSC, [fake.ups("u")], ["get", fake.ups("u")])
        assert out == b'a.b: plain\nc.d: \ne.f: q "x" \\\n'
        # upsc 2.8.0 drops non-ASCII bytes; upskit passes every byte through
        assert upskit("get", fake.ups("w")) == (0, b"a.b: caf\xc3\xa9 \xff\n", b"")
        compare(UPSC, ["-L", f"{fake.host}:{fake.port}"], ["list", "-L", f"{fake.host}:{fake.port}"])


def test_dropped_connection_and_truncated_list_fail_cleanly() -> None:
    with fake_nut(TABLE) as fake:
        code, out, err = compare(UPSC, [fake.ups("u"), "gone.now"], ["get", fake.ups("u"), "gone.now"])
        assert (code, err) == (1, b"Error: Server disconnected\n")
        code, out, err = upskit("get", "--timeout", "0.5", fake.ups("v"))
        assert code == 1 and out == b"" and err.startswith(b"Error: ")
        assert b"Traceback" not in err


@pytest.mark.parametrize("reply", [b"GARBAGE\n", b'VAR u x.y "1" "2"\n', b'VAR u x.y "open\n'])
def test_garbage_is_a_protocol_error(reply: bytes) -> None:
    with fake_nut({"GET VAR u x.y": reply}) as fake:
        code, out, err = upskit("get", fake.ups("u"), "x.y")
    assert (code, out, err) == (1, b"", b"Error: Protocol error\n")
