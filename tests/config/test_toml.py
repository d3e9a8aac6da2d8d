"""The native TOML file: schema, errors with lines, and NUT dir -> TOML -> same settings."""

from __future__ import annotations

import dataclasses
import shutil
import tomllib
from pathlib import Path

import pytest

from upskit.config.nutfiles import load_nut_dir
from upskit.config.settings import (
    ConfigError,
    Listen,
    MonitorSettings,
    Origin,
    Settings,
    UpsmonSettings,
    UpsschedSettings,
)
from upskit.config.toml import dump_toml, load_any, load_toml, parse_toml
from upskit.config.toml_lines import find_line

DATA = Path(__file__).parent / "data"
FULL = DATA / "full"


def without_origins(value: object) -> object:
    """A copy with every Origin reset and no source, to compare across formats."""
    if isinstance(value, Origin):
        return Origin()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: without_origins(getattr(value, f.name))
                   for f in dataclasses.fields(value)}
        if isinstance(value, Settings):
            changes["source"] = ""
        return dataclasses.replace(value, **changes)
    if isinstance(value, dict):
        return {k: without_origins(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_origins(v) for v in value]
    return value


def test_example_file() -> None:
    path = DATA / "upskit.toml"
    settings = load_toml(path)
    assert settings.source == str(path)
    assert settings.nut.mode == "standalone"
    assert settings.upsd.listen == [Listen("127.0.0.1", 3493), Listen("::1", 3493),
                                    Listen("0.0.0.0", 3493)]
    assert (settings.upsd.maxage, settings.upsd.max_line, settings.upsd.idle_timeout) == (
        15.0, 8192, 300.0)
    assert settings.ups.globals == {"pollinterval": "2", "maxretry": "3"}
    qnap = settings.ups.ups["qnap"]
    assert (qnap.driver, qnap.port, qnap.desc, qnap.sdorder) == ("nutdrv_qx", "auto",
                                                                 "Rack UPS", 1)
    assert qnap.aliases == ["ups", "qnapups"]
    assert qnap.options == {"port": "auto", "vendorid": "0665", "novendor": True,
                            "default.battery.voltage.high": "27.3",
                            "override.battery.packs": "2", "sdorder": "1"}
    assert qnap.origin == Origin(str(path), 16)
    assert settings.ups.ups["sim"].port == "evolution500.seq"
    admin = settings.users["admin"]
    assert (admin.password, admin.actions, admin.instcmds) == ("secret", {"SET", "FSD"},
                                                               {"ALL"})
    assert settings.users["monuser"].upsmon == "primary"
    upsmon = settings.upsmon
    assert upsmon is not None
    assert upsmon.shutdownexit is None
    assert upsmon.notifyflag == {"ONBATT": {"SYSLOG", "WALL", "EXEC"},
                                 "ONLINE": {"SYSLOG", "EXEC"}}
    assert upsmon.notifymsg == {"ONBATT": "Power gone on %s"}
    assert upsmon.monitors == [
        MonitorSettings("qnap", "localhost", 3493, 1, "monuser", "pass", "primary",
                        Origin(str(path), 52)),
        MonitorSettings("far", "2001:db8::5", 3494, 0, "monuser", "pass", "secondary",
                        Origin(str(path), 59)),
    ]
    sched = settings.upssched
    assert sched is not None
    assert [(r.event, r.ups, r.action, r.args, r.origin.line) for r in sched.rules] == [
        ("ONBATT", "*", "START-TIMER", ["onbatt", "30"], 71),
        ("ONLINE", "*", "CANCEL-TIMER", ["onbatt"], 77),
    ]


def test_round_trip_nut_dir_to_toml() -> None:
    nut = load_nut_dir(FULL)
    text = dump_toml(nut)
    tomllib.loads(text)  # valid TOML
    again = parse_toml(text, "converted.toml")
    assert without_origins(again) == without_origins(nut)
    assert dump_toml(again).splitlines()[1:] == text.splitlines()[1:]


def test_round_trip_keeps_origins_pointing_at_the_toml() -> None:
    text = dump_toml(load_nut_dir(FULL))
    again = parse_toml(text, "converted.toml")
    lines = text.splitlines()
    assert lines[again.ups.ups["qnap"].origin.line - 1] == "[ups.qnap]"
    assert again.upsmon is not None
    assert lines[again.upsmon.monitors[1].origin.line - 1] == "[[monitor.ups]]"
    assert lines[again.upsmon.monitors[1].origin.line] == 'system = "remote@[::1]"'


def test_round_trip_of_defaults() -> None:
    empty = Settings(upsmon=UpsmonSettings(), upssched=UpsschedSettings())
    assert without_origins(parse_toml(dump_toml(empty), "x.toml")) == without_origins(empty)
    assert parse_toml(dump_toml(Settings()), "x.toml").upsmon is None


def test_round_trip_odd_strings() -> None:
    nut = load_nut_dir(FULL)
    nut.ups.ups["qnap"].desc = 'tab\there "quote" back\\slash ünï'
    nut.users["admin"].password = "p#ss = 'x'"
    again = parse_toml(dump_toml(nut), "x.toml")
    assert again.ups.ups["qnap"].desc == nut.ups.ups["qnap"].desc
    assert again.users["admin"].password == "p#ss = 'x'"


BASE = '[ups.a]\ndriver = "dummy-ups"\nport = "a.dev"\n'

TOML_ERRORS = [
    ("[servr]\nmaxage = 1\n", 1, "unknown table [servr] (known: drivers, history, http, monitor, mqtt, notify, nut, server, ups, upssched, users)"),
    ("[server]\nmaxage = 1\nmaxcon = 5\n", 3, 'unknown key "maxcon" in [server]'),
    ("[server]\nmaxage = \"soon\"\n", 2, 'server.maxage needs a number, got "soon"'),
    ("[server]\nmaxconn = 1.5\n", 2, "server.maxconn needs a whole number, got 1.5"),
    ("[server]\nlisten = [\"1.2.3.4:http\"]\n", 2, "server.listen port needs a TCP port number"),
    ("[server]\nlisten = 5\n", 2, "server.listen needs a list of strings, got 5"),
    ("[drivers]\npollinterval = \"fast\"\n", 2, 'drivers.pollinterval needs a number, got "fast"'),
    ("[ups.a]\nport = \"x\"\n", 1, '[ups.a] has no "driver = ..." line'),
    ("\n[ups.a]\ndriver = \"x\"\n", 2, '[ups.a] has no "port = ..." line'),
    (BASE + "pollinterval = \"fast\"\n", 4, 'ups.a.pollinterval needs a number, got "fast"'),
    (BASE + "vendorid = [1, 2]\n", 4, "ups.a.vendorid needs a string, a number or true"),
    (BASE + "aliases = [\"b c\"]\n", 4, 'bad alias "b c"'),
    (BASE + "aliases = [\"x\"]\n[ups.b]\ndriver = \"d\"\nport = \"p\"\naliases = [\"x\"]\n",
     8, 'alias "x" of [ups.b] is already used by [ups.a]'),
    ('[ups."a@b"]\ndriver = "d"\nport = "p"\n', 1, 'bad UPS name "a@b"'),
    ("[ups]\na = 1\n", 2, "[ups.a] must be a table, got 1"),
    ("[users.u]\npassword = \"p\"\ncolour = \"red\"\n", 3, 'unknown key "colour" in [users.u]'),
    ("[users.u]\nupsmon = \"boss\"\n", 2, 'users.u.upsmon needs "primary" or "secondary"'),
    ("[users.u]\nactions = [\"REBOOT\"]\n", 2, 'unknown action "REBOOT"'),
    ("[monitor]\npollfreq = 0\n", 2, "monitor.pollfreq needs a number above 0"),
    ("[monitor]\nshutdownexit = \"later\"\n", 2, 'monitor.shutdownexit needs "yes", "no"'),
    ("[monitor]\nnotifyflag = { ONBATT = \"SYSLOG+BEEP\" }\n", 2, 'monitor.notifyflag.ONBATT has an unknown flag "BEEP"'),
    ("[monitor.notifymsg]\nONFIRE = \"x\"\n", 2, 'monitor.notifymsg.ONFIRE has an unknown notification type'),
    ("[monitor]\n[[monitor.ups]]\nsystem = \"a@h\"\nusername = \"u\"\npassword = \"p\"\nrole = \"primary\"\n"
     "[[monitor.ups]]\nsystem = \"b@h\"\nusername = \"u\"\npassword = \"p\"\nrole = \"primary\"\ncolour = 1\n",
     12, 'unknown key "colour" in [monitor.ups]'),
    ("[[monitor.ups]]\nsystem = \"a@h\"\nusername = \"u\"\npassword = \"p\"\n", 1, '[[monitor.ups]] number 1 needs "role"'),
    ("[[monitor.ups]]\nsystem = \"a@h:0\"\nusername = \"u\"\npassword = \"p\"\nrole = \"primary\"\n", 2, "monitor.ups.system port needs a TCP port number"),
    ("[[monitor.ups]]\nsystem = \"a@h\"\nusername = \"u\"\npassword = \"p\"\nrole = \"primary\"\n"
     "[[monitor.ups]]\nsystem = \"a@h:3493\"\nusername = \"u\"\npassword = \"p\"\nrole = \"primary\"\n", 6, "a@h is monitored twice"),
    ("[monitor]\nups = 3\n", 2, "monitor.ups must be written as [[monitor.ups]] tables"),
    ("[monitor.certhost.h]\ncertverify = true\n", 1, '[monitor.certhost.h] needs "certname"'),
    ("[upssched]\ntimers = 1\n", 2, 'unknown key "timers" in [upssched]'),
    ("[upssched]\n[[upssched.at]]\nevent = \"ONBATT\"\naction = \"START-TIMER\"\nargs = [\"t\"]\n", 2, "[[upssched.at]] action START-TIMER needs 2 argument(s), got 1"),
    ("[[upssched.at]]\nevent = \"ONBATT\"\n", 1, '[[upssched.at]] number 1 needs "action"'),
    ("[nut]\nmode = \"server\"\n", 2, "nut.mode must be one of none, standalone"),
    ("[server]\nmaxage = \n", 2, "TOML syntax error: Invalid value (column 10)"),
    ("[server]\nmaxage = 1\nmaxage = 2\n", 3, "TOML syntax error"),
    ("[ups.a]\ndesc = \"open\n", 2, "TOML syntax error"),
]


@pytest.mark.parametrize(("text", "line", "message"), TOML_ERRORS,
                         ids=[str(i) for i in range(len(TOML_ERRORS))])
def test_toml_error_names_file_and_line(tmp_path: Path, text: str, line: int,
                                        message: str) -> None:
    path = tmp_path / "upskit.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_toml(path)
    assert (info.value.file, info.value.line) == (str(path), line)
    assert message in info.value.message
    assert str(info.value).startswith(f"{path}:{line}: ")


def test_unknown_driver_global_warns(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "u.toml"
    path.write_text("[drivers]\n\nturbo = 1\n")
    assert load_toml(path).ups.globals == {"turbo": "1"}
    assert f"{path}:3: unknown global driver setting" in caplog.text
    with pytest.raises(ConfigError, match=r"u.toml:3: unknown global"):
        load_toml(path, strict=True)


@pytest.mark.parametrize(
    ("path", "line"),
    [(("server", "maxage"), 3), (("ups", "a"), 4), (("ups", "a", "default.x.y"), 6),
     (("ups", "a", "default", "x", "y"), 6), (("ups", "a", "missing"), 4),
     (("monitor", "ups", 1), 9), (("monitor", "ups", 1, "role"), 10),
     (("monitor", "ups", 0, "role"), 8), (("nothing",), None)],
)
def test_find_line(path: tuple[str | int, ...], line: int | None) -> None:
    text = ("# c\n[server]\nmaxage = 1\n[ups.a]\ndriver = \"x\"\n\"default.x.y\" = 1\n"
            "[[monitor.ups]]\nrole = \"a\"\n[[monitor.ups]]\nrole = \"b\"\n")
    assert find_line(text, path) == line


def test_load_any(tmp_path: Path) -> None:
    assert load_any(FULL).source == str(FULL)
    assert load_any(FULL / "ups.conf").source == str(FULL)
    assert load_any(DATA / "upskit.toml").nut.mode == "standalone"
    shutil.copy(DATA / "upskit.toml", tmp_path / "settings.TOML")
    assert "qnap" in load_any(tmp_path / "settings.TOML").ups.ups
    with pytest.raises(ConfigError, match="no such file or directory"):
        load_any(tmp_path / "missing")
    (tmp_path / "notes.txt").write_text("")
    with pytest.raises(ConfigError, match="expected a NUT configuration directory"):
        load_any(tmp_path / "notes.txt")
