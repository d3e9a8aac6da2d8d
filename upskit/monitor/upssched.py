"""upssched's timers, built into the monitor's own event loop.

Rules are ``AT <notifytype> <ups|*> <action> [args]`` with the actions
``START-TIMER <name> <seconds>``, ``START-TIMER-SHARED <name> <seconds>``,
``CANCEL-TIMER <name> [<cmd>]`` and ``EXECUTE <cmd>``.  Like the policy, the timer
table is pure: it is fed events and the time and answers with the CMDSCRIPT calls to
make.  An expired timer calls CMDSCRIPT with the timer name as its argument.
"""

from __future__ import annotations

import logging
import shlex
from dataclasses import dataclass, field

from upskit.config.settings import UpsschedRule, UpsschedSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ScriptCall:
    """Run CMDSCRIPT with ``arg``; ``ups`` and ``notifytype`` go into its environment."""

    arg: str
    ups: str
    notifytype: str


@dataclass
class _Timer:
    due: float
    shared: bool
    ups: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)


class Upssched:
    """The upssched rule table and its running timers."""

    def __init__(self, settings: UpsschedSettings) -> None:
        self.settings = settings
        self.timers: dict[str, _Timer] = {}
        for rule in settings.rules:
            problem = _check(rule)
            if problem:
                log.error("%s: %s", rule.origin, problem)

    def command(self, call: ScriptCall) -> list[str]:
        """The argument vector for ``call`` (empty when CMDSCRIPT is not set)."""
        if not self.settings.cmdscript:
            log.error("upssched: CMDSCRIPT is not set; cannot run %r", call.arg)
            return []
        try:
            words = shlex.split(self.settings.cmdscript)
        except ValueError as exc:
            log.error("upssched: CMDSCRIPT %r cannot be split into words (%s); cannot run %r",
                      self.settings.cmdscript, exc, call.arg)
            return []
        return [*words, call.arg]

    def event(self, notifytype: str, ups: str, now: float) -> list[ScriptCall]:
        """Apply every rule matching ``notifytype`` for ``ups``."""
        calls: list[ScriptCall] = []
        for rule in self.settings.rules:
            if rule.event.upper() != notifytype.upper() or rule.ups not in ("*", ups):
                continue
            if _check(rule):
                continue
            action = rule.action.upper()
            if action in ("START-TIMER", "START-TIMER-SHARED"):
                name, seconds = rule.args[0], float(rule.args[1])
                timer = self.timers.get(name)
                if timer is None:
                    log.info("upssched: starting timer %s (%g s)", name, seconds)
                    timer = _Timer(now + seconds, action == "START-TIMER-SHARED")
                    self.timers[name] = timer
                    timer.ups.append(ups)
                    timer.types.append(notifytype)
                elif timer.shared:
                    timer.ups.append(ups)
                    timer.types.append(notifytype)
                else:
                    log.info("upssched: timer %s is already running", name)
            elif action == "CANCEL-TIMER":
                name = rule.args[0]
                if self.timers.pop(name, None) is not None:
                    log.info("upssched: cancelled timer %s", name)
                elif len(rule.args) > 1:
                    calls.append(ScriptCall(" ".join(rule.args[1:]), ups, notifytype))
            elif action == "EXECUTE":
                calls.append(ScriptCall(" ".join(rule.args), ups, notifytype))
        return calls

    def due(self, now: float) -> list[ScriptCall]:
        """Remove and report every timer that expired by ``now``, earliest first."""
        expired = sorted((t.due, name) for name, t in self.timers.items() if t.due <= now)
        calls: list[ScriptCall] = []
        for _, name in expired:
            timer = self.timers.pop(name)
            log.info("upssched: timer %s expired", name)
            calls.append(ScriptCall(name, ",".join(timer.ups), ",".join(timer.types)))
        return calls

    def next_deadline(self) -> float | None:
        return min((t.due for t in self.timers.values()), default=None)


def _check(rule: UpsschedRule) -> str | None:
    """What is wrong with ``rule`` (``None``: nothing)."""
    action = rule.action.upper()
    if action in ("START-TIMER", "START-TIMER-SHARED"):
        if len(rule.args) != 2:
            return f"{action} needs a timer name and a number of seconds"
        try:
            float(rule.args[1])
        except ValueError:
            return f"{action} {rule.args[0]}: {rule.args[1]!r} is not a number of seconds"
        return None
    if action == "CANCEL-TIMER":
        return None if rule.args else "CANCEL-TIMER needs a timer name"
    if action == "EXECUTE":
        return None if rule.args else "EXECUTE needs a command"
    return f"unknown upssched action {rule.action!r}"
