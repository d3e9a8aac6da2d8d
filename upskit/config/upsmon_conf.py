"""``upsmon.conf``: MONITOR lines, shutdown policy, notifications, with NUT's defaults."""

from __future__ import annotations

import contextlib
from pathlib import Path

from upskit.config.addresses import split_system
from upskit.config.commands import check_ca_path, flag_file, program_line, shell_line
from upskit.config.diagnostics import warn
from upskit.config.directives import DirectiveTable, apply_simple, convert, expect_args
from upskit.config.notify import notify_flags, notify_type
from upskit.config.parser import Statement, read_statements
from upskit.config.settings import (
    CertHost,
    ConfigError,
    MonitorSettings,
    Origin,
    UpsmonSettings,
)
from upskit.config.upsd_users import parse_role
from upskit.config.values import (
    BadValue,
    count,
    parse_bool,
    positive_seconds,
    seconds,
    show,
    signed_seconds,
    to_bool,
    to_float,
    to_int,
    to_str,
    whole,
)


def shutdownexit(value: object) -> float | None:
    """``SHUTDOWNEXIT``: yes (0 = exit at once), no (``None`` = never) or N seconds."""
    if not isinstance(value, bool):
        with contextlib.suppress(BadValue):
            return to_float(value, 0.0)
    answer = parse_bool(value)
    if answer is None:
        raise BadValue(f'needs "yes", "no" or a number of seconds, got {show(value)}')
    return 0.0 if answer else None


def power_value(value: object) -> int:
    """How many of this system's power supplies a UPS feeds (0 = watch only)."""
    return to_int(value, 0)


#: upsmon.conf directives with one value, by name: settings field and check.
UPSMON_DIRECTIVES: DirectiveTable = {
    "MINSUPPLIES": ("minsupplies", count),
    "POLLFREQ": ("pollfreq", positive_seconds),
    "POLLFREQALERT": ("pollfreqalert", positive_seconds),
    "HOSTSYNC": ("hostsync", seconds),
    "DEADTIME": ("deadtime", seconds),
    "FINALDELAY": ("finaldelay", seconds),
    "POWERDOWNFLAG": ("powerdownflag", flag_file),
    "SHUTDOWNCMD": ("shutdowncmd", shell_line),
    "NOTIFYCMD": ("notifycmd", program_line),
    "RBWARNTIME": ("rbwarntime", seconds),
    "NOCOMMWARNTIME": ("nocommwarntime", seconds),
    "OFFDURATION": ("offduration", signed_seconds),
    "OVERDURATION": ("overduration", signed_seconds),
    "OBLBDURATION": ("oblbduration", seconds),
    "ALARMCRITICAL": ("alarmcritical", to_bool),
    "SHUTDOWNEXIT": ("shutdownexit", shutdownexit),
    "RUN_AS_USER": ("run_as_user", to_str),
    "CERTPATH": ("certpath", to_str),
    "CERTVERIFY": ("certverify", to_bool),
    "FORCESSL": ("forcessl", to_bool),
    "DEBUG_MIN": ("debug_min", count),
    "POLLFAIL_LOG_THROTTLE_MAX": ("pollfail_log_throttle_max", whole),
}


def load_upsmon_conf(path: str | Path, *, strict: bool = False) -> UpsmonSettings:
    """Parse ``upsmon.conf``; unknown directives are warnings (as in NUT) unless ``strict``."""
    return parse_upsmon_conf(read_statements(path), str(path), strict=strict)


def parse_upsmon_conf(statements: list[Statement], file: str, *,
                      strict: bool = False) -> UpsmonSettings:
    """Build :class:`UpsmonSettings` from already tokenized statements."""
    settings = UpsmonSettings()
    certpath_line: int | None = None
    for statement in statements:
        name = statement.words[0].upper()
        args = [str(w) for w in statement.words[1:]]
        line = statement.line
        if name == "CERTPATH":
            certpath_line = line
        if name == "MONITOR":
            monitor = parse_monitor(statement, file)
            for other in settings.monitors:
                if other.system == monitor.system:
                    raise ConfigError(file, line, f"{monitor.system} is monitored twice "
                                      f"(first at line {other.origin.line})")
            settings.monitors.append(monitor)
        elif name == "NOTIFYMSG":
            expect_args(statement, file, 2, 2, 'NOTIFYMSG <type> "<message>"')
            kind = convert(notify_type, args[0], "NOTIFYMSG", file, line)
            settings.notifymsg[kind] = args[1]
        elif name == "NOTIFYFLAG":
            expect_args(statement, file, 2, 2, "NOTIFYFLAG <type> SYSLOG+WALL+EXEC|IGNORE")
            kind = convert(notify_type, args[0], "NOTIFYFLAG", file, line)
            settings.notifyflag[kind] = convert(notify_flags, args[1], "NOTIFYFLAG", file, line)
        elif name == "CERTIDENT":
            expect_args(statement, file, 1, 2, "CERTIDENT <certificate name> [<db password>]")
            settings.certident = args[0]
            settings.certident_password = args[1] if len(args) > 1 else None
        elif name == "CERTHOST":
            expect_args(statement, file, 4, 4,
                        "CERTHOST <host> <certificate name> <certverify 0|1> <forcessl 0|1>")
            settings.certhosts[args[0]] = CertHost(
                host=args[0],
                certname=args[1],
                certverify=convert(to_bool, args[2], "CERTHOST certverify", file, line),
                forcessl=convert(to_bool, args[3], "CERTHOST forcessl", file, line),
                origin=Origin(file, line),
            )
        elif not apply_simple(settings, UPSMON_DIRECTIVES, statement, file):
            warn(file, line, f'unknown directive "{statement.words[0]}" ignored', strict)
    problem = certpath_problem(settings)
    if problem:
        raise ConfigError(file, certpath_line, f"CERTPATH {problem}")
    return settings


def uses_tls(settings: UpsmonSettings) -> bool:
    """True when some server connection will use TLS (FORCESSL, CERTVERIFY, CERTHOST)."""
    if settings.forcessl or settings.certverify:
        return True
    return any(c.forcessl or c.certverify for c in settings.certhosts.values())


def certpath_problem(settings: UpsmonSettings) -> str | None:
    """What is wrong with CERTPATH when TLS will use it (``None``: nothing)."""
    if not settings.certpath or not uses_tls(settings):
        return None
    try:
        check_ca_path(settings.certpath)
    except BadValue as exc:
        return str(exc)
    return None


def parse_monitor(statement: Statement, file: str) -> MonitorSettings:
    """``MONITOR <ups>@<host>[:<port>] <powervalue> <username> <password> <role>``."""
    expect_args(statement, file, 5, 5, "MONITOR <ups>@<host>[:<port>] <powervalue> "
                "<username> <password> primary|secondary")
    line = statement.line
    system, power, username, password, role = (str(w) for w in statement.words[1:])
    try:
        ups, host, port = split_system(system)
    except BadValue as exc:
        raise ConfigError(file, line, f"MONITOR system {exc}") from None
    return MonitorSettings(
        ups=ups,
        host=host,
        port=port,
        power_value=convert(power_value, power, "MONITOR power value", file, line),
        username=username,
        password=password,
        role=convert(parse_role, role, "MONITOR role", file, line),
        origin=Origin(file, line),
    )
