"""``upskit-mqtt.conf`` and ``upskit-notify.conf`` (beside upsd.conf), and the TOML
``[mqtt]`` and ``[notify]`` tables.

``upskit-mqtt.conf``, one directive a line::

    BROKER mqtt.lan:1883          # turns the MQTT service on
    USERNAME upskit
    PASSWORD "secret"
    TLS yes                       # with CAFILE, CERTFILE/KEYFILE, TLS_INSECURE
    TOPIC upskit                  # base of every topic
    DISCOVERY yes                 # Home Assistant discovery under DISCOVERY_PREFIX
    COMMAND_USER homeassistant    # upsd.users user for <topic>/<ups>/command/<user>
    BUTTONS beeper.toggle test.battery.start.quick

``upskit-notify.conf``::

    NOTIFY "ntfy://ntfy.sh/my-ups" ONBATT+ONLINE+LOWBATT
    NOTIFY "mailto://user:pass@example.com"        # every notification type
    TITLE "UPS {ups}: {type}"
    TIMEOUT 30s
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NoReturn

from upskit.config.addresses import split_host_port
from upskit.config.diagnostics import warn
from upskit.config.directives import convert, expect_args
from upskit.config.integrations import MqttSettings, NotifySettings, NotifyTarget
from upskit.config.notify import NOTIFY_TYPES
from upskit.config.parser import Statement, read_statements
from upskit.config.settings import ConfigError
from upskit.config.values import BadValue, show, to_bool, to_int, to_str
from upskit.config.web_conf import positive_duration

#: The files read from the NUT configuration directory.
MQTT_CONF = "upskit-mqtt.conf"
NOTIFY_CONF = "upskit-notify.conf"


def broker(value: object) -> tuple[str, int | None]:
    """``host``, ``host:port`` or ``[v6]:port``; no port means the default for TLS or not."""
    host, port = split_host_port(to_str(value), 0)
    if not host:
        raise BadValue(f"needs a broker address such as mqtt.lan:1883, got {show(value)}")
    return host, port or None


def notify_events(value: object) -> frozenset[str]:
    """``ONBATT+LOWBATT``, a list of types, or ``ALL``."""
    if isinstance(value, str):
        words = value.split("+")
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        words = list(value)
    else:
        raise BadValue(f'needs notification types such as "ONBATT+ONLINE" or "ALL", '
                       f"got {show(value)}")
    names = {w.strip().upper() for w in words if w.strip()}
    if names == {"ALL"}:
        return frozenset(NOTIFY_TYPES)
    unknown = sorted(names - set(NOTIFY_TYPES))
    if unknown:
        raise BadValue(f'has an unknown notification type "{unknown[0]}" '
                       f"(known: ALL, {', '.join(NOTIFY_TYPES)})")
    if not names:
        raise BadValue("needs at least one notification type (or ALL)")
    return frozenset(names)


def words(value: object) -> list[str]:
    """A list of names: a TOML list of strings, or one string of space-separated words."""
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise BadValue(f"needs a list of names, got {show(value)}")


def _positive_int(value: object) -> int:
    return to_int(value, 1)


def _topic(value: object) -> str:
    text = to_str(value).strip("/")
    if not text or any(c in text for c in "+#\0"):
        raise BadValue(f'needs an MQTT topic without "+" or "#", got {show(value)}')
    return text


_MQTT_FIELDS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "USERNAME": ("username", to_str),
    "PASSWORD": ("password", to_str),
    "CLIENT_ID": ("client_id", to_str),
    "TOPIC": ("topic", _topic),
    "DISCOVERY": ("discovery", to_bool),
    "DISCOVERY_PREFIX": ("discovery_prefix", _topic),
    "TLS": ("tls", to_bool),
    "CAFILE": ("cafile", to_str),
    "CERTFILE": ("certfile", to_str),
    "KEYFILE": ("keyfile", to_str),
    "TLS_INSECURE": ("tls_insecure", to_bool),
    "QUEUE": ("queue", _positive_int),
    "RECONNECT_MAX": ("reconnect_max", positive_duration),
    "KEEPALIVE": ("keepalive", _positive_int),
}
_NOTIFY_FIELDS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "TITLE": ("title", to_str),
    "TIMEOUT": ("timeout", positive_duration),
    "QUEUE": ("queue", _positive_int),
}


def load_mqtt_conf(path: str | Path, *, strict: bool = False) -> MqttSettings:
    """Parse ``upskit-mqtt.conf``; unknown directives are warnings unless ``strict``."""
    return parse_mqtt_conf(read_statements(path), str(path), strict=strict)


def parse_mqtt_conf(statements: list[Statement], file: str, *,
                    strict: bool = False) -> MqttSettings:
    """Build :class:`MqttSettings` from tokenized statements."""
    mqtt = MqttSettings()
    for statement in statements:
        name = statement.words[0].upper()
        args = [str(w) for w in statement.words[1:]]
        if name == "BROKER":
            expect_args(statement, file, 1, 1, "BROKER <host>[:<port>]")
            if mqtt.enabled:
                raise ConfigError(file, statement.line, "BROKER given twice: the MQTT "
                                  "service talks to one broker")
            mqtt.host, mqtt.port = convert(broker, args[0], "BROKER", file, statement.line)
            mqtt.enabled, mqtt.origin = True, f"{file}:{statement.line}"
        elif name == "COMMAND_USER":
            expect_args(statement, file, 1, 1, "COMMAND_USER <upsd.users user>")
            mqtt.command_users.append(args[0])
        elif name == "BUTTONS":
            expect_args(statement, file, 0, 1000, "BUTTONS <command> ...")
            mqtt.buttons = [*(mqtt.buttons or []), *args]
        elif name in _MQTT_FIELDS:
            expect_args(statement, file, 1, 1, f"{name} <value>")
            field, converter = _MQTT_FIELDS[name]
            setattr(mqtt, field, convert(converter, args[0], name, file, statement.line))
        else:
            warn(file, statement.line, f'unknown directive "{statement.words[0]}" ignored',
                 strict)
    if not mqtt.enabled and statements:
        warn(file, statements[0].line, "no BROKER line: the MQTT service stays off", strict)
    return mqtt


def load_notify_conf(path: str | Path, *, strict: bool = False) -> NotifySettings:
    """Parse ``upskit-notify.conf``; unknown directives are warnings unless ``strict``."""
    return parse_notify_conf(read_statements(path), str(path), strict=strict)


def parse_notify_conf(statements: list[Statement], file: str, *,
                      strict: bool = False) -> NotifySettings:
    """Build :class:`NotifySettings` from tokenized statements."""
    notify = NotifySettings()
    for statement in statements:
        name = statement.words[0].upper()
        args = [str(w) for w in statement.words[1:]]
        if name == "NOTIFY":
            expect_args(statement, file, 1, 2, "NOTIFY <apprise URL> [<TYPE>+<TYPE>... | ALL]")
            target = NotifyTarget(_url(args[0], file, statement.line),
                                  origin=f"{file}:{statement.line}")
            if len(args) > 1:
                target.events = convert(notify_events, args[1], "NOTIFY", file,
                                        statement.line)
            notify.targets.append(target)
        elif name in _NOTIFY_FIELDS:
            expect_args(statement, file, 1, 1, f"{name} <value>")
            field, converter = _NOTIFY_FIELDS[name]
            setattr(notify, field, convert(converter, args[0], name, file, statement.line))
        else:
            warn(file, statement.line, f'unknown directive "{statement.words[0]}" ignored',
                 strict)
    return notify


def _url(text: str, file: str, line: int | None) -> str:
    scheme, sep, rest = text.partition("://")
    if not sep or not scheme or not rest:
        raise ConfigError(file, line, f'"{text}" is not an Apprise URL such as '
                          '"ntfy://ntfy.sh/topic" or "mailto://user:pass@example.com"')
    return text


class TomlIntegrations:
    """Reads the ``[mqtt]`` and ``[notify]`` tables; ``fail(path, message)`` raises the
    TOML reader's error naming the line of ``path``."""

    MQTT_KEYS = ("enabled", "broker", "username", "password", "client_id", "topic",
                 "discovery", "discovery_prefix", "tls", "cafile", "certfile", "keyfile",
                 "tls_insecure", "command_users", "buttons", "queue", "reconnect_max",
                 "keepalive")
    NOTIFY_KEYS = ("target", "title", "timeout", "queue")
    TARGET_KEYS = ("url", "events")

    def __init__(self, fail: Callable[[tuple[str | int, ...], str], NoReturn]) -> None:
        self.fail = fail

    def _convert(self, converter: Callable[[Any], Any], value: object,
                 path: tuple[str | int, ...]) -> Any:
        try:
            return converter(value)
        except BadValue as exc:
            self.fail(path, f"{'.'.join(str(p) for p in path)} {exc}")

    def _table(self, value: object, path: tuple[str | int, ...],
               keys: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, f"[{'.'.join(str(p) for p in path)}] must be a table, "
                      f"got {show(value)}")
        for key in value:
            if key not in keys:
                self.fail((*path, key), f'unknown key "{key}" in '
                          f'[{".".join(str(p) for p in path)}] (known: {", ".join(sorted(keys))})')
        return value

    def read(self, data: Mapping[str, Any], mqtt: MqttSettings, notify: NotifySettings) -> None:
        """Fill the settings from the decoded document's ``mqtt`` and ``notify`` tables."""
        if "mqtt" in data:
            self._mqtt(self._table(data["mqtt"], ("mqtt",), self.MQTT_KEYS), mqtt)
        if "notify" in data:
            self._notify(self._table(data["notify"], ("notify",), self.NOTIFY_KEYS), notify)

    def _mqtt(self, table: dict[str, Any], mqtt: MqttSettings) -> None:
        mqtt.enabled = self._convert(to_bool, table.get("enabled", True), ("mqtt", "enabled"))
        for key, value in table.items():
            path = ("mqtt", key)
            if key == "enabled":
                continue
            if key == "broker":
                mqtt.host, mqtt.port = self._convert(broker, value, path)
            elif key in ("command_users", "buttons"):
                setattr(mqtt, key, self._convert(words, value, path))
            else:
                setattr(mqtt, key, self._convert(_MQTT_FIELDS[key.upper()][1], value, path))
        mqtt.origin = "[mqtt]"

    def _notify(self, table: dict[str, Any], notify: NotifySettings) -> None:
        for key, value in table.items():
            if key != "target":
                setattr(notify, key, self._convert(_NOTIFY_FIELDS[key.upper()][1], value,
                                                   ("notify", key)))
        targets = table.get("target", [])
        if isinstance(targets, dict):
            targets = [targets]
        if not isinstance(targets, list):
            self.fail(("notify", "target"), "[[notify.target]] must be tables with a url, "
                      f"got {show(targets)}")
        for index, entry in enumerate(targets):
            path = ("notify", "target", index)
            entry = self._table(entry, path, self.TARGET_KEYS)
            if "url" not in entry:
                self.fail(path, "[[notify.target]] needs a url")
            url = self._convert(to_str, entry["url"], (*path, "url"))
            if "://" not in url:
                self.fail((*path, "url"), f'"{url}" is not an Apprise URL such as '
                          '"ntfy://ntfy.sh/topic"')
            target = NotifyTarget(url, origin=f"[[notify.target]] {index + 1}")
            if "events" in entry:
                target.events = self._convert(notify_events, entry["events"],
                                              (*path, "events"))
            notify.targets.append(target)
