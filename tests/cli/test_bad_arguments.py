"""Every subcommand, fed bad arguments, answers with a message and never a traceback.

Usage and configuration errors exit with 2; the client commands keep upsc's exit code 1
for a bad ``ups@host:port`` or an unreachable server (their output matches NUT's tools).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import run_upskit
from upskit.cli.main import COMMANDS

#: A port nothing listens on (connection refused at once).
DEAD = "127.0.0.1:1"

#: (id, argv, expected exit code, text expected in stderr); ``{tmp}`` is a scratch dir.
CASES: list[tuple[str, list[str], int, str]] = [
    ("no-command", [], 2, ""),
    ("unknown-command", ["bogus"], 2, "invalid choice"),
    ("unknown-global-option", ["--bogus"], 2, "unrecognized"),
    # demo
    ("demo-unknown-option", ["demo", "--bogus"], 2, "unrecognized"),
    ("demo-bad-listen", ["demo", "--listen", "[::1"], 2, "bad address"),
    ("demo-bad-upstype", ["demo", "--contact", "24"], 2, "upstype is 0 to 23"),
    # run
    ("run-unknown-option", ["run", "--bogus"], 2, "unrecognized"),
    ("run-missing-toml", ["run", "--config", "{tmp}/missing.toml"], 2, "missing.toml"),
    ("run-missing-dir", ["run", "--nut-config-dir", "{tmp}/nodir"], 2, "nodir"),
    ("run-bad-listen", ["run", "--listen", "1.2.3.4:99999"], 2, "out of range"),
    ("run-deep-toml", ["run", "--config", "{tmp}/deep.toml"], 2, "deep.toml"),
    ("run-deep-array-toml", ["run", "--config", "{tmp}/deeparray.toml"], 2, "deeparray.toml"),
    ("run-bad-value", ["run", "--nut-config-dir", "{tmp}/badvalue"], 2, "ups.conf:3"),
    ("run-dangling-ups-conf", ["run", "--nut-config-dir", "{tmp}/dangling"], 2, "ups.conf"),
    ("run-unreadable-ups-conf", ["run", "--nut-config-dir", "{tmp}/dirfile"], 2, "ups.conf"),
    # get / list / cmd / set (upsc, upscmd, upsrw behaviour: exit 1 for a bad target)
    ("get-no-ups", ["get"], 2, "required"),
    ("get-unknown-option", ["get", "--bogus", "ups"], 2, "unrecognized"),
    ("get-bad-port", ["get", "ups@localhost:99999"], 1, "invalid UPS definition"),
    ("get-bad-timeout", ["get", "--timeout", "abc", "ups"], 2, "--timeout"),
    ("get-negative-timeout", ["get", "--timeout", "-1", f"ups@{DEAD}"], 2, "timeout"),
    ("get-no-server", ["get", f"ups@{DEAD}"], 1, "Error"),
    ("get-missing-cafile", ["get", "--starttls", "--cafile", "{tmp}/missing.pem",
                            f"ups@{DEAD}"], 2, "missing.pem"),
    ("list-bad-host", ["list", "[::1"], 1, "invalid UPS definition"),
    ("list-clients-no-ups", ["list", "-c"], 1, "invalid UPS definition"),
    ("cmd-no-ups", ["cmd"], 2, "required"),
    ("cmd-no-server", ["cmd", "-u", "u", "-p", "p", f"ups@{DEAD}", "beeper.on"], 1, "Error"),
    ("cmd-bad-wait-timeout", ["cmd", "-t", "x", "ups", "beeper.on"], 2, "invalid"),
    ("set-no-server", ["set", "-u", "u", "-p", "p", "-s", "a.b=1", f"ups@{DEAD}"], 1, "Error"),
    ("set-bad-target", ["set", "@nohost"], 1, "invalid UPS definition"),
    # monitor / killpower
    ("monitor-no-config", ["monitor"], 2, "required"),
    ("monitor-missing-toml", ["monitor", "--config", "{tmp}/missing.toml"], 2, "missing.toml"),
    ("monitor-dangling-upsmon", ["monitor", "--nut-config-dir", "{tmp}/danglingmon"], 2,
     "upsmon.conf"),
    ("monitor-deep-toml", ["monitor", "--config", "{tmp}/deep.toml"], 2, "deep.toml"),
    ("killpower-no-config", ["killpower"], 2, "required"),
    ("killpower-missing-dir", ["killpower", "--nut-config-dir", "{tmp}/nodir"], 2, "nodir"),
    ("killpower-bad-value", ["killpower", "--nut-config-dir", "{tmp}/badvalue"], 2,
     "ups.conf:3"),
    # simulate
    ("simulate-no-dialect", ["simulate"], 2, "required"),
    ("simulate-unknown-dialect", ["simulate", "megatc"], 2, "megatec"),
    ("simulate-bad-speed", ["simulate", "megatec", "--speed", "abc"], 2, "--speed"),
    ("simulate-zero-speed", ["simulate", "megatec", "--speed", "0"], 2, "--speed"),
    ("simulate-negative-baud", ["simulate", "megatec", "--baud", "-5"], 2, "--baud"),
    ("simulate-bad-control", ["simulate", "megatec", "--control", "{tmp}/nodir/sock"], 2,
     "nodir/sock"),
    # raw
    ("raw-no-port", ["raw"], 2, "required"),
    ("raw-unknown-dialect", ["raw", "sim://megatc", "Q1"], 2, "megatec"),
    ("raw-unknown-scheme", ["raw", "bogus://x", "Q1"], 2, "unknown port scheme"),
    ("raw-bad-usb-id", ["raw", "usb://zzzz", "Q1"], 2, "bad USB id"),
    ("raw-unknown-usb-sim", ["raw", "sim://usb/bogus", "Q1"], 2, "cypress"),
    ("raw-bad-sim-option", ["raw", "sim://megatec?speed=fast", "Q1"], 2, "speed"),
    ("raw-bad-escape", ["raw", "sim://megatec", "Q1\\x"], 2, "escape"),
    ("raw-not-latin1", ["raw", "sim://megatec", "Q€"], 2, "latin-1"),
    ("raw-bad-timeout", ["raw", "-t", "soon", "sim://megatec", "Q1"], 2, "--timeout"),
    ("raw-missing-serial", ["raw", "{tmp}/ttyNONE", "Q1"], 1, "ttyNONE"),
    ("raw-bad-option", ["raw", "-o", "baudrate=fast", "{tmp}/ttyNONE", "Q1"], 2, "baudrate"),
    # lines
    ("lines-no-port", ["lines"], 2, "required"),
    ("lines-bad-level", ["lines", "--dtr", "maybe", "sim://contact/2"], 2, "--dtr"),
    ("lines-unknown-type", ["lines", "sim://contact/99", "--once"], 2, "no such upstype"),
    ("lines-missing-serial", ["lines", "{tmp}/ttyNONE", "--once"], 1, "ttyNONE"),
    # hid
    ("hid-no-action", ["hid"], 2, "required"),
    ("hid-unknown-scheme", ["hid", "explore", "bogus://x"], 2, "unknown port scheme"),
    ("hid-unknown-usb-sim", ["hid", "descriptor", "sim://usb/bogus"], 2, "apc-back-ups"),
    ("hid-not-hid-port", ["hid", "explore", "sim://megatec"], 2, "HidPort"),
    ("hid-garbage-log", ["hid", "generate", "{tmp}/deep.toml"], 2, "no explore lines"),
    ("hid-missing-log", ["hid", "generate", "{tmp}/missing.log"], 2, "missing.log"),
    ("hid-bad-vendorid", ["hid", "generate", "--vendorid", "xyz"], 2, "bad USB id"),
    # snmp
    ("snmp-no-action", ["snmp"], 2, "required"),
    ("snmp-missing-walk", ["snmp", "generate", "{tmp}/missing.walk"], 2, "missing.walk"),
    ("snmp-garbage-walk", ["snmp", "generate", "{tmp}/deep.toml"], 2, "-On"),
    ("snmp-bad-sysoid", ["snmp", "generate", "--sysoid", "abc", "{tmp}/walk.txt"], 2,
     "not an OID"),
    ("snmp-bad-type", ["snmp", "generate", "--type", "fridge", "{tmp}/walk.txt"], 2, "--type"),
    # scan
    ("scan-unknown-sim", ["scan", "--simulate", "bogus", "--no-serial"], 2, "cypress"),
    ("scan-bad-time", ["scan", "--time", "abc"], 2, "--time"),
    ("scan-snmp-too-wide", ["scan", "--no-usb", "--no-serial", "--snmp", "10.0.0.0/16"], 2,
     "at most 256"),
    ("scan-snmp-bad-port", ["scan", "--no-usb", "--no-serial", "--snmp", "host:99999"], 2,
     "bad UDP port"),
    ("scan-infinite-time", ["scan", "--time", "inf", "--no-usb", "--no-serial"], 2, "--time"),
    ("scan-missing-serial", ["scan", "--no-usb", "--serial", "{tmp}/ttyNONE"], 0, ""),
    # udev-rules
    ("udev-unknown-option", ["udev-rules", "--bogus"], 2, "unrecognized"),
    ("udev-bad-mode", ["udev-rules", "--mode", "999"], 2, "--mode"),
    ("udev-word-mode", ["udev-rules", "--mode", "rw"], 2, "--mode"),
    ("udev-bad-group", ["udev-rules", "--group", "a b"], 2, "--group"),
    ("udev-quote-group", ["udev-rules", "--group", 'nut"'], 2, "--group"),
    ("udev-empty-group", ["udev-rules", "--group", ""], 2, "--group"),
    # history / events, and the HTTP service's address
    ("history-no-ups", ["history"], 2, "required"),
    ("history-bad-since", ["history", "rack", "--since", "soon"], 2, "--since"),
    ("history-missing-db", ["history", "rack", "--db", "{tmp}/missing.sqlite"], 1,
     "no history recorded"),
    ("events-missing-db", ["events", "--db", "{tmp}/missing.sqlite"], 1, "no history recorded"),
    ("events-bad-limit", ["events", "--limit", "x"], 2, "--limit"),
    ("run-bad-http", ["run", "--http", "1.2.3.4:99999"], 2, "--http"),
    # driver / drvctl (NUT's driver socket)
    ("driver-no-name", ["driver"], 2, "required"),
    ("driver-unknown-ups", ["driver", "-a", "no-such-ups", "-F"], 1, "upskit driver:"),
    ("drvctl-bad-action", ["drvctl", "bogus"], 2, "invalid choice"),
    ("drvctl-run-absent", ["drvctl", "status", "--run", "{tmp}/nodir/sock"], 1, "cannot reach"),
    ("run-check-bad-value", ["run", "--check", "--nut-config-dir", "{tmp}/badvalue"], 2,
     "ups.conf:3"),
    ("demo-bad-http", ["demo", "--http", "[::1"], 2, "--http"),
]


def test_every_subcommand_is_exercised() -> None:
    covered = {argv[0] for _, argv, _, _ in CASES if argv}
    assert set(COMMANDS) <= covered


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("badargs")
    (tmp / "deep.toml").write_text("x = " + "{a = " * 5000 + "1" + "}" * 5000 + "\n")
    (tmp / "deeparray.toml").write_text("[ups.u]\nx = " + "[" * 5000 + "]" * 5000 + "\n")
    bad = tmp / "badvalue"
    bad.mkdir()
    (bad / "ups.conf").write_text("[u]\n driver = nutdrv_qx\n maxretry = many\n port = auto\n")
    dangling = tmp / "dangling"
    dangling.mkdir()
    (dangling / "ups.conf").symlink_to(tmp / "nowhere.conf")
    danglingmon = tmp / "danglingmon"
    danglingmon.mkdir()
    (danglingmon / "upsmon.conf").symlink_to(danglingmon / "upsmon.conf")  # a loop
    (tmp / "walk.txt").write_text(".1.3.6.1.4.1.99997.1.0 = INTEGER: 5\n")
    dirfile = tmp / "dirfile"
    (dirfile / "ups.conf").mkdir(parents=True)
    return tmp


@pytest.mark.parametrize(("argv", "code", "text"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_bad_arguments_give_a_message_not_a_traceback(
        scratch: Path, argv: list[str], code: int, text: str) -> None:
    argv = [a.replace("{tmp}", str(scratch)) for a in argv]
    text = text.replace("{tmp}", str(scratch))
    done = run_upskit(*argv)
    assert "Traceback" not in done.stderr, done.stderr
    assert "Traceback" not in done.stdout, done.stdout
    assert done.returncode == code, (done.stdout, done.stderr)
    assert text in done.stderr, done.stderr
    if code == 2 and argv:
        last = done.stderr.strip().splitlines()[-1]
        assert len(last) < 400, "one short line says what is wrong"


@pytest.mark.parametrize("argv", [["-v", "udev-rules"], ["udev-rules", "-v"],
                                  ["-v", "udev-rules", "-v"], ["udev-rules", "-vv"]])
def test_verbose_before_or_after_the_subcommand(argv: list[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from upskit.cli import main as entry

    seen: list[int] = []
    monkeypatch.setattr(entry, "setup_logging", seen.append)
    assert entry.main(argv) == 0
    assert seen == [argv.count("-v") + 2 * argv.count("-vv")]
