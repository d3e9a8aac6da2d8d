"""Notification types, their default texts and flags, and message formatting."""

from __future__ import annotations

import enum


class NotifyType(enum.Enum):
    """Every event the monitor can report, named as in ``NOTIFYMSG`` / ``NOTIFYFLAG``."""

    ONLINE = "ONLINE"
    ONBATT = "ONBATT"
    LOWBATT = "LOWBATT"
    FSD = "FSD"
    COMMOK = "COMMOK"
    COMMBAD = "COMMBAD"
    SHUTDOWN = "SHUTDOWN"
    REPLBATT = "REPLBATT"
    NOCOMM = "NOCOMM"
    NOPARENT = "NOPARENT"
    CAL = "CAL"
    NOTCAL = "NOTCAL"
    OFF = "OFF"
    NOTOFF = "NOTOFF"
    BYPASS = "BYPASS"
    NOTBYPASS = "NOTBYPASS"
    ECO = "ECO"
    NOTECO = "NOTECO"
    ALARM = "ALARM"
    NOTALARM = "NOTALARM"
    OVER = "OVER"
    NOTOVER = "NOTOVER"
    TRIM = "TRIM"
    NOTTRIM = "NOTTRIM"
    BOOST = "BOOST"
    NOTBOOST = "NOTBOOST"
    SHUTDOWN_HOSTSYNC = "SHUTDOWN_HOSTSYNC"
    OTHER = "OTHER"
    NOTOTHER = "NOTOTHER"


#: NUT's default message per type; ``%s`` is the UPS (``ups@host``), a second ``%s``
#: (OTHER, ALARM overrides) is the extra detail.
DEFAULT_MESSAGES: dict[NotifyType, str] = {
    NotifyType.ONLINE: "UPS %s on line power",
    NotifyType.ONBATT: "UPS %s on battery",
    NotifyType.LOWBATT: "UPS %s battery is low",
    NotifyType.FSD: "UPS %s: forced shutdown in progress",
    NotifyType.COMMOK: "Communications with UPS %s established",
    NotifyType.COMMBAD: "Communications with UPS %s lost",
    NotifyType.SHUTDOWN: "Auto logout and shutdown proceeding",
    NotifyType.REPLBATT: "UPS %s battery needs to be replaced",
    NotifyType.NOCOMM: "UPS %s is unavailable",
    NotifyType.NOPARENT: "upsmon parent process died - shutdown impossible",
    NotifyType.CAL: "UPS %s: calibration in progress",
    NotifyType.NOTCAL: "UPS %s: calibration finished",
    NotifyType.OFF: "UPS %s: administratively OFF or asleep",
    NotifyType.NOTOFF: "UPS %s: no longer administratively OFF or asleep",
    NotifyType.BYPASS: "UPS %s: on bypass (powered, not protecting)",
    NotifyType.NOTBYPASS: "UPS %s: no longer on bypass",
    NotifyType.ECO: "UPS %s: in ECO mode (as defined by vendor)",
    NotifyType.NOTECO: "UPS %s: no longer in ECO mode (as defined by vendor)",
    NotifyType.ALARM: "UPS %s: one or more active alarms (check ups.alarm)",
    NotifyType.NOTALARM: "UPS %s is no longer in an alarm state (no active alarms)",
    NotifyType.OVER: "UPS %s: overloaded",
    NotifyType.NOTOVER: "UPS %s: no longer overloaded",
    NotifyType.TRIM: "UPS %s: trimming incoming voltage",
    NotifyType.NOTTRIM: "UPS %s: no longer trimming incoming voltage",
    NotifyType.BOOST: "UPS %s: boosting incoming voltage",
    NotifyType.NOTBOOST: "UPS %s: no longer boosting incoming voltage",
    NotifyType.SHUTDOWN_HOSTSYNC: (
        "Shutdown initiated; primary system is waiting for secondaries to log out or time out"
    ),
    NotifyType.OTHER: "UPS %s: has at least one unclassified status token: [%s]",
    NotifyType.NOTOTHER: "UPS %s has no unclassified status tokens anymore",
}

#: Flags used when ``NOTIFYFLAG`` does not mention a type.
DEFAULT_FLAGS: frozenset[str] = frozenset({"SYSLOG", "WALL"})

#: Status word -> (notification when it appears, notification when it goes away).
TOKEN_EVENTS: dict[str, tuple[NotifyType, NotifyType]] = {
    "CAL": (NotifyType.CAL, NotifyType.NOTCAL),
    "OFF": (NotifyType.OFF, NotifyType.NOTOFF),
    "BYPASS": (NotifyType.BYPASS, NotifyType.NOTBYPASS),
    "ECO": (NotifyType.ECO, NotifyType.NOTECO),
    "ALARM": (NotifyType.ALARM, NotifyType.NOTALARM),
    "OVER": (NotifyType.OVER, NotifyType.NOTOVER),
    "TRIM": (NotifyType.TRIM, NotifyType.NOTTRIM),
    "BOOST": (NotifyType.BOOST, NotifyType.NOTBOOST),
}

#: Status words the monitor understands; anything else is reported as OTHER.
KNOWN_TOKENS: frozenset[str] = frozenset({
    "OL", "OB", "LB", "HB", "RB", "CHRG", "DISCHRG", "BYPASS", "CAL", "OFF", "OVER",
    "TRIM", "BOOST", "FSD", "ALARM", "ECO", "WAIT", "SD",
})  # fmt: skip


def notify_type(name: str) -> NotifyType | None:
    """The type called ``name`` (case-insensitive), or ``None``."""
    try:
        return NotifyType(name.upper())
    except ValueError:
        return None


def format_message(template: str, ups: str, extra: str = "") -> str:
    """Fill ``template``: the first ``%s`` is ``ups``, the second ``extra``; ``%%`` is ``%``.

    Only ``%s`` and ``%%`` are understood; any other ``%`` sequence is kept as written,
    so a template can never fail or consume more arguments than exist.
    """
    values = [ups, extra]
    out: list[str] = []
    i = 0
    while i < len(template):
        ch = template[i]
        if ch == "%" and i + 1 < len(template):
            nxt = template[i + 1]
            if nxt == "s":
                out.append(values.pop(0) if values else "")
                i += 2
                continue
            if nxt == "%":
                out.append("%")
                i += 2
                continue
        out.append(ch)
        i += 1
    return "".join(out)
