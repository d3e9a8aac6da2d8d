"""``upskit get/list/cmd/set`` print exactly what upsc/upscmd/upsrw print, against real upsd."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.client.fakenut import closed_port
from tests.nutreal import UPSC, UPSCMD, UPSRW, NutReal, nut_server, requires_nut, run_tool
from tests.support import UPSKIT
from upskit.client import Client

pytestmark = [
    requires_nut,
    pytest.mark.nut,
    pytest.mark.skipif(not (UPSC and UPSCMD and UPSRW), reason="NUT client tools absent"),
]

DEV = """\
battery.charge: 100
battery.runtime: 1800
ups.status: OL CHRG
ups.mfr: Acme Power
ups.model: Box 1000
ups.delay.shutdown: 20
ups.id: rack one
#RW:ups.id:STRING:16
"""


@pytest.fixture(scope="module")
def nut(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NutReal]:
    with nut_server(
        tmp_path_factory.mktemp("clinut"),
        {"dummy": DEV, "plain": "ups.status: OB\n"},
        descriptions={"dummy": 'Rack "A" UPS'},
    ) as server:
        yield server


def upskit(*argv: str, stdin: bytes = b"") -> tuple[int, bytes, bytes]:
    return run_tool([*UPSKIT, *argv], stdin=stdin)


def same(real: list[str], ours: list[str], stdin: bytes = b"") -> tuple[int, bytes, bytes]:
    expected = run_tool(real, stdin=stdin)
    got = upskit(*ours, stdin=stdin)
    assert got == expected
    return got


def test_get_all_and_one(nut: NutReal) -> None:
    code, out, _ = same([UPSC, nut.ups("dummy")], ["get", nut.ups("dummy")])
    assert code == 0 and b"ups.mfr: Acme Power\n" in out
    code, out, _ = same([UPSC, nut.ups("dummy"), "ups.status"], ["get", nut.ups("dummy"), "ups.status"])
    assert out == b"OL CHRG\n"


@pytest.mark.parametrize(
    "args",
    [
        ["{dummy}", "no.such"],
        ["{dummy}", "nodot"],
        ["{nope}"],
        ["{nope}", "ups.status"],
        ["dummy@127.0.0.1:{closed}"],
        ["dummy@no-such-host.invalid"],
    ],
)
def test_get_errors(nut: NutReal, args: list[str]) -> None:
    fill = {"dummy": nut.ups("dummy"), "nope": nut.ups("nope"), "closed": closed_port()}
    argv = [a.format(**fill) for a in args]
    code, out, err = same([UPSC, *argv], ["get", *argv])
    assert code == 1 and out == b"" and err.startswith(b"Error: ")


@pytest.mark.parametrize("where", ["dummy@[::1", "dummy@127.0.0.1:abc", "dummy@127.0.0.1:99999", "dummy@"])
def test_bad_targets_end_like_upsc(where: str) -> None:
    """upsc adds a line naming its library function first; the rest is the same."""
    real = run_tool([UPSC, where])
    ours = upskit("get", where)
    assert ours[0] == real[0] == 1
    assert real[2].endswith(ours[2])
    assert ours[2] == b"Error: invalid UPS definition.\nRequired format: upsname[@hostname[:port]]\n"


def test_list_forms(nut: NutReal) -> None:
    _, out, _ = same([UPSC, "-l", nut.target], ["list", nut.target])
    assert out == b"dummy\nplain\n"
    _, out, _ = same([UPSC, "-L", nut.target], ["list", "-L", nut.target])
    assert out == b'dummy: Rack "A" UPS\nplain: Description unavailable\n'
    with Client(nut.host, nut.port) as watcher:
        watcher.authenticate("monsec", "pw")
        watcher.login("plain")
        _code, out, _ = same([UPSC, "-c", nut.ups("plain")], ["list", "-c", nut.ups("plain")])
        assert out == b"127.0.0.1\n"
    same([UPSC, "-c", nut.ups("nope")], ["list", "-c", nut.ups("nope")])
    same([UPSC, "-l", f"127.0.0.1:{closed_port()}"], ["list", f"127.0.0.1:{closed_port()}"])


def test_cmd_list_and_run(nut: NutReal) -> None:
    ups = nut.ups("dummy")
    code, out, _ = same([UPSCMD, "-l", ups], ["cmd", "-l", ups])
    assert out.startswith(b"Instant commands supported on UPS [dummy]:\n\n")
    same([UPSCMD, "-l", nut.ups("nope")], ["cmd", "-l", nut.ups("nope")])
    code, out, err = same([UPSCMD, "-u", "admin", "-p", "secret", ups, "load.off"],
                          ["cmd", "-u", "admin", "-p", "secret", ups, "load.off"])
    assert (code, err) == (0, b"OK\n")
    for user, pw, cmd in [("admin", "bad", "load.off"), ("admin", "secret", "no.cmd"),
                          ("reader", "pw", "load.off")]:
        code, _, err = same([UPSCMD, "-u", user, "-p", pw, ups, cmd], ["cmd", "-u", user, "-p", pw, ups, cmd])
        assert code == 1 and err.startswith(b"Unexpected response from upsd: ERR ")


def test_cmd_wait_reports_the_tracked_result(nut: NutReal) -> None:
    ups = nut.ups("dummy")
    real = run_tool([UPSCMD, "-u", "admin", "-p", "secret", "-w", ups, "load.off"])
    ours = upskit("cmd", "-u", "admin", "-p", "secret", "-w", ups, "load.off")
    # same words; upskit's exit code says that dummy-ups could not carry it out
    assert ours[1:] == real[1:] == (b"", b"ERR UNKNOWN\n")
    assert ours[0] == 1


def test_missing_credentials_on_closed_stdin(nut: NutReal) -> None:
    ups = nut.ups("dummy")
    same([UPSCMD, ups, "load.off"], ["cmd", ups, "load.off"])


def test_set_list_matches_upsrw(nut: NutReal) -> None:
    ups = nut.ups("dummy")
    _code, out, _ = same([UPSRW, ups], ["set", ups])
    assert b"[ups.id]\nUPS system identifier\nType: STRING\nMaximum length: 16\n" in out
    same([UPSRW, "-l", nut.ups("nope")], ["set", "-l", nut.ups("nope")])


def test_set_value(nut: NutReal) -> None:
    ups = nut.ups("plain")
    creds = ["-u", "admin", "-p", "secret"]
    code, _, err = same([UPSRW, "-s", "ups.status=OB LB", *creds, ups], ["set", "-s", "ups.status=OB LB", *creds, ups])
    assert (code, err) == (0, b"OK\n")
    code, _, err = same([UPSRW, "-w", "-s", "ups.status=OL", *creds, ups], ["set", "-w", "-s", "ups.status=OL", *creds, ups])
    assert (code, err) == (0, b"SUCCESS\n")
    for setting in ["ups.status=" + "x" * 40, "no.such=1"]:
        code, _, err = same([UPSRW, "-s", setting, *creds, ups], ["set", "-s", setting, *creds, ups])
        assert code == 1 and err.startswith(b"Unexpected response from upsd: ERR ")
    code, out, err = same([UPSRW, "-s", "ups.status", *creds, ups], ["set", "-s", "ups.status", *creds, ups],
                          stdin=b"OL\n")
    assert out == b"Enter new value for ups.status: " and err == b"OK\n"


def test_json_shapes(nut: NutReal) -> None:
    code, out, _ = upskit("get", "--json", nut.ups("dummy"))
    data = json.loads(out)
    assert code == 0 and data["ups"] == "dummy" and data["vars"]["ups.mfr"] == "Acme Power"
    data = json.loads(upskit("get", "--json", nut.ups("dummy"), "ups.model")[1])
    assert data == {"ups": "dummy", "var": "ups.model", "value": "Box 1000"}
    assert json.loads(upskit("list", "--json", nut.target)[1]) == {"ups": ["dummy", "plain"]}
    assert json.loads(upskit("list", "-L", "--json", nut.target)[1]) == {
        "ups": {"dummy": 'Rack "A" UPS', "plain": "Description unavailable"}
    }
    data = json.loads(upskit("cmd", "-l", "--json", nut.ups("dummy"))[1])
    assert data["ups"] == "dummy" and data["commands"]["load.off"].startswith("Turn off")
    data = json.loads(upskit("set", "--json", nut.ups("dummy"), "ups.id")[1])
    assert data == {"ups": "dummy", "variables": {"ups.id": {
        "description": "UPS system identifier", "value": "rack one", "type": "STRING", "max_length": 16}}}
    code, out, err = upskit("cmd", "--json", "-u", "admin", "-p", "secret", nut.ups("dummy"), "load.off")
    assert code == 0 and err == b""
    assert json.loads(out) == {"ups": "dummy", "command": "load.off", "value": None,
                               "result": "OK", "tracking": None}
