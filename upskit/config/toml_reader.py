"""The native TOML file: one file holding everything the NUT files hold.

Schema (every table optional)::

    [server]            upsd.conf:   listen = ["127.0.0.1:3493", "[::1]:3493"], maxage, ...
    [drivers]           ups.conf globals: maxretry, pollinterval, ...
    [ups.<name>]        a UPS: driver, port, desc, sdorder, aliases, <driver option> = ...
    [users.<name>]      upsd.users: password, actions, instcmds, upsmon
    [monitor]           upsmon.conf: minsupplies, shutdowncmd, notifymsg, notifyflag, ...
    [[monitor.ups]]     MONITOR: system, powervalue, username, password, role
    [monitor.certhost.<host>]  CERTHOST: certname, certverify, forcessl
    [upssched]          cmdscript, pipefn, lockfn
    [[upssched.at]]     AT: event, ups, action, args
    [nut]               nut.conf: mode, and any other NAME = "value"

Unknown keys are errors naming the line.  Keys are the lower-case NUT directive
names; see ``docs/configuration.md``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from upskit.config.addresses import split_host_port, split_system
from upskit.config.diagnostics import warn
from upskit.config.integrations_conf import TomlIntegrations
from upskit.config.notify import notify_flags, notify_type
from upskit.config.nut_conf import MODES
from upskit.config.parser import read_text
from upskit.config.settings import (
    CertHost,
    ConfigError,
    Listen,
    MonitorSettings,
    NutConf,
    OptionValue,
    Origin,
    Settings,
    UpsConf,
    UpsdSettings,
    UpsmonSettings,
    UpsschedRule,
    UpsschedSettings,
    UpsSettings,
    UserSettings,
)
from upskit.config.toml_lines import LineIndex, PathPart
from upskit.config.ups_conf import (
    GLOBAL_OPTIONS,
    SECTION_CHECKS,
    check_ups_name,
    missing_key,
)
from upskit.config.upsd_conf import UPSD_DIRECTIVES
from upskit.config.upsd_users import KNOWN_ACTIONS, normalize_instcmd, parse_role
from upskit.config.upsmon_conf import UPSMON_DIRECTIVES, certpath_problem, power_value
from upskit.config.upssched_conf import UPSSCHED_FIELDS, make_rule
from upskit.config.values import BadValue, Converter, show, to_str
from upskit.config.web_conf import TomlWeb

T = TypeVar("T")
Table = dict[str, Any]

_SERVER_FIELDS: dict[str, Converter] = {
    **{field: conv for field, conv in UPSD_DIRECTIVES.values()},
    "certident": to_str,
    "certident_password": to_str,
}
_MONITOR_FIELDS: dict[str, Converter] = {
    **{field: conv for field, conv in UPSMON_DIRECTIVES.values()},
    "certident": to_str,
    "certident_password": to_str,
}
_TOP_LEVEL = ("server", "drivers", "ups", "users", "monitor", "upssched", "nut", "http",
              "history", "mqtt", "notify")
_TOO_DEEP = "values or tables are nested too deeply to be a configuration"
_TOML_ERROR_RE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def load_toml(path: str | Path, *, strict: bool = False) -> Settings:
    """Read upskit's TOML configuration file."""
    file = str(path)
    text = read_text(path)
    return parse_toml(text, file, strict=strict)


def parse_toml(text: str, file: str, *, strict: bool = False) -> Settings:
    """Build :class:`Settings` from TOML text; ``file`` names it in messages."""
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise ConfigError(file, None, _TOO_DEEP) from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _TOML_ERROR_RE.search(message)
        if found is None:
            raise ConfigError(file, None, f"TOML syntax error: {message}") from None
        where = found.group(2)
        raise ConfigError(file, int(found.group(1)),
                          f"TOML syntax error: {message[: found.start()]} (column {where})"
                          ) from None
    try:
        return _Reader(file, text, strict).read(data)
    except RecursionError:
        raise ConfigError(file, None, _TOO_DEEP) from None


class _Reader:
    """Walks the decoded document, remembering the text to point at lines."""

    def __init__(self, file: str, text: str, strict: bool) -> None:
        self.file = file
        self.text = text
        self.strict = strict
        self._lines: LineIndex | None = None

    # -- helpers -------------------------------------------------------------------

    def line(self, path: Iterable[PathPart]) -> int | None:
        if self._lines is None:
            self._lines = LineIndex(self.text)
        return self._lines.find(tuple(path))

    def fail(self, path: Iterable[PathPart], message: str) -> NoReturn:
        raise ConfigError(self.file, self.line(path), message)

    def origin(self, path: Iterable[PathPart]) -> Origin:
        return Origin(self.file, self.line(path) or 0)

    def table(self, value: object, path: tuple[PathPart, ...]) -> Table:
        if not isinstance(value, dict):
            self.fail(path, f"[{_dotted(path)}] must be a table, got {show(value)}")
        return value

    def convert(self, converter: Callable[[Any], T], value: object,
                path: tuple[PathPart, ...]) -> T:
        try:
            return converter(value)
        except BadValue as exc:
            self.fail(path, f"{_dotted(path)} {exc}")

    def unknown(self, path: tuple[PathPart, ...], known: Iterable[str]) -> NoReturn:
        choices = ", ".join(sorted(known))
        if len(path) == 1:
            self.fail(path, f'unknown table [{path[0]}] (known: {choices})')
        self.fail(path, f'unknown key "{path[-1]}" in [{_dotted(path[:-1])}] (known: {choices})')

    def strings(self, value: object, path: tuple[PathPart, ...]) -> list[str]:
        if isinstance(value, str):
            return value.split()
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return list(value)
        self.fail(path, f"{_dotted(path)} needs a list of strings, got {show(value)}")

    # -- sections ------------------------------------------------------------------

    def read(self, data: Table) -> Settings:
        settings = Settings(source=self.file)
        for key in data:
            if key not in _TOP_LEVEL:
                self.unknown((key,), _TOP_LEVEL)
        if "server" in data:
            settings.upsd = self.server(self.table(data["server"], ("server",)))
        settings.ups = UpsConf()
        if "drivers" in data:
            settings.ups.globals = self.drivers(self.table(data["drivers"], ("drivers",)))
        if "ups" in data:
            settings.ups.ups = self.all_ups(self.table(data["ups"], ("ups",)))
        if "users" in data:
            settings.users = self.users(self.table(data["users"], ("users",)))
        if "monitor" in data:
            settings.upsmon = self.monitor(self.table(data["monitor"], ("monitor",)))
        if "upssched" in data:
            settings.upssched = self.upssched(self.table(data["upssched"], ("upssched",)))
        if "nut" in data:
            settings.nut = self.nut(self.table(data["nut"], ("nut",)))
        TomlWeb(self.fail).read(data, settings.web)
        TomlIntegrations(self.fail).read(data, settings.mqtt, settings.notify)
        return settings

    def server(self, data: Table) -> UpsdSettings:
        upsd = UpsdSettings()
        for key, value in data.items():
            path = ("server", key)
            if key == "listen":
                upsd.listen = [self.listen(text, (*path,)) for text in
                               self.strings(value, path)]
            elif key in _SERVER_FIELDS:
                setattr(upsd, key, self.convert(_SERVER_FIELDS[key], value, path))
            else:
                self.unknown(path, [*_SERVER_FIELDS, "listen"])
        return upsd

    def listen(self, text: str, path: tuple[PathPart, ...]) -> Listen:
        host, port = self.convert(split_host_port, text, path)
        return Listen(host, port)

    def drivers(self, data: Table) -> dict[str, OptionValue]:
        result: dict[str, OptionValue] = {}
        for key, value in _flatten(data):
            path = ("drivers", *key.split("."))
            option = self.option_value(value, path)
            if option is None:
                continue
            check = GLOBAL_OPTIONS.get(key)
            if check is None:
                warn(self.file, self.line(path),
                     f'unknown global driver setting "{key}" in [drivers] (kept, unused)',
                     self.strict)
            elif option is not True or key == "nowait":
                self.convert(check, option, path)
            else:
                self.fail(path, f"drivers.{key} needs a value, not true")
            result[key] = option
        return result

    def option_value(self, value: object, path: tuple[PathPart, ...]) -> OptionValue | None:
        if value is True:
            return True
        if value is False:
            return None
        if isinstance(value, str | int | float):
            return str(value)
        self.fail(path, f"{_dotted(path)} needs a string, a number or true, got {show(value)}")

    def all_ups(self, data: Table) -> dict[str, UpsSettings]:
        result: dict[str, UpsSettings] = {}
        owners: dict[str, str] = {}
        for name, value in data.items():
            path: tuple[PathPart, ...] = ("ups", name)
            try:
                check_ups_name(name, self.file, 0)
            except ConfigError as exc:
                self.fail(path, exc.message)
            ups = self.one_ups(name, self.table(value, path))
            result[name] = ups
            owners[name] = name
        for ups in result.values():
            for alias in ups.aliases:
                if alias in owners:
                    self.fail(("ups", ups.name, "aliases"),
                              f'alias "{alias}" of [ups.{ups.name}] is already used by '
                              f"[ups.{owners[alias]}]")
                owners[alias] = ups.name
        return result

    def one_ups(self, name: str, data: Table) -> UpsSettings:
        base: tuple[PathPart, ...] = ("ups", name)
        driver = desc = ""
        aliases: list[str] = []
        options: dict[str, OptionValue] = {}
        lines: dict[str, int] = {}
        for key, value in _flatten(data):
            path = (*base, *key.split("."))
            if key == "driver":
                driver = self.convert(to_str, value, path)
            elif key == "desc":
                desc = self.convert(to_str, value, path)
            elif key in ("aliases", "alias"):
                aliases = self.strings(value, path)
                for alias in aliases:
                    try:
                        check_ups_name(alias, self.file, 0, "alias")
                    except ConfigError as exc:
                        self.fail(path, exc.message)
            else:
                option = self.option_value(value, path)
                if option is None:
                    continue
                check = SECTION_CHECKS.get(key)
                if check is not None:
                    self.convert(check, option, path)
                options[key] = option
                lines[key] = self.line(path) or 0
        for key, given in (("driver", driver), ("port", options.get("port", ""))):
            if not str(given).strip():
                if key in options or key in data:
                    self.fail((*base, key), f'[ups.{name}] needs a non-empty "{key}"')
                raise missing_key(self.file, f"ups.{name}", self.line(base) or 0, key,
                                  {k: v for k, v in lines.items() if k != key})
        sdorder = options.get("sdorder")
        return UpsSettings(
            name=name,
            driver=driver,
            port=str(options["port"]),
            desc=desc,
            options=options,
            sdorder=int(str(sdorder)) if sdorder is not None else 0,
            aliases=aliases,
            origin=self.origin(base),
            option_lines=lines,
        )

    def users(self, data: Table) -> dict[str, UserSettings]:
        result: dict[str, UserSettings] = {}
        known = ("password", "actions", "instcmds", "upsmon")
        for name, value in data.items():
            base: tuple[PathPart, ...] = ("users", name)
            user = UserSettings(name=name, origin=self.origin(base))
            for key, item in self.table(value, base).items():
                path = (*base, key)
                if key == "password":
                    user.password = self.convert(to_str, item, path)
                elif key == "actions":
                    user.actions = {a.upper() for a in self.strings(item, path)}
                    for action in user.actions - KNOWN_ACTIONS:
                        self.fail(path, f'unknown action "{action}" (known: SET, FSD)')
                elif key == "instcmds":
                    user.instcmds = {normalize_instcmd(c) for c in self.strings(item, path)}
                elif key == "upsmon":
                    user.upsmon = self.convert(parse_role, item, path)
                else:
                    self.unknown(path, known)
            result[name] = user
        return result

    def monitor(self, data: Table) -> UpsmonSettings:
        upsmon = UpsmonSettings()
        specials = ("ups", "notifymsg", "notifyflag", "certhost")
        for key, value in data.items():
            path: tuple[PathPart, ...] = ("monitor", key)
            if key == "ups":
                upsmon.monitors = self.monitors(value)
            elif key == "notifymsg":
                for kind, text in self.table(value, path).items():
                    where = (*path, kind)
                    upsmon.notifymsg[self.convert(notify_type, kind, where)] = self.convert(
                        to_str, text, where)
            elif key == "notifyflag":
                for kind, flags in self.table(value, path).items():
                    where = (*path, kind)
                    upsmon.notifyflag[self.convert(notify_type, kind, where)] = self.convert(
                        notify_flags, flags, where)
            elif key == "certhost":
                for host, entry in self.table(value, path).items():
                    upsmon.certhosts[host] = self.certhost(host, self.table(entry, (*path, host)))
            elif key in _MONITOR_FIELDS:
                setattr(upsmon, key, self.convert(_MONITOR_FIELDS[key], value, path))
            else:
                self.unknown(path, [*_MONITOR_FIELDS, *specials])
        problem = certpath_problem(upsmon)
        if problem:
            self.fail(("monitor", "certpath"), f"monitor.certpath {problem}")
        return upsmon

    def monitors(self, value: object) -> list[MonitorSettings]:
        if not isinstance(value, list):
            self.fail(("monitor", "ups"), "monitor.ups must be written as [[monitor.ups]] tables")
        result: list[MonitorSettings] = []
        known = ("system", "powervalue", "username", "password", "role")
        for index, entry in enumerate(value):
            base: tuple[PathPart, ...] = ("monitor", "ups", index)
            entry = self.table(entry, base)
            for key in entry:
                if key not in known:
                    self.unknown((*base, key), known)
            for key in ("system", "username", "password", "role"):
                if key not in entry:
                    self.fail(base, f'[[monitor.ups]] number {index + 1} needs "{key}"')
            ups, host, port = self.convert(split_system, entry["system"], (*base, "system"))
            monitor = MonitorSettings(
                ups=ups,
                host=host,
                port=port,
                power_value=self.convert(power_value, entry.get("powervalue", 1),
                                         (*base, "powervalue")),
                username=self.convert(to_str, entry["username"], (*base, "username")),
                password=self.convert(to_str, entry["password"], (*base, "password")),
                role=self.convert(parse_role, entry["role"], (*base, "role")),
                origin=self.origin(base),
            )
            for other in result:
                if other.system == monitor.system:
                    self.fail(base, f"{monitor.system} is monitored twice")
            result.append(monitor)
        return result

    def certhost(self, host: str, data: Table) -> CertHost:
        base: tuple[PathPart, ...] = ("monitor", "certhost", host)
        known = ("certname", "certverify", "forcessl")
        for key in data:
            if key not in known:
                self.unknown((*base, key), known)
        if "certname" not in data:
            self.fail(base, f'[monitor.certhost.{host}] needs "certname"')
        entry = CertHost(host=host, certname=self.convert(to_str, data["certname"],
                                                          (*base, "certname")),
                         origin=self.origin(base))
        entry.certverify = self.convert(_MONITOR_FIELDS["certverify"],
                                        data.get("certverify", False), (*base, "certverify"))
        entry.forcessl = self.convert(_MONITOR_FIELDS["forcessl"], data.get("forcessl", False),
                                      (*base, "forcessl"))
        return entry

    def upssched(self, data: Table) -> UpsschedSettings:
        sched = UpsschedSettings()
        known = ("cmdscript", "pipefn", "lockfn", "at")
        for key, value in data.items():
            path: tuple[PathPart, ...] = ("upssched", key)
            if key in UPSSCHED_FIELDS:
                setattr(sched, key, self.convert(UPSSCHED_FIELDS[key], value, path))
            elif key == "at":
                if not isinstance(value, list):
                    self.fail(path, "upssched.at must be written as [[upssched.at]] tables")
                for index, entry in enumerate(value):
                    sched.rules.append(self.rule(index, self.table(entry, (*path, index))))
            else:
                self.unknown(path, known)
        return sched

    def rule(self, index: int, data: Table) -> UpsschedRule:
        base: tuple[PathPart, ...] = ("upssched", "at", index)
        known = ("event", "ups", "action", "args")
        for key in data:
            if key not in known:
                self.unknown((*base, key), known)
        for key in ("event", "action"):
            if key not in data:
                self.fail(base, f'[[upssched.at]] number {index + 1} needs "{key}"')
        args = data.get("args", [])
        if not isinstance(args, list) or not all(isinstance(a, str | int | float) and
                                                 not isinstance(a, bool) for a in args):
            self.fail((*base, "args"), f"upssched.at.args needs a list, got {show(args)}")
        try:
            return make_rule(self.convert(to_str, data["event"], (*base, "event")),
                             self.convert(to_str, data.get("ups", "*"), (*base, "ups")),
                             self.convert(to_str, data["action"], (*base, "action")),
                             [str(a) for a in args], self.origin(base))
        except BadValue as exc:
            self.fail(base, f"[[upssched.at]] {exc}")

    def nut(self, data: Table) -> NutConf:
        conf = NutConf()
        for key, value in data.items():
            path: tuple[PathPart, ...] = ("nut", key)
            text = self.convert(to_str, value, path)
            if key.lower() == "mode":
                if text not in MODES:
                    self.fail(path, f'nut.mode must be one of {", ".join(MODES)}, got "{text}"')
                conf.mode = text
            else:
                conf.values[key] = text
        return conf


def _flatten(data: Table, prefix: str = "") -> list[tuple[str, object]]:
    """Nested tables become dotted names (``default.battery.voltage.high``)."""
    result: list[tuple[str, object]] = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            result.extend(_flatten(value, f"{name}."))
        else:
            result.append((name, value))
    return result


def _dotted(path: Iterable[PathPart]) -> str:
    return ".".join(str(p) for p in path if not isinstance(p, int))
