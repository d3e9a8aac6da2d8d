"""NUT's own files, read unchanged: every directive lands in the right field."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from upskit.config.nutfiles import (
    load_nut_conf,
    load_nut_dir,
    load_ups_conf,
    load_upsd_conf,
    load_upsd_users,
    load_upsmon_conf,
    load_upssched_conf,
)
from upskit.config.settings import (
    CertHost,
    ConfigError,
    Listen,
    MonitorSettings,
    NutConf,
    Origin,
    UpsdSettings,
    UpsmonSettings,
    UpsschedRule,
)

FULL = Path(__file__).parent / "data" / "full"
DEBIAN = Path("/etc/nut")


def test_ups_conf_globals_and_sections() -> None:
    conf = load_ups_conf(FULL / "ups.conf")
    assert conf.globals == {
        "maxretry": "3", "retrydelay": "5", "pollinterval": "2", "statepath": "/run/nut",
        "user": "nut", "nowait": True, "synchronous": "auto",
    }
    assert list(conf.ups) == ["qnap", "serial", "sim", "remote"]
    qnap = conf.ups["qnap"]
    assert qnap.driver == "nutdrv_qx"
    assert qnap.port == "auto"
    assert qnap.desc == 'Rack UPS "A" (Megatec over USB)'
    assert qnap.sdorder == 1
    assert qnap.aliases == ["ups", "qnapups"]
    assert qnap.options == {
        "port": "auto", "vendorid": "0665", "productid": "5161", "subdriver": "cypress",
        "protocol": "megatec", "novendor": True, "default.battery.voltage.high": "27.3",
        "override.battery.packs": "2", "sdorder": "1",
    }
    assert qnap.origin == Origin(str(FULL / "ups.conf"), 10)
    assert conf.ups["serial"].options["pollinterval"] == "5"
    # Relative ports stay as written; the driver resolves them.
    assert conf.ups["sim"].port == "evolution500.seq"
    assert conf.ups["remote"].port == "otherups@[::1]:3493"
    assert conf.ups["remote"].desc == "Relay of a remote UPS"


def test_upsd_conf_every_directive() -> None:
    upsd = load_upsd_conf(FULL / "upsd.conf")
    assert upsd == UpsdSettings(
        listen=[Listen("127.0.0.1", 3493), Listen("::1", 3493), Listen("fe80::1%eth0", 3494),
                Listen("0.0.0.0", 13493)],
        maxage=20.0, maxconn=64, trackingdelay=600.0, statepath="/run/nut",
        certfile="/etc/nut/upsd.pem", certpath="/etc/nut/certs", certident="upsd server",
        certident_password="db secret", certrequest=1, disable_weak_ssl=True,
        allow_no_device=True, allow_not_all_listeners=True, debug_min=2, max_line=8192,
        idle_timeout=600.0,
    )


def test_upsd_users() -> None:
    users = load_upsd_users(FULL / "upsd.users")
    assert list(users) == ["admin", "tester", "monuser", "observer"]
    admin = users["admin"]
    assert admin.password == "s3cr#t with spaces"
    assert admin.actions == {"SET", "FSD"}
    assert admin.instcmds == {"ALL"}
    assert admin.may_instcmd("beeper.toggle")
    tester = users["tester"]
    assert tester.password == "test"
    assert tester.instcmds == {"test.battery.start", "test.battery.stop"}
    assert not tester.may_instcmd("shutdown.return")
    assert users["monuser"].upsmon == "primary"
    assert users["observer"].upsmon == "secondary"
    assert users["observer"].actions == {"SET", "FSD"}
    assert users["observer"].origin.line == 16


def test_upsmon_conf_every_directive() -> None:
    upsmon = load_upsmon_conf(FULL / "upsmon.conf")
    file = str(FULL / "upsmon.conf")
    assert upsmon.monitors == [
        MonitorSettings("qnap", "localhost", 3493, 1, "monuser", "pass", "primary",
                        Origin(file, 1)),
        MonitorSettings("remote", "::1", 3493, 0, "observer", "pass2", "secondary",
                        Origin(file, 2)),
        MonitorSettings("bigups", "server.example", 5678, 2, "observer", "pass word",
                        "secondary", Origin(file, 3)),
        MonitorSettings("plain", "localhost", 3493, 1, "monuser", "pass", "primary",
                        Origin(file, 4)),
    ]
    assert upsmon.monitors[2].system == "bigups@server.example:5678"
    expected = UpsmonSettings(
        monitors=upsmon.monitors, minsupplies=2, pollfreq=10.0, pollfreqalert=2.5,
        hostsync=30.0, deadtime=45.0, finaldelay=0.0, powerdownflag="/etc/killpower",
        shutdowncmd="/sbin/shutdown -h +0", notifycmd="/usr/sbin/upssched",
        notifymsg={"ONLINE": "UPS %s on line power", "ONBATT": "UPS %s on battery"},
        notifyflag={"ONLINE": {"SYSLOG", "WALL"}, "ONBATT": {"SYSLOG", "WALL", "EXEC"},
                    "REPLBATT": {"IGNORE"}},
        rbwarntime=86400.0, nocommwarntime=600.0, offduration=-1.0, overduration=60.0,
        oblbduration=3.0, alarmcritical=False, shutdownexit=30.0, run_as_user="nutmon",
        certpath="/etc/ssl/certs", certident="my cert", certident_password="db pass",
        certverify=True, forcessl=True, debug_min=1, pollfail_log_throttle_max=10,
        certhosts={"server.example": CertHost("server.example", "upsd cert", True, False,
                                              Origin(file, 29))},
    )
    assert upsmon == expected


def test_upsmon_defaults_are_nuts() -> None:
    defaults = UpsmonSettings()
    assert (defaults.minsupplies, defaults.pollfreq, defaults.pollfreqalert, defaults.hostsync,
            defaults.deadtime, defaults.finaldelay, defaults.rbwarntime,
            defaults.nocommwarntime, defaults.offduration, defaults.overduration,
            defaults.oblbduration, defaults.alarmcritical, defaults.shutdownexit) == (
        1, 5, None, 15, 15, 5, 43200, 300, 30, -1, 0, True, 0)


@pytest.mark.parametrize(
    ("line", "expected"),
    [("SHUTDOWNEXIT yes", 0.0), ("SHUTDOWNEXIT no", None), ("SHUTDOWNEXIT 0", 0.0),
     ("SHUTDOWNEXIT 12.5", 12.5), ("SHUTDOWNEXIT ON", 0.0), ("SHUTDOWNEXIT false", None)],
)
def test_shutdownexit_forms(tmp_path: Path, line: str, expected: float | None) -> None:
    (tmp_path / "upsmon.conf").write_text(line + "\n")
    assert load_upsmon_conf(tmp_path / "upsmon.conf").shutdownexit == expected


def test_upssched_conf() -> None:
    sched = load_upssched_conf(FULL / "upssched.conf")
    file = str(FULL / "upssched.conf")
    assert sched.cmdscript == "/usr/local/bin/upssched-cmd"
    assert sched.pipefn == "/run/nut/upssched.pipe"
    assert sched.lockfn == "/run/nut/upssched.lock"
    assert sched.rules == [
        UpsschedRule("ONBATT", "*", "START-TIMER", ["onbatt", "30"], Origin(file, 4)),
        UpsschedRule("ONLINE", "*", "CANCEL-TIMER", ["onbatt", "online"], Origin(file, 5)),
        UpsschedRule("LOWBATT", "qnap", "START-TIMER-SHARED", ["lowbatt", "5"], Origin(file, 6)),
        UpsschedRule("COMMBAD", "*", "EXECUTE", ["commbad"], Origin(file, 7)),
        UpsschedRule("ONLINE", "qnap", "CANCEL-TIMER", ["lowbatt"], Origin(file, 8)),
    ]


def test_cmdscript_with_arguments(tmp_path: Path) -> None:
    (tmp_path / "upssched.conf").write_text('CMDSCRIPT /bin/cmd --tag "a b"\n')
    assert load_upssched_conf(tmp_path / "upssched.conf").cmdscript == "/bin/cmd --tag 'a b'"


def test_nut_conf() -> None:
    assert load_nut_conf(FULL / "nut.conf") == NutConf(
        mode="netserver", values={"UPSD_OPTIONS": "-u nut", "POWEROFF_WAIT": "15m"})


def test_nut_conf_plain_and_export_only(tmp_path: Path) -> None:
    (tmp_path / "nut.conf").write_text("MODE=standalone\nexport MODE\n")
    assert load_nut_conf(tmp_path / "nut.conf") == NutConf(mode="standalone")


def test_load_nut_dir_reads_everything() -> None:
    settings = load_nut_dir(FULL)
    assert settings.source == str(FULL)
    assert settings.nut.mode == "netserver"
    assert list(settings.ups.ups) == ["qnap", "serial", "sim", "remote"]
    assert settings.upsd.maxage == 20
    assert set(settings.users) == {"admin", "tester", "monuser", "observer"}
    assert settings.upsmon is not None and len(settings.upsmon.monitors) == 4
    assert settings.upssched is not None and len(settings.upssched.rules) == 5


def test_load_nut_dir_missing_files_are_optional(tmp_path: Path) -> None:
    shutil.copy(FULL / "ups.conf", tmp_path / "ups.conf")
    settings = load_nut_dir(tmp_path)
    assert len(settings.ups.ups) == 4
    assert settings.upsmon is None
    assert settings.upssched is None
    assert settings.users == {}
    assert settings.upsd == UpsdSettings()
    assert settings.nut == NutConf()


def test_load_nut_dir_empty_and_missing(tmp_path: Path) -> None:
    assert load_nut_dir(tmp_path).ups.ups == {}
    with pytest.raises(ConfigError, match="directory not found"):
        load_nut_dir(tmp_path / "nope")
    (tmp_path / "file").write_text("")
    with pytest.raises(ConfigError, match="is not a directory"):
        load_nut_dir(tmp_path / "file")


def test_unreadable_file_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "upsd.conf").write_bytes(b"MAXAGE 15\nLISTEN \xff\n")
    with pytest.raises(ConfigError, match=r"upsd.conf:2: text is not valid UTF-8"):
        load_nut_dir(tmp_path)


def _readable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.R_OK)


@pytest.mark.skipif(not _readable(DEBIAN / "upsmon.conf"), reason="Debian's NUT samples absent")
def test_debian_sample_files_parse() -> None:
    settings = load_nut_dir(DEBIAN, strict=True)
    assert settings.nut.mode in ("none", "standalone", "netserver", "netclient")
    if settings.upsmon is not None:
        # The sample keeps NUT's defaults but writes them out.
        assert settings.upsmon.minsupplies == 1
        assert settings.upsmon.deadtime == 15


def test_debian_style_sample_text(tmp_path: Path) -> None:
    """The shape of Debian's samples (long comment blocks, few directives) without /etc/nut."""
    (tmp_path / "upsmon.conf").write_text(
        "# Network UPS Tools: example upsmon configuration\n#\n"
        "# MONITOR myups@bigserver 1 upsmon mypass primary\n"
        "# NOTIFYFLAG ONLINE SYSLOG+WALL+EXEC\n\n"
        "MINSUPPLIES 1\nSHUTDOWNCMD \"/sbin/shutdown -h +0\"\n"
        "POLLFREQ 5\nPOWERDOWNFLAG /etc/killpower\n"
        "# RUN_AS_USER nut\n")
    (tmp_path / "ups.conf").write_text("# [myups]\n#\tdriver = mydriver\nmaxretry = 3\n")
    (tmp_path / "upsd.users").write_text("#\t[admin]\n#\t\tpassword = mypass\n")
    settings = load_nut_dir(tmp_path, strict=True)
    assert settings.ups.globals == {"maxretry": "3"}
    assert settings.users == {}
    assert settings.upsmon is not None
    assert settings.upsmon.shutdowncmd == "/sbin/shutdown -h +0"
    assert settings.upsmon.monitors == []


_EXAMPLES = {
    "upsd.conf": r"^# ((MAXAGE|TRACKINGDELAY|MAXCONN) \d+|ALLOW_NO_DEVICE true|STATEPATH /\S+"
                 r"|LISTEN \S+( \d+)?|CERTFILE /\S+|CERTPATH /\S+|CERTIDENT \".*|CERTREQUEST [A-Z]+"
                 r"|DISABLE_WEAK_SSL true)$",
    "upsmon.conf": r"^# (MONITOR \S+@\S+ \d .*|NOTIFYMSG [A-Z]+\s+\".*\"|NOTIFYFLAG [A-Z]+\s+[A-Z+]+"
                   r"|NOTIFYCMD /\S+|RUN_AS_USER nut|CERTPATH /\S+|CERTIDENT \".*)$",
    "upssched.conf": r"^#\s+(AT \S+ \S+ [A-Z-]+ .*|PIPEFN /\S+|LOCKFN /\S+)$",
}


def _uncomment(text: str, pattern: str) -> str:
    import re

    regex = re.compile(pattern)
    out = []
    for line in text.splitlines():
        found = regex.match(line)
        out.append(found.group(1) if found else line)
    return "\n".join(out) + "\n"


def _uncomment_blocks(text: str, names: set[str]) -> str:
    import re

    out, inside = [], False
    for line in text.splitlines():
        header = re.match(r"^#\s*\[(\w+)\]\s*$", line)
        if header and header.group(1) in names:
            inside = True
            out.append(line.lstrip("#"))
            continue
        if inside and re.match(r"^#\s+(\w+\s*=.*|upsmon \w+)$", line):
            out.append(line.lstrip("#"))
            continue
        inside = False
        out.append(line)
    return "\n".join(out) + "\n"


@pytest.mark.skipif(not _readable(DEBIAN / "upsmon.conf"), reason="Debian's NUT samples absent")
def test_debian_samples_with_their_examples_uncommented(tmp_path: Path) -> None:
    for name, pattern in _EXAMPLES.items():
        (tmp_path / name).write_text(_uncomment((DEBIAN / name).read_text(), pattern))
    (tmp_path / "ups.conf").write_text(
        _uncomment_blocks((DEBIAN / "ups.conf").read_text(), {"powerpal", "myups"}))
    (tmp_path / "upsd.users").write_text(
        _uncomment_blocks((DEBIAN / "upsd.users").read_text(), {"admin", "testuser", "upsmon"}))
    upsd_text = (tmp_path / "upsd.conf").read_text()
    if "LISTEN myhostname 83493" in upsd_text:
        # The sample's own example port is out of range; upskit says so.
        with pytest.raises(ConfigError, match=r"upsd.conf:\d+: LISTEN port needs a TCP port"):
            load_upsd_conf(tmp_path / "upsd.conf")
        (tmp_path / "upsd.conf").write_text(upsd_text.replace("LISTEN myhostname 83493", ""))
    settings = load_nut_dir(tmp_path, strict=True)
    assert settings.ups.ups["powerpal"].driver == "blazer_ser"
    assert settings.ups.ups["powerpal"].desc == "Web server"
    assert settings.ups.ups["myups"].options["cable"] == "1234"
    assert settings.users["admin"].instcmds == {"ALL"}
    assert settings.users["testuser"].instcmds == {"test.battery.start", "test.battery.stop"}
    assert settings.users["upsmon"].upsmon == "primary"
    assert Listen("::1", 3493) in settings.upsd.listen
    assert settings.upsd.certident == "my nut server"
    assert settings.upsd.certrequest == 2
    assert settings.upsmon is not None
    assert len(settings.upsmon.monitors) >= 3
    assert settings.upsmon.notifymsg["ONLINE"] == "UPS %s on line power"
    assert settings.upsmon.notifyflag["ONBATT"] == {"SYSLOG", "WALL"}
    assert settings.upssched is not None
    assert {r.action for r in settings.upssched.rules} >= {"START-TIMER", "CANCEL-TIMER",
                                                          "EXECUTE"}
