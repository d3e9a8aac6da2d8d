"""``upssched.conf``: CMDSCRIPT, PIPEFN, LOCKFN and ``AT`` timer rules."""

from __future__ import annotations

import shlex
from pathlib import Path

from upskit.config.commands import program_line
from upskit.config.diagnostics import warn
from upskit.config.directives import convert, expect_args
from upskit.config.notify import notify_type
from upskit.config.parser import Statement, read_statements
from upskit.config.settings import ConfigError, Origin, UpsschedRule, UpsschedSettings
from upskit.config.values import BadValue, Converter, seconds, to_str

#: upssched.conf settings with one value, by TOML key: converter.
UPSSCHED_FIELDS: dict[str, Converter] = {
    "cmdscript": program_line,
    "pipefn": to_str,
    "lockfn": to_str,
}

#: AT actions: (least, most) arguments after the action, and usage.
AT_ACTIONS: dict[str, tuple[int, int, str]] = {
    "START-TIMER": (2, 2, "START-TIMER <timer> <seconds>"),
    "START-TIMER-SHARED": (2, 2, "START-TIMER-SHARED <timer> <seconds>"),
    "CANCEL-TIMER": (1, 2, "CANCEL-TIMER <timer> [<command>]"),
    "EXECUTE": (1, 1, "EXECUTE <command>"),
}
_TIMER_ACTIONS = frozenset({"START-TIMER", "START-TIMER-SHARED", "CANCEL-TIMER"})


def load_upssched_conf(path: str | Path, *, strict: bool = False) -> UpsschedSettings:
    """Parse ``upssched.conf``; unknown directives are warnings unless ``strict``."""
    return parse_upssched_conf(read_statements(path), str(path), strict=strict)


def parse_upssched_conf(statements: list[Statement], file: str, *,
                        strict: bool = False) -> UpsschedSettings:
    """Build :class:`UpsschedSettings` from already tokenized statements."""
    settings = UpsschedSettings()
    for statement in statements:
        name = statement.words[0].upper()
        args = [str(w) for w in statement.words[1:]]
        if name == "CMDSCRIPT":
            expect_args(statement, file, 1, 64, "CMDSCRIPT <script> [<arguments>]")
            script = args[0] if len(args) == 1 else shlex.join(args)
            settings.cmdscript = convert(program_line, script, "CMDSCRIPT", file,
                                         statement.line)
        elif name in ("PIPEFN", "LOCKFN"):
            expect_args(statement, file, 1, 1, f"{name} <file>")
            setattr(settings, name.lower(), args[0])
        elif name == "AT":
            settings.rules.append(parse_at(statement, file))
        else:
            warn(file, statement.line, f'unknown directive "{statement.words[0]}" ignored',
                 strict)
    timers = [r for r in settings.rules if r.action in _TIMER_ACTIONS]
    if timers and (settings.pipefn is None or settings.lockfn is None):
        warn(file, timers[0].origin.line, "timers need both PIPEFN and LOCKFN to be set",
             strict)
    return settings


def parse_at(statement: Statement, file: str) -> UpsschedRule:
    """``AT <notifytype> <ups|*> <action> [<arguments>]``, with the action's arguments checked."""
    line = statement.line
    words = [str(w) for w in statement.words]
    if len(words) < 4:
        raise ConfigError(file, line, f"AT needs at least 3 arguments, got {len(words) - 1} "
                          "(usage: AT <notifytype> <ups|*> <action> [<arguments>])")
    try:
        return make_rule(words[1], words[2], words[3], words[4:], Origin(file, line))
    except BadValue as exc:
        raise ConfigError(file, line, f"AT {exc}") from None


def make_rule(event: str, ups: str, action: str, args: list[str],
              origin: Origin) -> UpsschedRule:
    """Check one rule; a :class:`BadValue` message completes "AT ..."."""
    kind = notify_type(event)
    if not ups or any(c in ups for c in " \t"):
        raise BadValue(f'has a bad UPS name "{ups}"')
    name = action.upper()
    shape = AT_ACTIONS.get(name)
    if shape is None:
        raise BadValue(f'has an unknown action "{action}" (known: {", ".join(AT_ACTIONS)})')
    least, most, usage = shape
    if not least <= len(args) <= most:
        wanted = str(least) if least == most else f"{least} to {most}"
        raise BadValue(f"action {name} needs {wanted} argument(s), got {len(args)} "
                       f"(usage: {usage})")
    if name.startswith("START-TIMER"):
        try:
            seconds(args[1])
        except BadValue as exc:
            raise BadValue(f"{name} timeout {exc}") from None
    return UpsschedRule(event=kind, ups=ups, action=name, args=list(args), origin=origin)
