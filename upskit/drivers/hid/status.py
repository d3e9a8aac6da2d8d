"""ups.status and ups.alarm from the status conditions of a HID UPS, as usbhid-ups
composes them.

Subdrivers set named conditions (``online``, ``discharging``, ``lowbatt`` ...) from
their status paths; a condition keeps its last value until a report changes it (an
input report carries only some of them). The words come in NUT's order; ``OB`` when
the UPS is not on line; ``LB`` for a low battery, an expired time limit or an
imminent shutdown; ``DISCHRG`` only while the battery is not depleted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

#: Conditions and the status word each one adds, in NUT's order of words.
_WORDS: tuple[tuple[str, str], ...] = (
    ("charging", "CHRG"),
    ("lowbatt", "LB"),
    ("timelimitexp", "LB"),
    ("shutdownimm", "LB"),
    ("overload", "OVER"),
    ("replacebatt", "RB"),
    ("trim", "TRIM"),
    ("boost", "BOOST"),
    ("bypass", "BYPASS"),
    ("off", "OFF"),
    ("calibration", "CAL"),
)

#: Conditions that raise an alarm, with the text usbhid-ups puts in ups.alarm.
_ALARMS: tuple[tuple[str, str], ...] = (
    ("replacebatt", "Replace battery!"),
    ("shutdownimm", "Shutdown imminent!"),
    ("fanfail", "Fan failure!"),
    ("nobattery", "No battery installed!"),
    ("battvoltlo", "Battery voltage too low!"),
    ("battvolthi", "Battery voltage too high!"),
    ("chargerfail", "Battery charger fail!"),
    ("overheat", "Temperature too high!"),
    ("internalfailure", "Internal UPS fault!"),
    ("awaitingpower", "Awaiting power!"),
    ("commfault", "Internal communication failure!"),
    ("vrange", "Input voltage out of range!"),
    ("frange", "Input frequency out of range!"),
)

#: Every condition a status rule may name.
CONDITIONS = frozenset(
    {"online", "discharging", "depleted", "fullycharged"}
    | {c for c, _ in _WORDS} | {c for c, _ in _ALARMS})


@dataclass(frozen=True, slots=True)
class StatusPolicy:
    """The driver options that change how status is composed.

    ``onlinedischarge``: on line and discharging reads as on battery (units that keep
    ACPresent set on mains loss); ``onlinedischarge_calibration``: as calibrating.
    ``lowbatt``: a battery charge (percent) at or below which ``LB`` is raised.
    """

    onlinedischarge: bool = False
    onlinedischarge_calibration: bool = False
    lowbatt: float | None = None


def compose(conditions: Mapping[str, bool], policy: StatusPolicy = StatusPolicy(),
            charge: float | None = None) -> tuple[list[str], list[str]]:
    """The status words and alarm texts for the current conditions."""
    on = {name for name, state in conditions.items() if state}
    online = "online" in on
    if online and "discharging" in on:
        if policy.onlinedischarge:
            online = False
        elif policy.onlinedischarge_calibration:
            on.add("calibration")
    if policy.lowbatt is not None and charge is not None and charge <= policy.lowbatt:
        on.add("lowbatt")
    words = ["OL" if online else "OB"]
    if "discharging" in on and "depleted" not in on:
        words.append("DISCHRG")
    for condition, word in _WORDS:
        if condition in on and word not in words:
            words.append(word)
    alarms = [text for condition, text in _ALARMS if condition in on]
    return words, alarms
