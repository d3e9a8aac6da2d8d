"""``ups.conf``: global driver settings, then one ``[name]`` section per UPS."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from upskit.config.diagnostics import warn
from upskit.config.parser import Statement, Word, read_statements, section_name, split_assignment
from upskit.config.settings import ConfigError, OptionValue, Origin, UpsConf, UpsSettings
from upskit.config.values import (
    BadValue,
    Converter,
    count,
    positive_seconds,
    to_bool,
    to_str,
    whole,
)

_TEXT: Converter = to_str


def _synchronous(value: object) -> str:
    text = to_str(value)
    if text.lower() not in {"yes", "no", "auto"}:
        raise BadValue(f'needs "yes", "no" or "auto", got "{text}"')
    return text


def _flag_or_bool(value: object) -> bool:
    return True if value is True else to_bool(value)


#: Settings NUT knows before the first section, with the check each value must pass.
GLOBAL_OPTIONS: dict[str, Converter] = {
    "maxretry": count,
    "retrydelay": count,
    "pollinterval": positive_seconds,
    "chroot": _TEXT,
    "driverpath": _TEXT,
    "statepath": _TEXT,
    "user": _TEXT,
    "group": _TEXT,
    "maxstartdelay": count,
    "nowait": _flag_or_bool,
    "synchronous": _synchronous,
    "debug_min": count,
    "reconnect_max_tries": count,
    "reconnect_report_freq": count,
}

#: Options of a UPS section whose values are checked here (the rest belong to drivers).
SECTION_CHECKS: dict[str, Converter] = {
    "sdorder": whole,
    "maxstartdelay": count,
    "pollinterval": positive_seconds,
    "pollfreq": positive_seconds,
    "maxretry": count,
    "retrydelay": count,
    "debug_min": count,
    "synchronous": _synchronous,
}

#: Global settings that are bare flags when written alone.
_GLOBAL_FLAGS = frozenset({"nowait"})
_NEEDS_VALUE = frozenset({"driver", "port", "desc", "alias"})


#: Characters a UPS name cannot hold: clients send names unquoted (``LIST VAR büro``
#: or ``GET VAR a=b x`` split differently on the server), ``@`` starts the host in
#: ``ups@host`` and brackets end the ``[name]`` header.
_NOT_IN_NAMES = frozenset(" \t\"'\\#=@[]")
NAME_RULE = ("one word of printable ASCII: letters, digits and punctuation other than "
             "\" ' \\ # = @ [ ]")


def check_ups_name(name: str, file: str, line: int, what: str = "UPS name") -> None:
    """Refuse names the NUT protocol and its clients cannot carry (see :data:`NAME_RULE`)."""
    if (not name or not name.isascii() or not name.isprintable()
            or any(c in _NOT_IN_NAMES for c in name)):
        shown = name if name.isprintable() else name.encode("unicode_escape").decode("ascii")
        raise ConfigError(file, line, f'bad {what} "{shown}": a name must be {NAME_RULE}')


def load_ups_conf(path: str | Path, *, strict: bool = False) -> UpsConf:
    """Parse ``ups.conf``; every problem is a :class:`ConfigError` naming file and line."""
    file = str(path)
    return parse_ups_conf(read_statements(path), file, strict=strict)


def parse_ups_conf(statements: list[Statement], file: str, *, strict: bool = False) -> UpsConf:
    """Build :class:`UpsConf` from already tokenized statements."""
    conf = UpsConf()
    current: _Section | None = None
    sections: list[_Section] = []
    for statement in statements:
        name = section_name(statement, file)
        if name is not None:
            check_ups_name(name, file, statement.line)
            for earlier in sections:
                if earlier.name == name:
                    raise ConfigError(file, statement.line, f'duplicate section [{name}] '
                                      f"(first defined at line {earlier.line})")
            current = _Section(name, statement.line)
            sections.append(current)
            continue
        key, values, has_equals = split_assignment(statement.words)
        value = _single_value(key, values, has_equals, statement, file)
        if current is None:
            _store_global(conf, key, value, statement.line, file, strict)
        else:
            current.add(key, value, statement.line, file)
    names: dict[str, tuple[str, int]] = {s.name: (s.name, s.line) for s in sections}
    for section in sections:
        ups = section.finish(file)
        for alias, line in zip(ups.aliases, section.alias_lines, strict=True):
            if alias in names:
                owner, owner_line = names[alias]
                raise ConfigError(file, line, f'alias "{alias}" is already used by [{owner}] '
                                  f"(line {owner_line})")
            names[alias] = (ups.name, line)
        conf.ups[ups.name] = ups
    return conf


def _single_value(key: str, values: list[Word], has_equals: bool, statement: Statement,
                  file: str) -> OptionValue:
    if not key:
        raise ConfigError(file, statement.line, 'missing name before "="')
    if not has_equals:
        if values:
            shown = " ".join(statement.words)
            raise ConfigError(file, statement.line,
                              f'expected "key = value" or a bare flag, got "{shown}"')
        return True
    if not values:
        raise ConfigError(file, statement.line, f'option "{key}" has "=" but no value')
    if len(values) > 1:
        raise ConfigError(file, statement.line,
                          f'option "{key}" takes one value, got {len(values)} words; '
                          "put a value with spaces in double quotes")
    return str(values[0])


def _store_global(conf: UpsConf, key: str, value: OptionValue, line: int, file: str,
                  strict: bool) -> None:
    check = GLOBAL_OPTIONS.get(key)
    if check is None:
        warn(file, line, f'unknown global setting "{key}" (kept, but upskit does not use it)',
             strict)
    elif value is True and key not in _GLOBAL_FLAGS:
        raise ConfigError(file, line, f'global setting "{key}" needs a value ("{key} = ...")')
    else:
        _check(check, key, value, line, file)
    if key in conf.globals:
        warn(file, line, f'global setting "{key}" given again; the last one wins', strict)
    conf.globals[key] = value


def _check(check: Converter, key: str, value: OptionValue, line: int, file: str) -> None:
    try:
        check(value)
    except BadValue as exc:
        raise ConfigError(file, line, f'option "{key}" {exc}') from None


def missing_key(file: str, section: str, line: int, key: str,
                written: Mapping[str, int]) -> ConfigError:
    """The error for a section without ``key``: at the line of a misspelling of it when
    there is one (``drvier = ...``), else at the section header."""
    lowered = {name.lower(): name for name in written}
    import difflib  # only when a name is wrong

    close = difflib.get_close_matches(key, list(lowered), n=1, cutoff=0.7)
    if close:
        typo = lowered[close[0]]
        return ConfigError(file, written[typo] or line,
                           f'unknown key "{typo}" in [{section}] (did you mean "{key}"?)')
    return ConfigError(file, line, f'[{section}] has no "{key} = ..." line')


class _Section:
    """A UPS section being read."""

    def __init__(self, name: str, line: int) -> None:
        self.name = name
        self.line = line
        self.driver: str | None = None
        self.desc = ""
        self.options: dict[str, OptionValue] = {}
        self.option_lines: dict[str, int] = {}
        self.aliases: list[str] = []
        self.alias_lines: list[int] = []

    def add(self, key: str, value: OptionValue, line: int, file: str) -> None:
        if value is True and key in _NEEDS_VALUE | SECTION_CHECKS.keys():
            raise ConfigError(file, line, f'option "{key}" needs a value ("{key} = ...")')
        if key == "alias":
            alias = str(value)
            check_ups_name(alias, file, line, "alias")
            if alias == self.name or alias in self.aliases:
                raise ConfigError(file, line, f'alias "{alias}" repeats a name of [{self.name}]')
            self.aliases.append(alias)
            self.alias_lines.append(line)
            return
        check = SECTION_CHECKS.get(key)
        if check is not None:
            _check(check, key, value, line, file)
        if key in ("driver", "port", "desc") and not str(value).strip():
            raise ConfigError(file, line, f'option "{key}" is empty')
        if key in self.option_lines or (key == "driver" and self.driver is not None):
            first = self.option_lines.get(key, 0)
            raise ConfigError(file, line, f'option "{key}" given twice in [{self.name}] '
                              f"(first at line {first})")
        self.option_lines[key] = line
        if key == "driver":
            self.driver = str(value)
        elif key == "desc":
            self.desc = str(value)
        else:
            self.options[key] = value

    def finish(self, file: str) -> UpsSettings:
        if self.driver is None:
            raise missing_key(file, self.name, self.line, "driver", self.option_lines)
        port = self.options.get("port")
        if port is None:
            raise missing_key(file, self.name, self.line, "port", self.option_lines)
        sdorder = self.options.get("sdorder")
        return UpsSettings(
            name=self.name,
            driver=self.driver,
            port=str(port),
            desc=self.desc,
            options=self.options,
            sdorder=whole(sdorder) if sdorder is not None else 0,
            aliases=self.aliases,
            origin=Origin(file, self.line),
            option_lines={k: v for k, v in self.option_lines.items() if k in self.options},
        )
