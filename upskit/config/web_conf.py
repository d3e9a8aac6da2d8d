"""``upskit-http.conf`` (beside upsd.conf) and the TOML ``[http]``/``[history]`` tables.

The NUT-style file, one directive a line::

    LISTEN 127.0.0.1 9199        # turns the HTTP service on (one LISTEN line)
    TLS yes                      # HTTPS with upsd.conf's CERTFILE ...
    CERTFILE /etc/nut/web.pem    # ... or this PEM file (certificate and key)
    HISTORY_PATH /var/lib/upskit/history.sqlite
    HISTORY_INTERVAL 60          # seconds between samples (or 30s, 5m, 1h)
    HISTORY_RETENTION 90d        # samples and events kept this long
    HISTORY yes                  # record history even without the HTTP service
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from upskit.config.addresses import split_host_port
from upskit.config.diagnostics import warn
from upskit.config.directives import convert, expect_args
from upskit.config.parser import Statement, read_statements
from upskit.config.settings import ConfigError
from upskit.config.values import BadValue, show, to_bool, to_port, to_str
from upskit.config.web import DEFAULT_HTTP_PORT, WebSettings

#: The file :func:`load_web_conf` reads, in the NUT configuration directory.
WEB_CONF = "upskit-http.conf"
_UNITS = {"": 1.0, "s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0, "d": 86400.0,
          "w": 7 * 86400.0, "y": 365 * 86400.0}
_DURATION_RE = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*([a-z]*)\s*", re.IGNORECASE)


def duration(value: object) -> float:
    """Seconds, written as a number or with a unit: ``90``, ``30s``, ``5m``, ``2h``, ``7d``,
    ``2w``, ``1y``."""
    if isinstance(value, bool):
        raise BadValue(f"needs a duration such as 30s, 2h or 7d, got {show(value)}")
    if isinstance(value, int | float):
        if value < 0:
            raise BadValue(f"needs a duration of 0 or more, got {show(value)}")
        return float(value)
    if isinstance(value, str):
        found = _DURATION_RE.fullmatch(value)
        if found is not None and found.group(2).lower() in _UNITS:
            return float(found.group(1)) * _UNITS[found.group(2).lower()]
    raise BadValue(f"needs a duration such as 30s, 2h or 7d, got {show(value)}")


def positive_duration(value: object) -> float:
    """A :func:`duration` above zero."""
    result = duration(value)
    if result <= 0:
        raise BadValue(f"needs a duration above 0, got {show(value)}")
    return result


_HISTORY_FIELDS = {
    "HISTORY": ("enabled", to_bool),
    "HISTORY_PATH": ("path", to_str),
    "HISTORY_INTERVAL": ("interval", positive_duration),
    "HISTORY_RETENTION": ("retention", positive_duration),
}
_HTTP_FIELDS = {
    "TLS": ("tls", to_bool),
    "CERTFILE": ("certfile", to_str),
}


def load_web_conf(path: str | Path, *, strict: bool = False) -> WebSettings:
    """Parse ``upskit-http.conf``; unknown directives are warnings unless ``strict``."""
    return parse_web_conf(read_statements(path), str(path), strict=strict)


def parse_web_conf(statements: list[Statement], file: str, *,
                   strict: bool = False) -> WebSettings:
    """Build :class:`WebSettings` from tokenized statements."""
    web = WebSettings()
    for statement in statements:
        name = statement.words[0].upper()
        args = [str(w) for w in statement.words[1:]]
        if name == "LISTEN":
            expect_args(statement, file, 1, 2, "LISTEN <address> [<port>]")
            if web.http.enabled:
                raise ConfigError(file, statement.line, "LISTEN given twice: the HTTP "
                                  "service listens on one address")
            host = args[0][1:-1] if args[0].startswith("[") and args[0].endswith("]") \
                else args[0]
            if not host or any(c in host for c in "[] \t"):
                raise ConfigError(file, statement.line, f'LISTEN has a bad address "{args[0]}"')
            port = convert(to_port, args[1], "LISTEN port", file, statement.line) \
                if len(args) > 1 else DEFAULT_HTTP_PORT
            web.http.enabled, web.http.host, web.http.port = True, host, port
            web.http.origin = f"{file}:{statement.line}"
        elif name in _HTTP_FIELDS or name in _HISTORY_FIELDS:
            expect_args(statement, file, 1, 1, f"{name} <value>")
            target: object = web.http if name in _HTTP_FIELDS else web.history
            field, converter = {**_HTTP_FIELDS, **_HISTORY_FIELDS}[name]
            setattr(target, field, convert(converter, args[0], name, file, statement.line))
        else:
            warn(file, statement.line, f'unknown directive "{statement.words[0]}" ignored',
                 strict)
    return web


class TomlWeb:
    """Reads the ``[http]`` and ``[history]`` tables; ``fail(path, message)`` raises the
    TOML reader's error naming the line of ``path``."""

    HTTP_KEYS = ("enabled", "listen", "tls", "certfile")
    HISTORY_KEYS = ("enabled", "path", "interval", "retention")

    def __init__(self, fail: Any) -> None:
        self.fail = fail

    def _convert(self, converter: Any, value: object, path: tuple[str, str]) -> Any:
        try:
            return converter(value)
        except BadValue as exc:
            self.fail(path, f"{path[0]}.{path[1]} {exc}")

    def read(self, data: Mapping[str, Any], web: WebSettings) -> None:
        """Fill ``web`` from the decoded document's ``http`` and ``history`` tables."""
        for table, keys in (("http", self.HTTP_KEYS), ("history", self.HISTORY_KEYS)):
            section = data.get(table)
            if section is None:
                continue
            if not isinstance(section, dict):
                self.fail((table,), f"[{table}] must be a table, got {show(section)}")
            for key in section:
                if key not in keys:
                    self.fail((table, key), f'unknown key "{key}" in [{table}] '
                              f'(known: {", ".join(sorted(keys))})')
        http = data.get("http")
        if http is not None:
            web.http.enabled = self._convert(to_bool, http.get("enabled", True),
                                             ("http", "enabled"))
            if "listen" in http:
                host, port = self._convert(
                    lambda v: split_host_port(to_str(v), DEFAULT_HTTP_PORT),
                    http["listen"], ("http", "listen"))
                web.http.host, web.http.port = host, port
            if "tls" in http:
                web.http.tls = self._convert(to_bool, http["tls"], ("http", "tls"))
            if "certfile" in http:
                web.http.certfile = self._convert(to_str, http["certfile"], ("http", "certfile"))
        history = data.get("history")
        if history is not None:
            history_fields = {"enabled": to_bool, "path": to_str, "interval": positive_duration,
                              "retention": positive_duration}
            for key, value in history.items():
                setattr(web.history, key,
                        self._convert(history_fields[key], value, ("history", key)))
