"""Every broken NUT file gives one ConfigError naming file, line and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from upskit.config.nutfiles import load_nut_dir
from upskit.config.settings import ConfigError

UPS = "[a]\n driver = dummy-ups\n port = a.dev\n"

CASES = [
    # ups.conf
    ("ups.conf", "pollinterval = fast\n", 1, 'option "pollinterval" needs a number, got "fast"'),
    ("ups.conf", "maxretry = -1\n", 1, 'option "maxretry" needs a value of at least 0, got -1'),
    ("ups.conf", "synchronous = maybe\n", 1, 'option "synchronous" needs "yes", "no" or "auto"'),
    ("ups.conf", "maxretry\n", 1, 'global setting "maxretry" needs a value'),
    ("ups.conf", "[a]\n driver = x\n", 1, '[a] has no "port = ..." line'),
    ("ups.conf", "[a]\n port = x\n", 1, '[a] has no "driver = ..." line'),
    ("ups.conf", UPS + "\n[a]\n driver = y\n port = z\n", 5, "duplicate section [a] (first defined at line 1)"),
    ("ups.conf", UPS + " desc = two words\n", 4, 'option "desc" takes one value, got 2 words'),
    ("ups.conf", UPS + ' desc = "open\n', 4, "unterminated quote"),
    ("ups.conf", UPS + " driver = other\n", 4, 'option "driver" given twice in [a]'),
    ("ups.conf", UPS + " vendorid = 1\n vendorid = 2\n", 5, 'option "vendorid" given twice in [a] (first at line 4)'),
    ("ups.conf", UPS + " sdorder = first\n", 4, 'option "sdorder" needs a whole number, got "first"'),
    ("ups.conf", UPS + " pollinterval = 0\n", 4, 'option "pollinterval" needs a number above 0'),
    ("ups.conf", UPS + " driver nutdrv_qx\n", 4, 'expected "key = value" or a bare flag'),
    ("ups.conf", UPS + " port =\n", 4, 'option "port" has "=" but no value'),
    ("ups.conf", UPS + " desc\n", 4, 'option "desc" needs a value'),
    ("ups.conf", UPS + ' port = ""\n', 4, 'option "port" is empty'),
    ("ups.conf", UPS + " = x\n", 4, 'missing name before "="'),
    ("ups.conf", UPS + " alias = b@c\n", 4, 'bad alias "b@c"'),
    ("ups.conf", UPS + " alias = a\n", 4, 'alias "a" repeats a name of [a]'),
    ("ups.conf", UPS + "[b]\n driver = x\n port = y\n alias = a\n", 7, 'alias "a" is already used by [a] (line 1)'),
    ("ups.conf", "[a b]\n", 1, "bad section header"),
    ("ups.conf", "[a@b]\n", 1, 'bad UPS name "a@b"'),
    # upsd.conf
    ("upsd.conf", "MAXAGE soon\n", 1, 'MAXAGE needs a number, got "soon"'),
    ("upsd.conf", "\nMAXAGE 1 2\n", 2, "MAXAGE needs 1 argument, got 2"),
    ("upsd.conf", "MAXCONN 0\n", 1, "MAXCONN needs a value of at least 1, got 0"),
    ("upsd.conf", "LISTEN\n", 1, "LISTEN needs 1 to 2 arguments, got 0"),
    ("upsd.conf", "LISTEN 127.0.0.1 99999\n", 1, "LISTEN port needs a TCP port number (1-65535), got \"99999\""),
    ("upsd.conf", "LISTEN 127.0.0.1 http\n", 1, "LISTEN port needs a TCP port number"),
    ("upsd.conf", "LISTEN [::1\n", 1, 'LISTEN has a bad address "[::1"'),
    ("upsd.conf", "ALLOW_NO_DEVICE maybe\n", 1, 'ALLOW_NO_DEVICE needs yes or no (1 or 0), got "maybe"'),
    ("upsd.conf", "CERTREQUEST 5\n", 1, "CERTREQUEST needs 0, 1 or 2 (NO, REQUEST, REQUIRE)"),
    ("upsd.conf", "CERTIDENT a b c\n", 1, "CERTIDENT needs 1 to 2 arguments, got 3"),
    ("upsd.conf", "MAXLINE 10\n", 1, "MAXLINE needs a value of at least 64, got 10"),
    ("upsd.conf", "IDLETIMEOUT -5\n", 1, "IDLETIMEOUT needs a value of at least 0, got -5"),
    # upsd.users
    ("upsd.users", "password = x\n", 1, '"password" appears before the first [username] section'),
    ("upsd.users", "[u]\n password = a\n[u]\n", 3, "duplicate user [u] (first defined at line 1)"),
    ("upsd.users", "[u]\n password = a\n password = b\n", 3, 'password given twice for user "u"'),
    ("upsd.users", "[u]\n password = a b\n", 2, '"password" needs exactly one value, got 2'),
    ("upsd.users", "[u]\n password = a\n upsmon boss\n", 3, 'upsmon needs "primary" or "secondary"'),
    ("upsd.users", "[u]\n password = a\n actions =\n", 3, '"actions" needs at least one value'),
    # upsmon.conf
    ("upsmon.conf", "POLLFREQ fast\n", 1, 'POLLFREQ needs a number, got "fast"'),
    ("upsmon.conf", "POLLFREQ 0\n", 1, 'POLLFREQ needs a number above 0, got "0"'),
    ("upsmon.conf", "MINSUPPLIES -1\n", 1, "MINSUPPLIES needs a value of at least 0, got -1"),
    ("upsmon.conf", "MONITOR ups@host 1 user pass\n", 1, "MONITOR needs 5 arguments, got 4"),
    ("upsmon.conf", "MONITOR ups@host 1 user pass boss\n", 1, 'MONITOR role needs "primary" or "secondary"'),
    ("upsmon.conf", "MONITOR ups@host one user pass primary\n", 1, 'MONITOR power value needs a whole number, got "one"'),
    ("upsmon.conf", "MONITOR ups@host:x 1 user pass primary\n", 1, 'MONITOR system port needs a TCP port number'),
    ("upsmon.conf", "MONITOR ups@ 1 user pass primary\n", 1, 'MONITOR system has nothing after "@"'),
    ("upsmon.conf", "MONITOR ups@[::1 1 user pass primary\n", 1, 'MONITOR system has "[" without "]"'),
    ("upsmon.conf", "MONITOR @host 1 user pass primary\n", 1, 'MONITOR system needs "<ups>@<host>[:<port>]"'),
    ("upsmon.conf", "MONITOR a@h 1 u p primary\nMONITOR a@h:3493 1 u p primary\n", 2, "a@h is monitored twice (first at line 1)"),
    ("upsmon.conf", "SHUTDOWNCMD /sbin/shutdown -h now\n", 1, "SHUTDOWNCMD needs 1 argument, got 3 (usage: SHUTDOWNCMD <value>); put values with spaces in double quotes"),
    ("upsmon.conf", "NOTIFYFLAG ONBATT SYSLOG+BEEP\n", 1, 'NOTIFYFLAG has an unknown flag "BEEP"'),
    ("upsmon.conf", "NOTIFYFLAG ONBAT SYSLOG\n", 1, 'NOTIFYFLAG has an unknown notification type "ONBAT"'),
    ("upsmon.conf", "NOTIFYFLAG ONBATT IGNORE+WALL\n", 1, "NOTIFYFLAG cannot combine IGNORE with other flags"),
    ("upsmon.conf", "NOTIFYMSG ONLINE UPS %s online\n", 1, "NOTIFYMSG needs 2 arguments, got 4"),
    ("upsmon.conf", "NOTIFYMSG BOGUS \"x\"\n", 1, 'NOTIFYMSG has an unknown notification type "BOGUS"'),
    ("upsmon.conf", "SHUTDOWNEXIT sometimes\n", 1, 'SHUTDOWNEXIT needs "yes", "no" or a number of seconds'),
    ("upsmon.conf", "ALARMCRITICAL 2\n", 1, 'ALARMCRITICAL needs yes or no (1 or 0), got "2"'),
    ("upsmon.conf", "CERTHOST host name 1\n", 1, "CERTHOST needs 4 arguments, got 3"),
    ("upsmon.conf", "CERTHOST host name 1 x\n", 1, 'CERTHOST forcessl needs yes or no'),
    ("upsmon.conf", "POLLFAIL_LOG_THROTTLE_MAX often\n", 1, "POLLFAIL_LOG_THROTTLE_MAX needs a whole number"),
    ("upsmon.conf", 'SHUTDOWNCMD "/sbin/shutdown\n', 1, "unterminated quote"),
    # upssched.conf
    ("upssched.conf", "AT ONBATT *\n", 1, "AT needs at least 3 arguments, got 2"),
    ("upssched.conf", "AT ONBATT * START-TIMER onbatt\n", 1, "AT action START-TIMER needs 2 argument(s), got 1"),
    ("upssched.conf", "AT ONBATT * START-TIMER onbatt soon\n", 1, 'AT START-TIMER timeout needs a number, got "soon"'),
    ("upssched.conf", "AT ONBATT * CANCEL-TIMER a b c\n", 1, "AT action CANCEL-TIMER needs 1 to 2 argument(s), got 3"),
    ("upssched.conf", "AT ONBATT * EXECUTE\n", 1, "AT action EXECUTE needs 1 argument(s), got 0"),
    ("upssched.conf", "AT ONBATT * REBOOT now\n", 1, 'AT has an unknown action "REBOOT"'),
    ("upssched.conf", "AT ONFIRE * EXECUTE x\n", 1, 'AT has an unknown notification type "ONFIRE"'),
    ("upssched.conf", "PIPEFN\n", 1, "PIPEFN needs 1 argument, got 0"),
    ("upssched.conf", "CMDSCRIPT\n", 1, "CMDSCRIPT needs 1 to 64 arguments, got 0"),
    # nut.conf
    ("nut.conf", "MODE=server\n", 1, 'MODE must be one of none, standalone, netserver, netclient, got "server"'),
    ("nut.conf", "# c\nMODE = standalone\n", 2, 'expected NAME=value (no blanks around "="'),
    ("nut.conf", "MODE='standalone\n", 1, "unterminated quote"),
    ("nut.conf", "1MODE=none\n", 1, 'bad variable name "1MODE"'),
]


@pytest.mark.parametrize(("name", "text", "line", "message"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_error_names_file_and_line(tmp_path: Path, name: str, text: str, line: int,
                                   message: str) -> None:
    (tmp_path / name).write_text(text)
    with pytest.raises(ConfigError) as info:
        load_nut_dir(tmp_path)
    error = info.value
    assert error.file == str(tmp_path / name)
    assert error.line == line
    assert message in error.message
    assert str(error).startswith(f"{tmp_path / name}:{line}: ")
