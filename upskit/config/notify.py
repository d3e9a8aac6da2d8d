"""upsmon notification types and flags, as NUT names them."""

from __future__ import annotations

from upskit.config.values import BadValue

#: Every notification type upsmon can raise, in NUT's order.
NOTIFY_TYPES: tuple[str, ...] = (
    "ONLINE", "ONBATT", "LOWBATT", "FSD", "COMMOK", "COMMBAD", "SHUTDOWN", "REPLBATT",
    "NOCOMM", "NOPARENT", "CAL", "NOTCAL", "OFF", "NOTOFF", "BYPASS", "NOTBYPASS",
    "ECO", "NOTECO", "ALARM", "NOTALARM", "OVER", "NOTOVER", "TRIM", "NOTTRIM",
    "BOOST", "NOTBOOST", "SHUTDOWN_HOSTSYNC", "OTHER", "NOTOTHER",
    "SUSPEND_STARTING", "SUSPEND_FINISHED",
)

#: What upsmon may do with a notification.
NOTIFY_FLAGS = frozenset({"SYSLOG", "WALL", "EXEC", "IGNORE"})


def notify_type(value: object) -> str:
    """A notification type name, upper-cased."""
    name = str(value).upper() if isinstance(value, str) else ""
    if name not in NOTIFY_TYPES:
        raise BadValue(f'has an unknown notification type "{value}" '
                       f"(known: {', '.join(NOTIFY_TYPES)})")
    return name


def notify_flags(value: object) -> set[str]:
    """``SYSLOG+WALL+EXEC`` / ``IGNORE`` as a string, or a list of flag words."""
    if isinstance(value, str):
        words = value.split("+")
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        words = list(value)
    else:
        raise BadValue(f'needs flags such as "SYSLOG+WALL+EXEC" or "IGNORE", got {value!r}')
    flags = set()
    for word in words:
        flag = word.strip().upper()
        if flag not in NOTIFY_FLAGS:
            raise BadValue(f'has an unknown flag "{word}" (known: SYSLOG, WALL, EXEC, IGNORE)')
        flags.add(flag)
    if not flags:
        raise BadValue("needs at least one flag (SYSLOG, WALL, EXEC or IGNORE)")
    if "IGNORE" in flags and len(flags) > 1:
        raise BadValue("cannot combine IGNORE with other flags")
    return flags
