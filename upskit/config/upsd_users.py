"""``upsd.users``: ``[username]`` sections with password, actions, instcmds, upsmon role."""

from __future__ import annotations

from pathlib import Path

from upskit.config.diagnostics import warn
from upskit.config.parser import Statement, read_statements, section_name, split_assignment
from upskit.config.settings import ConfigError, Origin, Role, UserSettings
from upskit.config.values import BadValue

#: Actions upsd knows.
KNOWN_ACTIONS = frozenset({"SET", "FSD"})

_ROLES: dict[str, Role] = {
    "primary": "primary",
    "master": "primary",
    "secondary": "secondary",
    "slave": "secondary",
}


def parse_role(value: object) -> Role:
    """``primary``/``secondary``, or the older ``master``/``slave``."""
    role = _ROLES.get(str(value).lower()) if isinstance(value, str) else None
    if role is None:
        raise BadValue(f'needs "primary" or "secondary" (or the older "master"/"slave"), '
                       f'got "{value}"')
    return role


def normalize_instcmd(name: str) -> str:
    """``ALL`` in any case becomes ``ALL``; command names stay as written."""
    return "ALL" if name.upper() == "ALL" else name


def load_upsd_users(path: str | Path, *, strict: bool = False) -> dict[str, UserSettings]:
    """Parse ``upsd.users`` into users by name."""
    return parse_upsd_users(read_statements(path), str(path), strict=strict)


def parse_upsd_users(statements: list[Statement], file: str, *,
                     strict: bool = False) -> dict[str, UserSettings]:
    """Build the users from already tokenized statements."""
    users: dict[str, UserSettings] = {}
    current: UserSettings | None = None
    for statement in statements:
        name = section_name(statement, file)
        if name is not None:
            if name in users:
                raise ConfigError(file, statement.line, f"duplicate user [{name}] "
                                  f"(first defined at line {users[name].origin.line})")
            current = UserSettings(name=name, origin=Origin(file, statement.line))
            users[name] = current
            continue
        if current is None:
            raise ConfigError(file, statement.line, f'"{statement.words[0]}" appears before '
                              "the first [username] section")
        _apply(current, statement, file, strict)
    for user in users.values():
        if user.password is None:
            warn(file, user.origin.line, f'user "{user.name}" has no password and cannot log in',
                 strict)
    return users


def _apply(user: UserSettings, statement: Statement, file: str, strict: bool) -> None:
    key, words, _ = split_assignment(statement.words)
    values = [str(w) for w in words]
    directive = key.lower()
    line = statement.line
    if directive in ("password", "upsmon"):
        if len(values) != 1:
            raise ConfigError(file, line, f'"{key}" needs exactly one value, got {len(values)}'
                              + ("; quote a password with spaces" if values else ""))
    elif directive in ("actions", "instcmds") and not values:
        raise ConfigError(file, line, f'"{key}" needs at least one value')
    if directive == "password":
        if user.password is not None:
            raise ConfigError(file, line, f'password given twice for user "{user.name}"')
        user.password = values[0]
    elif directive == "actions":
        for action in values:
            word = action.upper()
            if word not in KNOWN_ACTIONS:
                warn(file, line, f'unknown action "{action}" (known: SET, FSD)', strict)
            user.actions.add(word)
    elif directive == "instcmds":
        user.instcmds.update(normalize_instcmd(v) for v in values)
    elif directive == "upsmon":
        try:
            user.upsmon = parse_role(values[0])
        except BadValue as exc:
            raise ConfigError(file, line, f"upsmon {exc}") from None
    elif directive == "allowfrom":
        warn(file, line, '"allowfrom" is no longer used; restrict access with LISTEN '
             "and a firewall", strict)
    else:
        warn(file, line, f'unknown directive "{key}" ignored', strict)
