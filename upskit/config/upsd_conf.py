"""``upsd.conf``: the network server's settings (``LISTEN``, ``MAXAGE``, ...)."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path

from upskit.config.addresses import DEFAULT_PORT
from upskit.config.diagnostics import warn
from upskit.config.directives import DirectiveTable, apply_simple, expect_args
from upskit.config.parser import Statement, read_statements
from upskit.config.settings import ConfigError, Listen, UpsdSettings
from upskit.config.values import (
    BadValue,
    count,
    positive_seconds,
    seconds,
    show,
    to_bool,
    to_int,
    to_port,
    to_str,
)

_CERTREQUEST_NAMES = {"NO": 0, "REQUEST": 1, "REQUIRE": 2}
#: Words of the ALLOW_NO_DEVICE environment variable, matched as upsd matches them:
#: without regard to case, on the start of the value.
_ENV_YES = ("TRUE", "YES", "ON", "1")
_ENV_NO = ("FALSE", "NO", "OFF", "0")

log = logging.getLogger(__name__)


def certrequest(value: object) -> int:
    """``CERTREQUEST``: 0/1/2 or NO/REQUEST/REQUIRE."""
    if isinstance(value, str) and value.upper() in _CERTREQUEST_NAMES:
        return _CERTREQUEST_NAMES[value.upper()]
    try:
        return to_int(value, 0, 2)
    except BadValue:
        raise BadValue(f"needs 0, 1 or 2 (NO, REQUEST, REQUIRE), got {show(value)}") from None


def max_line(value: object) -> int:
    """``MAXLINE``: at least room for the longest NUT request."""
    return to_int(value, 64)


def positive_count(value: object) -> int:
    """A whole number above zero."""
    return to_int(value, 1)


#: upsd.conf directives with one value, by upper-case name: settings field and check.
UPSD_DIRECTIVES: DirectiveTable = {
    "MAXAGE": ("maxage", positive_seconds),
    "MAXCONN": ("maxconn", positive_count),
    "TRACKINGDELAY": ("trackingdelay", seconds),
    "STATEPATH": ("statepath", to_str),
    "CERTFILE": ("certfile", to_str),
    "CERTPATH": ("certpath", to_str),
    "CERTREQUEST": ("certrequest", certrequest),
    "DISABLE_WEAK_SSL": ("disable_weak_ssl", to_bool),
    "ALLOW_NO_DEVICE": ("allow_no_device", to_bool),
    "ALLOW_NOT_ALL_LISTENERS": ("allow_not_all_listeners", to_bool),
    "DEBUG_MIN": ("debug_min", count),
    "MAXLINE": ("max_line", max_line),
    "IDLETIMEOUT": ("idle_timeout", seconds),
}


def load_upsd_conf(path: str | Path, *, strict: bool = False) -> UpsdSettings:
    """Parse ``upsd.conf``; unknown directives are warnings (as in NUT) unless ``strict``."""
    return parse_upsd_conf(read_statements(path), str(path), strict=strict)


def parse_upsd_conf(statements: list[Statement], file: str, *,
                    strict: bool = False) -> UpsdSettings:
    """Build :class:`UpsdSettings` from already tokenized statements."""
    settings = UpsdSettings()
    for statement in statements:
        name = statement.words[0].upper()
        args = [str(w) for w in statement.words[1:]]
        if name == "LISTEN":
            expect_args(statement, file, 1, 2, "LISTEN <address> [<port>]")
            listen = parse_listen_words(args, file, statement.line)
            if listen in settings.listen:
                warn(file, statement.line, f"LISTEN {args[0]} {listen.port} repeated", strict)
                continue
            settings.listen.append(listen)
        elif name == "CERTIDENT":
            expect_args(statement, file, 1, 2, "CERTIDENT <certificate name> [<db password>]")
            settings.certident = args[0]
            settings.certident_password = args[1] if len(args) > 1 else None
        elif not apply_simple(settings, UPSD_DIRECTIVES, statement, file):
            warn(file, statement.line, f'unknown directive "{statement.words[0]}" ignored',
                 strict)
    return settings


def parse_listen_words(args: list[str], file: str, line: int) -> Listen:
    """``<address> [<port>]`` with an optional ``[...]`` around IPv6 literals."""
    host = args[0]
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host or any(c in host for c in "[] \t"):
        raise ConfigError(file, line, f'LISTEN has a bad address "{args[0]}"')
    port = DEFAULT_PORT
    if len(args) > 1:
        try:
            port = to_port(args[1])
        except BadValue as exc:
            raise ConfigError(file, line, f"LISTEN port {exc}") from None
    return Listen(host, port)


def allow_no_device(settings: UpsdSettings, environ: Mapping[str, str] | None = None) -> bool:
    """Whether the server may start with no UPS defined.

    As in upsd, an ``ALLOW_NO_DEVICE`` environment variable that says yes
    (``true``, ``yes``, ``on``, ``1``) or no (``false``, ``no``, ``off``, ``0``) wins
    over upsd.conf; any other value is ignored.
    """
    value = (os.environ if environ is None else environ).get("ALLOW_NO_DEVICE")
    if value is not None:
        word = value.strip().upper()
        if word.startswith(_ENV_YES):
            return True
        if word.startswith(_ENV_NO):
            return False
        log.warning("ALLOW_NO_DEVICE=%r in the environment is neither yes nor no; ignored",
                    value)
    return settings.allow_no_device
