"""Deliver notifications: syslog, wall, NOTIFYCMD and the built-in upssched."""

from __future__ import annotations

import logging
import os
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from upskit.config.settings import UpsmonSettings
from upskit.monitor.events import DEFAULT_FLAGS, DEFAULT_MESSAGES, NotifyType, format_message
from upskit.monitor.runner import ProgramRunner
from upskit.monitor.upssched import ScriptCall, Upssched

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Notification:
    """One delivered notification, as recorded for tests and status displays."""

    kind: NotifyType
    ups: str
    message: str
    flags: frozenset[str]


def is_upssched(command: str | None) -> bool:
    """True when NOTIFYCMD names the ``upssched`` program (handled in-process)."""
    if not command:
        return False
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    return bool(words) and os.path.basename(words[0]) == "upssched"


def send_syslog(message: str) -> None:
    """Write ``message`` to the system log (daemon facility, notice level)."""
    try:
        import syslog
    except ImportError:  # not a Unix system
        return
    syslog.openlog("upskit-monitor", 0, syslog.LOG_DAEMON)
    syslog.syslog(syslog.LOG_NOTICE, message)


class Notifier:
    """Formats and delivers notifications according to NOTIFYMSG / NOTIFYFLAG.

    ``NOTIFYCMD`` is split into words like a shell would, but no shell ever runs:
    the message is passed as the last argument, ``NOTIFYTYPE`` and ``UPSNAME`` in the
    environment.  When NOTIFYCMD is ``upssched`` (or a ``upssched`` table is given and
    NOTIFYCMD is unset) EXEC events go to the built-in timers instead.
    """

    def __init__(self, settings: UpsmonSettings, runner: ProgramRunner, *,
                 upssched: Upssched | None = None,
                 wall: Sequence[str] | None = ("wall",),
                 syslog: Callable[[str], None] | None = send_syslog) -> None:
        self.settings = settings
        self.runner = runner
        self.upssched = upssched
        self.wall = list(wall) if wall else None
        self.syslog = syslog
        self.history: list[Notification] = []
        #: Called with ``(type, ups, message)`` for every notification (Apprise, MQTT);
        #: each must return at once, and one that raises is logged.
        self.listeners: list[Callable[[str, str, str], None]] = []
        self.notifycmd = None if is_upssched(settings.notifycmd) else settings.notifycmd
        self._messages = {kind: DEFAULT_MESSAGES[kind] for kind in NotifyType}
        for name, text in settings.notifymsg.items():
            kind = _lookup(name)
            if kind is not None:
                self._messages[kind] = text
        self._flags: dict[NotifyType, frozenset[str]] = {}
        for name, flags in settings.notifyflag.items():
            kind = _lookup(name)
            if kind is not None:
                self._flags[kind] = frozenset(f.upper() for f in flags)

    def message(self, kind: NotifyType, ups: str | None, extra: str = "") -> str:
        return format_message(self._messages[kind], ups or "", extra)

    def flags(self, kind: NotifyType) -> frozenset[str]:
        return self._flags.get(kind, DEFAULT_FLAGS)

    def notify(self, kind: NotifyType, ups: str | None, extra: str = "",
               now: float = 0.0) -> list[ScriptCall]:
        """Deliver one notification; returns the upssched script calls it caused
        (already started).  A way of delivering it that fails is logged and the
        others still run: this never raises."""
        text = self.message(kind, ups, extra)
        flags = self.flags(kind)
        self.history.append(Notification(kind, ups or "", text, flags))
        log.warning("%s", text)
        for listener in list(self.listeners):
            _guarded("listener", kind, listener, kind.value, ups or "", text)
        if "IGNORE" in flags:
            return []
        calls: list[ScriptCall] = []
        if "SYSLOG" in flags and self.syslog is not None:
            _guarded("syslog", kind, self.syslog, text)
        if "WALL" in flags and self.wall:
            _guarded("wall", kind, self.runner.spawn, self.wall, stdin=(text + "\n").encode())
        if "EXEC" in flags:
            env = {"NOTIFYTYPE": kind.value, "UPSNAME": ups or ""}
            if self.notifycmd:
                _guarded("NOTIFYCMD", kind, self._exec, self.notifycmd, text, env)
            if self.upssched is not None:
                calls = _guarded("upssched", kind, self.upssched.event, kind.value, ups or "",
                                 now) or []
                self.run_scripts(calls)
            elif not self.notifycmd:
                log.debug("EXEC set for %s but no NOTIFYCMD configured", kind.value)
        return calls

    def _exec(self, command: str, text: str, env: dict[str, str]) -> None:
        self.runner.spawn([*shlex.split(command), text], env)

    def run_scripts(self, calls: Sequence[ScriptCall]) -> None:
        """Start CMDSCRIPT for each upssched call; a call that fails is logged."""
        if self.upssched is None:
            return
        for call in calls:
            try:
                argv = self.upssched.command(call)
                if argv:
                    self.runner.spawn(argv, {"UPSNAME": call.ups,
                                             "NOTIFYTYPE": call.notifytype})
            except Exception as exc:
                log.error("upssched: CMDSCRIPT for %r could not be started: %s", call.arg, exc)


def _guarded(what: str, kind: NotifyType, call: Callable[..., T], *args: Any,
             **kw: Any) -> T | None:
    """``call(*args, **kw)``; a failure is logged (naming ``what``) and gives ``None``."""
    try:
        return call(*args, **kw)
    except Exception as exc:
        log.error("%s notification by %s failed: %s", kind.value, what, exc)
        return None


def _lookup(name: str) -> NotifyType | None:
    try:
        return NotifyType(name.upper())
    except ValueError:
        log.warning("unknown notification type %r ignored", name)
        return None
