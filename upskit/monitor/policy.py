"""The shutdown policy: a pure state machine driven by readings and a clock.

The policy never sleeps, never does I/O and never reads the time by itself.  Its
caller feeds it what the sources reported (:meth:`Policy.reading`,
:meth:`Policy.failure`, :meth:`Policy.logins`) and calls :meth:`Policy.tick` no later
than :meth:`Policy.next_deadline`; every call returns the :data:`Action` objects to
carry out, in order.  This keeps every rule testable with a fake clock.

The rules are upsmon's:

* a UPS is *critical* when it reports ``FSD``; when it stopped communicating while
  last known overloaded (longer than OVERDURATION, if that is >= 0), in ALARM
  (ALARMCRITICAL), calibrating, on bypass or OFF; when it has been OFF for
  OFFDURATION seconds; or when it is on battery with a low battery (``OB LB``, not
  during calibration) for OBLBDURATION seconds - a secondary then still gives the
  primary HOSTSYNC seconds to set FSD;
* a UPS last seen on battery and not heard from for DEADTIME seconds counts as
  ``OB LB``; one last seen on line power is assumed fine however long it is silent;
* when the power values of the non-critical UPSes add up to less than MINSUPPLIES
  the shutdown starts: a primary sets FSD on every UPS it is primary for, waits until
  no secondary is logged in any more (or HOSTSYNC passed), then the SHUTDOWN
  notification, FINALDELAY, and the shutdown command; SHUTDOWNEXIT decides what
  happens afterwards.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from upskit.config.settings import UpsmonSettings
from upskit.monitor.events import KNOWN_TOKENS, TOKEN_EVENTS, NotifyType

log = logging.getLogger(__name__)

#: Seconds between two NUMLOGINS checks while a primary waits for its secondaries.
LOGIN_CHECK_INTERVAL = 0.25


@dataclass(frozen=True, slots=True)
class Notify:
    """Send notification ``kind`` about ``ups`` (``None``: about this system)."""

    kind: NotifyType
    ups: str | None
    extra: str = ""


@dataclass(frozen=True, slots=True)
class SendFsd:
    """Set the forced-shutdown flag on ``ups`` (this system is its primary)."""

    ups: str


@dataclass(frozen=True, slots=True)
class CheckLogins:
    """Ask how many other clients are still logged in to ``ups``; answer with
    :meth:`Policy.logins`."""

    ups: str


@dataclass(frozen=True, slots=True)
class RunShutdown:
    """Write the power-down flag (if configured) and run the shutdown command."""


@dataclass(frozen=True, slots=True)
class Exit:
    """Stop monitoring (SHUTDOWNEXIT reached)."""


Action = Notify | SendFsd | CheckLogins | RunShutdown | Exit


class Phase(enum.Enum):
    """Where the policy is in its life."""

    MONITORING = "monitoring"
    HOSTSYNC = "hostsync"  # primary: waiting for secondaries to log out
    FINALDELAY = "finaldelay"  # SHUTDOWN notified, waiting FINALDELAY
    SHUTDOWN = "shutdown"  # shutdown command issued, maybe lingering
    EXITED = "exited"


@dataclass
class UpsState:
    """What the policy knows about one monitored UPS."""

    system: str
    power_value: int
    primary: bool
    status: frozenset[str] = frozenset()
    #: ``None`` before the first contact, then whether the last poll worked.
    comm: bool | None = None
    last_ok: float | None = None
    lost_since: float | None = None
    last_nocomm: float | None = None
    last_noncrit: float | None = None
    oblb_since: float | None = None
    off_since: float | None = None
    over_since: float | None = None
    last_replbatt: float | None = None
    alarm: str = ""
    others: frozenset[str] = frozenset()
    #: Why the UPS is critical (``None``: it is not), as of the last evaluation.
    critical: str | None = None


@dataclass
class _Sync:
    """Progress of a primary's wait for its secondaries."""

    deadline: float
    next_check: float
    pending: set[str] = field(default_factory=set)


class Policy:
    """upsmon's decision logic for a set of MONITOR lines (see the module docstring)."""

    def __init__(self, settings: UpsmonSettings, now: float) -> None:
        self.settings = settings
        self.ups: dict[str, UpsState] = {}
        for mon in settings.monitors:
            self.ups[mon.system] = UpsState(mon.system, mon.power_value, mon.role == "primary")
        self.phase = Phase.MONITORING
        self.started = now
        self.shutdown_reason = ""
        self._sync: _Sync | None = None
        self._final_at: float | None = None
        self._exit_at: float | None = None
        total = sum(st.power_value for st in self.ups.values())
        if settings.minsupplies > total:
            log.error("MINSUPPLIES %d is more than the power values configured (%d): "
                      "this system would shut down at once", settings.minsupplies, total)

    # ------------------------------------------------------------------ inputs
    def reading(self, system: str, tokens: Iterable[str], now: float,
                alarm: str = "") -> list[Action]:
        """A successful poll of ``system`` returned the status words ``tokens``."""
        st = self.ups[system]
        actions: list[Action] = []
        new = frozenset(w for t in tokens for w in t.split())
        old = st.status
        first = st.last_ok is None
        if st.comm is False:
            actions.append(Notify(NotifyType.COMMOK, system))
            log.info("communications with UPS %s established", system)
        st.comm = True
        st.last_ok = now
        st.lost_since = None
        st.last_nocomm = None
        st.alarm = alarm
        actions += self._token_changes(st, old, new, first, now)
        st.status = new
        ob_lb = "OB" in new and "LB" in new
        if ob_lb:
            if st.oblb_since is None:
                st.oblb_since = now
        else:
            st.oblb_since = None
            st.last_noncrit = now
        st.off_since = (st.off_since if st.off_since is not None else now) if "OFF" in new else None
        st.over_since = (
            (st.over_since if st.over_since is not None else now) if "OVER" in new else None
        )
        actions += self._evaluate(now)
        return actions

    def failure(self, system: str, now: float, reason: str = "") -> list[Action]:
        """A poll of ``system`` failed (no connection, stale data, driver gone...)."""
        st = self.ups[system]
        actions: list[Action] = []
        if st.comm is not False:
            st.comm = False
            st.lost_since = now
            st.last_nocomm = now
            actions.append(Notify(NotifyType.COMMBAD, system))
            log.warning("communications with UPS %s lost%s", system,
                        f": {reason}" if reason else "")
        actions += self._evaluate(now)
        return actions

    def logins(self, system: str, others: int | None, now: float) -> list[Action]:
        """Answer to :class:`CheckLogins`: how many *other* clients are logged in to
        ``system`` (``None`` when that could not be found out)."""
        sync = self._sync
        if self.phase is not Phase.HOSTSYNC or sync is None:
            return []
        if others is not None and others <= 0:
            sync.pending.discard(system)
        if not sync.pending:
            log.info("all secondaries logged out")
            return self._begin_final(now)
        return []

    def tick(self, now: float) -> list[Action]:
        """Let time pass: repeats, debounces, DEADTIME, HOSTSYNC, FINALDELAY."""
        actions: list[Action] = []
        for st in self.ups.values():
            if (st.comm is False and st.last_nocomm is not None
                    and now - st.last_nocomm >= self.settings.nocommwarntime):
                st.last_nocomm = now
                actions.append(Notify(NotifyType.NOCOMM, st.system))
            if ("RB" in st.status and st.last_replbatt is not None
                    and now - st.last_replbatt >= self.settings.rbwarntime):
                st.last_replbatt = now
                actions.append(Notify(NotifyType.REPLBATT, st.system))
        actions += self._evaluate(now)
        return actions

    def request_shutdown(self, now: float, reason: str = "requested") -> list[Action]:
        """Start the shutdown sequence now (like ``upsmon -c fsd``)."""
        if self.phase is not Phase.MONITORING:
            return []
        return self._start_shutdown(now, reason)

    # --------------------------------------------------------------- queries
    @property
    def alert(self) -> bool:
        """True while some UPS is on battery (poll every POLLFREQALERT)."""
        return any("OB" in st.status for st in self.ups.values())

    @property
    def exited(self) -> bool:
        return self.phase is Phase.EXITED

    def supplies(self, now: float) -> int:
        """Summed power value of the UPSes that are not critical."""
        return sum(st.power_value for st in self.ups.values() if self.why_critical(st, now) is None)

    def dead(self, st: UpsState, now: float) -> bool:
        """Silent for DEADTIME seconds while last seen on battery."""
        return ("OB" in st.status and st.last_ok is not None
                and now - st.last_ok >= self.settings.deadtime)

    def why_critical(self, st: UpsState, now: float) -> str | None:
        """Why ``st`` is critical at ``now``, or ``None`` if it is not."""
        s = st.status
        cfg = self.settings
        if "FSD" in s:
            return "forced shutdown (FSD) is set"
        if st.comm is False:
            if ("OVER" in s and cfg.overduration >= 0 and st.over_since is not None
                    and now - st.over_since >= cfg.overduration):
                return "overloaded and not communicating"
            if "ALARM" in s and cfg.alarmcritical:
                return "in alarm and not communicating"
            if "CAL" in s:
                return "calibrating and not communicating"
            if "BYPASS" in s:
                return "on bypass and not communicating"
            if "OFF" in s and cfg.offduration >= 0:
                return "off and not communicating"
        if ("OFF" in s and cfg.offduration >= 0 and st.off_since is not None
                and now - st.off_since >= cfg.offduration):
            return "administratively off for longer than OFFDURATION"
        origin = self._oblb_origin(st, now)
        if origin is None:
            return None
        if cfg.oblbduration > 0 and now - origin < cfg.oblbduration:
            return None
        what = "dead while on battery" if "LB" not in s else "on battery with a low battery"
        if st.primary:
            return what
        ref = st.last_noncrit if st.last_noncrit is not None else origin
        if now - ref >= cfg.hostsync:
            return f"{what}, and the primary did not set FSD within HOSTSYNC"
        return None

    def next_deadline(self, now: float) -> float | None:
        """The earliest time at which :meth:`tick` may have something to do."""
        cfg = self.settings
        times: list[float] = []
        if self.phase is Phase.EXITED:
            return None
        for st in self.ups.values():
            if st.comm is False and st.last_nocomm is not None:
                times.append(st.last_nocomm + cfg.nocommwarntime)
            if "RB" in st.status and st.last_replbatt is not None:
                times.append(st.last_replbatt + cfg.rbwarntime)
            if st.critical is not None:
                continue
            if "OB" in st.status and st.last_ok is not None:
                times.append(st.last_ok + cfg.deadtime)
            if st.off_since is not None and cfg.offduration >= 0:
                times.append(st.off_since + cfg.offduration)
            if st.over_since is not None and cfg.overduration >= 0 and st.comm is False:
                times.append(st.over_since + cfg.overduration)
            origin = self._oblb_origin(st, now)
            if origin is not None:
                times.append(origin + max(cfg.oblbduration, 0.0))
                if not st.primary:
                    ref = st.last_noncrit if st.last_noncrit is not None else origin
                    times.append(ref + cfg.hostsync)
        if self._sync is not None and self.phase is Phase.HOSTSYNC:
            times += [self._sync.deadline, self._sync.next_check]
        if self._final_at is not None and self.phase is Phase.FINALDELAY:
            times.append(self._final_at)
        if self._exit_at is not None and self.phase is Phase.SHUTDOWN:
            times.append(self._exit_at)
        future = [t for t in times if t > now]
        return min(future) if future else None

    # -------------------------------------------------------------- internals
    def _oblb_origin(self, st: UpsState, now: float) -> float | None:
        """Since when ``st`` counts as on battery with a low battery, if it does."""
        s = st.status
        if "OB" not in s or "CAL" in s:
            return None
        if "LB" in s and st.oblb_since is not None:
            return st.oblb_since
        if self.dead(st, now) and st.last_ok is not None:
            return st.last_ok + self.settings.deadtime
        return None

    def _token_changes(self, st: UpsState, old: frozenset[str], new: frozenset[str],
                       first: bool, now: float) -> list[Action]:
        actions: list[Action] = []
        system = st.system

        def appeared(word: str) -> bool:
            return word in new and word not in old

        if appeared("OL") and not first:
            actions.append(Notify(NotifyType.ONLINE, system))
        if appeared("OB"):
            actions.append(Notify(NotifyType.ONBATT, system))
        if appeared("LB"):
            actions.append(Notify(NotifyType.LOWBATT, system))
        if appeared("FSD"):
            actions.append(Notify(NotifyType.FSD, system))
        for word, (on, off) in TOKEN_EVENTS.items():
            if appeared(word):
                actions.append(Notify(on, system, st.alarm if word == "ALARM" else ""))
            elif word in old and word not in new:
                actions.append(Notify(off, system))
        if "RB" in new and (st.last_replbatt is None or "RB" not in old):
            st.last_replbatt = now
            actions.append(Notify(NotifyType.REPLBATT, system))
        elif "RB" not in new:
            st.last_replbatt = None
        others = frozenset(w for w in new if w not in KNOWN_TOKENS)
        if others and others != st.others:
            actions.append(Notify(NotifyType.OTHER, system, " ".join(sorted(others))))
        elif st.others and not others:
            actions.append(Notify(NotifyType.NOTOTHER, system))
        st.others = others
        return actions

    def _evaluate(self, now: float) -> list[Action]:
        for st in self.ups.values():
            reason = self.why_critical(st, now)
            if reason != st.critical:
                if reason is not None:
                    log.warning("UPS %s is critical: %s", st.system, reason)
                elif st.critical is not None:
                    log.info("UPS %s is no longer critical", st.system)
                st.critical = reason
        actions: list[Action] = []
        if self.phase is Phase.MONITORING:
            supplies = sum(st.power_value for st in self.ups.values() if st.critical is None)
            if supplies < self.settings.minsupplies:
                crit = ", ".join(f"{st.system} ({st.critical})"
                                 for st in self.ups.values() if st.critical)
                actions += self._start_shutdown(now, f"power supplies {supplies} < "
                                                     f"MINSUPPLIES {self.settings.minsupplies}"
                                                     + (f": {crit}" if crit else ""))
        elif self.phase is Phase.HOSTSYNC and self._sync is not None:
            sync = self._sync
            if now >= sync.deadline:
                log.warning("HOSTSYNC timer expired; %s still logged in by others",
                            ", ".join(sorted(sync.pending)))
                actions += self._begin_final(now)
            elif now >= sync.next_check:
                sync.next_check = now + LOGIN_CHECK_INTERVAL
                actions += [CheckLogins(u) for u in sorted(sync.pending)]
        elif self.phase is Phase.FINALDELAY and self._final_at is not None:
            if now >= self._final_at:
                actions += self._run_shutdown(now)
        elif (self.phase is Phase.SHUTDOWN and self._exit_at is not None
              and now >= self._exit_at):
            self.phase = Phase.EXITED
            actions.append(Exit())
        return actions

    def _start_shutdown(self, now: float, reason: str) -> list[Action]:
        self.shutdown_reason = reason
        log.critical("shutdown needed: %s", reason)
        primaries = sorted(s for s, st in self.ups.items() if st.primary)
        actions: list[Action] = [SendFsd(p) for p in primaries]
        if not primaries:
            return actions + self._begin_final(now)
        self.phase = Phase.HOSTSYNC
        self._sync = _Sync(deadline=now + self.settings.hostsync,
                           next_check=now + LOGIN_CHECK_INTERVAL, pending=set(primaries))
        actions.append(Notify(NotifyType.SHUTDOWN_HOSTSYNC, None))
        actions += [CheckLogins(p) for p in primaries]
        if self.settings.hostsync <= 0:
            actions += self._begin_final(now)
        return actions

    def _begin_final(self, now: float) -> list[Action]:
        self.phase = Phase.FINALDELAY
        self._sync = None
        self._final_at = now + max(self.settings.finaldelay, 0.0)
        log.critical("executing automatic power-fail shutdown")
        actions: list[Action] = [Notify(NotifyType.SHUTDOWN, None)]
        if now >= self._final_at:
            actions += self._run_shutdown(now)
        return actions

    def _run_shutdown(self, now: float) -> list[Action]:
        self.phase = Phase.SHUTDOWN
        actions: list[Action] = [RunShutdown()]
        linger = self.settings.shutdownexit
        if linger is not None:
            self._exit_at = now + max(linger, 0.0)
            if now >= self._exit_at:
                self.phase = Phase.EXITED
                actions.append(Exit())
        return actions
