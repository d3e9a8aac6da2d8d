"""Write :class:`Settings` as upskit's TOML file (e.g. to convert a NUT directory).

Only values that differ from the defaults are written, so the result stays short;
reading it back with :func:`upskit.config.toml.load_toml` gives the same settings.
"""

from __future__ import annotations

import dataclasses
import json
import re

from upskit.config.addresses import join_host_port, join_system
from upskit.config.settings import (
    NutConf,
    Settings,
    UpsConf,
    UpsdSettings,
    UpsmonSettings,
    UpsSettings,
    UserSettings,
)
from upskit.config.web import HistorySettings, HttpSettings, WebSettings

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_FLAG_ORDER = ("SYSLOG", "WALL", "EXEC", "IGNORE")


def toml_key(key: str) -> str:
    """A key, quoted when it is not a bare key."""
    return key if _BARE_KEY.fullmatch(key) else _string(key)


def toml_value(value: object) -> str:
    """A TOML literal for a string, boolean, number or list of those."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


def _string(text: str) -> str:
    # JSON strings are valid TOML basic strings (same escapes; \u for controls).
    return json.dumps(text, ensure_ascii=False)


def dump_toml(settings: Settings) -> str:
    """Render ``settings`` as TOML text."""
    out = _Out()
    if settings.source:
        out.comment(f"upskit configuration, converted from {settings.source}")
    _nut(out, settings.nut)
    _server(out, settings.upsd)
    _ups_conf(out, settings.ups)
    for user in settings.users.values():
        _user(out, user)
    if settings.upsmon is not None:
        _monitor(out, settings.upsmon)
    if settings.upssched is not None:
        sched = settings.upssched
        out.table("upssched")
        for key in ("cmdscript", "pipefn", "lockfn"):
            if getattr(sched, key) is not None:
                out.pair(key, getattr(sched, key))
        for rule in sched.rules:
            out.array_table("upssched.at")
            out.pair("event", rule.event)
            out.pair("ups", rule.ups)
            out.pair("action", rule.action)
            if rule.args:
                out.pair("args", rule.args)
    _web(out, settings.web)
    _integrations(out, settings)
    return out.text()


def dump_ups_toml(conf: UpsConf) -> str:
    """Render the driver settings and UPS sections alone (``[drivers]``, ``[ups.<name>]``)."""
    out = _Out()
    _ups_conf(out, conf)
    return out.text()


class _Out:
    """Collects lines, with a blank line before each table."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def comment(self, text: str) -> None:
        self.lines.append(f"# {text}")

    def table(self, name: str) -> None:
        self._gap()
        self.lines.append(f"[{name}]")

    def array_table(self, name: str) -> None:
        self._gap()
        self.lines.append(f"[[{name}]]")

    def pair(self, key: str, value: object) -> None:
        self.lines.append(f"{toml_key(key)} = {toml_value(value)}")

    def _gap(self) -> None:
        if self.lines:
            self.lines.append("")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _changed(current: object, default: object, skip: tuple[str, ...]) -> list[tuple[str, object]]:
    """(field, value) for every field of a dataclass that differs from ``default``."""
    result = []
    for field in dataclasses.fields(current):  # type: ignore[arg-type]
        if field.name in skip:
            continue
        value = getattr(current, field.name)
        if value != getattr(default, field.name):
            result.append((field.name, value))
    return result


def _web(out: _Out, web: WebSettings) -> None:
    http = web.http
    if http != HttpSettings():
        out.table("http")
        out.pair("enabled", http.enabled)
        out.pair("listen", join_host_port(http.host, http.port))
        out.pair("tls", http.tls)
        if http.certfile is not None:
            out.pair("certfile", http.certfile)
    changed = _changed(web.history, HistorySettings(), ())
    if changed:
        out.table("history")
        for key, value in changed:
            out.pair(key, value)


def _integrations(out: _Out, settings: Settings) -> None:
    """``[mqtt]`` and ``[notify]``, when configured."""
    from upskit.config.integrations import MqttSettings, NotifySettings
    from upskit.config.notify import NOTIFY_TYPES

    mqtt = settings.mqtt
    changed = _changed(mqtt, MqttSettings(), ("host", "port", "origin"))
    if changed or (mqtt.host, mqtt.port) != ("localhost", None):
        out.table("mqtt")
        out.pair("broker", join_host_port(mqtt.host, mqtt.port) if mqtt.port else mqtt.host)
        for key, value in changed:
            out.pair(key, value)
    notify = settings.notify
    changed = _changed(notify, NotifySettings(), ("targets",))
    if changed:
        out.table("notify")
        for key, value in changed:
            out.pair(key, value)
    for target in notify.targets:
        out.array_table("notify.target")
        out.pair("url", target.url)
        if target.events != frozenset(NOTIFY_TYPES):
            out.pair("events", [t for t in NOTIFY_TYPES if t in target.events])


def _nut(out: _Out, nut: NutConf) -> None:
    if nut.mode == "none" and not nut.values:
        return
    out.table("nut")
    out.pair("mode", nut.mode)
    for key, value in nut.values.items():
        out.pair(key, value)


def _server(out: _Out, upsd: UpsdSettings) -> None:
    changed = _changed(upsd, UpsdSettings(), ("listen",))
    if not changed and not upsd.listen:
        return
    out.table("server")
    if upsd.listen:
        out.pair("listen", [join_host_port(item.host, item.port) for item in upsd.listen])
    for key, value in changed:
        out.pair(key, value)


def _ups_conf(out: _Out, conf: UpsConf) -> None:
    if conf.globals:
        out.table("drivers")
        for key, value in conf.globals.items():
            out.pair(key, value)
    for ups in conf.ups.values():
        _ups(out, ups)


def _ups(out: _Out, ups: UpsSettings) -> None:
    out.table(f"ups.{toml_key(ups.name)}")
    out.pair("driver", ups.driver)
    out.pair("port", ups.port)
    if ups.desc:
        out.pair("desc", ups.desc)
    if ups.aliases:
        out.pair("aliases", ups.aliases)
    if ups.sdorder and "sdorder" not in ups.options:
        out.pair("sdorder", ups.sdorder)
    for key, value in ups.options.items():
        if key != "port":
            out.pair(key, value)


def _user(out: _Out, user: UserSettings) -> None:
    out.table(f"users.{toml_key(user.name)}")
    if user.password is not None:
        out.pair("password", user.password)
    if user.actions:
        out.pair("actions", sorted(user.actions))
    if user.instcmds:
        out.pair("instcmds", sorted(user.instcmds))
    if user.upsmon is not None:
        out.pair("upsmon", user.upsmon)


def _monitor(out: _Out, upsmon: UpsmonSettings) -> None:
    out.table("monitor")
    specials = ("monitors", "notifymsg", "notifyflag", "certhosts", "shutdownexit")
    for key, value in _changed(upsmon, UpsmonSettings(), specials):
        out.pair(key, value)
    if upsmon.shutdownexit != UpsmonSettings().shutdownexit:
        exit_after = upsmon.shutdownexit
        out.pair("shutdownexit", False if exit_after is None else exit_after)
    if upsmon.notifymsg:
        out.table("monitor.notifymsg")
        for kind, message in upsmon.notifymsg.items():
            out.pair(kind, message)
    if upsmon.notifyflag:
        out.table("monitor.notifyflag")
        for kind, flags in upsmon.notifyflag.items():
            out.pair(kind, "+".join(f for f in _FLAG_ORDER if f in flags))
    for host, entry in upsmon.certhosts.items():
        out.table(f"monitor.certhost.{toml_key(host)}")
        out.pair("certname", entry.certname)
        out.pair("certverify", entry.certverify)
        out.pair("forcessl", entry.forcessl)
    for monitor in upsmon.monitors:
        out.array_table("monitor.ups")
        out.pair("system", join_system(monitor.ups, monitor.host, monitor.port))
        out.pair("powervalue", monitor.power_value)
        out.pair("username", monitor.username)
        out.pair("password", monitor.password)
        out.pair("role", monitor.role)
