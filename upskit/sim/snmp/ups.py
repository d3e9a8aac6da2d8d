"""The state of one simulated SNMP UPS: the physics model plus what a network card adds
(writable settings, shutdown/startup countdowns, the last battery test and its result,
counters).  The MIB tables of :mod:`upskit.sim.snmp.models` read and write it."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from upskit.sim.device import SimDevice
from upskit.sim.physics import UpsPhysics

#: A countdown that never ends (the output stays off until told otherwise).
NEVER = 1e12

#: Simulated seconds a quick battery test lasts.
QUICK_TEST = 10.0


class NoCommands:
    """The serial side of a simulated SNMP UPS: it has none."""

    def respond(self, command: bytes) -> bytes | None:
        return None


@dataclass
class TestRecord:
    """The last battery test: its kind, start, and result once it ended."""

    kind: str = "none"  # "none", "quick", "deep", "general"
    started: float = 0.0
    result: str = "none"  # "none", "running", "passed", "failed", "aborted"
    #: sysUpTime (hundredths) when the test started.
    uptime: int = 0
    ended: float | None = None

    def seconds(self, now: float) -> float:
        """How long the test has run, or ran (0 before any test)."""
        if self.result == "none":
            return 0.0
        return (now if self.ended is None else self.ended) - self.started


class SnmpUps:
    """One simulated UPS behind an SNMP card (thread-safe through the physics lock).

    ``settings`` holds the writable configuration by name (MIB tables give each its
    object); ``sets`` remembers the last SETs applied as ``(oid, value)`` and
    ``refused`` the last refused as ``(oid, error)``, both bounded.
    """

    def __init__(self, mib: str, device: SimDevice, community: str,
                 defaults: dict[str, Any] | None = None) -> None:
        self.mib = mib
        self.device = device
        self.community = community
        self.settings: dict[str, Any] = dict(defaults or {})
        self.test = TestRecord()
        self.sets: deque[tuple[str, object]] = deque(maxlen=64)
        #: The last SETs refused: ``(oid, SNMPv2 error name)``, bounded.
        self.refused: deque[tuple[str, str]] = deque(maxlen=64)
        self.line_bads = 0
        self.on_battery_since: float | None = None
        self.bypass_at: float | None = None
        self.bypass = False
        self.started = time.monotonic()
        self._was_on_battery = False
        self._was_testing = False
        physics = device.physics
        if physics.on_battery:
            self.line_bads, self.on_battery_since, self._was_on_battery = 1, physics.now(), True

    @property
    def physics(self) -> UpsPhysics:
        return self.device.physics

    # ------------------------------------------------------------------ clock
    def refresh(self) -> None:
        """Bring the physics and the card's own timers and records up to now."""
        ups = self.physics
        with ups.lock:
            ups.update()
            now = ups.now()
            if ups.on_battery and not self._was_on_battery:
                self.line_bads += 1 if not ups.mains else 0
                self.on_battery_since = now
            elif not ups.on_battery:
                self.on_battery_since = None
            self._was_on_battery = ups.on_battery
            if self.bypass_at is not None and now >= self.bypass_at:
                self.bypass_at = None
                self.bypass = ups.mains and ups.output_on
            if self.bypass and (not ups.mains or not ups.output_on):
                self.bypass = False
            if self._was_testing and not ups.testing and self.test.result == "running":
                self.test.result = "failed" if ups.battery_low or ups.charge <= 0 else "passed"
                quick = self.test.kind != "deep"
                self.test.ended = min(now, self.test.started + QUICK_TEST) if quick else now
            self._was_testing = ups.testing

    def now(self) -> float:
        return self.physics.now()

    def uptime_ticks(self) -> int:
        """sysUpTime: hundredths of a second since the agent started."""
        return int((time.monotonic() - self.started) * 100) % 2**32

    # ----------------------------------------------------------------- readings
    @property
    def runtime(self) -> float:
        """Seconds of battery runtime left at the present load."""
        ups = self.physics
        return ups.charge * ups.full_load_runtime * 100 / max(ups.load, 1.0)

    @property
    def seconds_on_battery(self) -> int:
        since = self.on_battery_since
        return 0 if since is None else int(self.now() - since)

    def low_battery(self, runtime_limit: float = 0.0) -> bool:
        """Low battery: the charge under the physics' limit, or the runtime under
        ``runtime_limit`` seconds while on battery."""
        ups = self.physics
        if ups.battery_low:
            return True
        return ups.on_battery and self.runtime < runtime_limit

    @property
    def output_current(self) -> float:
        ups = self.physics
        return ups.nominal_current * ups.load / 100 if ups.output_on else 0.0

    @property
    def va_rating(self) -> int:
        return int(self.settings.get("va", 1000))

    @property
    def output_watts(self) -> int:
        if not self.physics.output_on:
            return 0
        return int(self.va_rating * 0.9 * self.physics.load / 100)

    @property
    def input_voltage(self) -> float:
        ups = self.physics
        return ups.input_voltage if ups.mains else 0.0

    @property
    def input_frequency(self) -> float:
        ups = self.physics
        return ups.frequency if ups.mains else 0.0

    # ---------------------------------------------------------------- controls
    def shutdown_remaining(self) -> int:
        """Seconds until a pending shutdown, -1 when none is pending."""
        at = self.physics.shutdown_at
        return -1 if at is None else max(0, round(at - self.now()))

    def startup_remaining(self) -> int:
        """Seconds until a pending startup, -1 when none is pending."""
        ups = self.physics
        if ups.restart_at is not None and ups.restart_at < NEVER / 2:
            return max(0, round(ups.restart_at - self.now()))
        if ups.shutdown_at is not None and ups.restart_after is not None \
                and ups.restart_after < NEVER / 2:
            return max(0, round(ups.shutdown_at + ups.restart_after - self.now()))
        return -1

    def shutdown(self, after: float, restart_after: float | None) -> None:
        """Cut the output in ``after`` seconds; restore it ``restart_after`` seconds
        later (None: when the mains returns, :data:`NEVER`: only when told)."""
        self.physics.schedule_shutdown(after, restart_after)
        self.refresh()

    def cancel_shutdown(self) -> None:
        """Abort a pending shutdown (the output stays as it is)."""
        ups = self.physics
        with ups.lock:
            ups.shutdown_at = None

    def startup(self, after: float) -> None:
        """Turn the output on in ``after`` seconds (once the mains is present)."""
        ups = self.physics
        with ups.lock:
            ups.update()
            now = ups.now()
            if ups.shutdown_at is not None:
                ups.restart_after = max(0.0, now + after - ups.shutdown_at)
            elif not ups.output_on:
                ups.restart_at = now + after
                ups.restart_after = after
        self.refresh()

    def cancel_startup(self) -> None:
        """Abort a pending startup: the output stays off until told."""
        ups = self.physics
        with ups.lock:
            if ups.shutdown_at is not None:
                ups.restart_after = NEVER
            elif not ups.output_on:
                ups.restart_at = ups.now() + NEVER
                ups.restart_after = NEVER

    def turn_on(self) -> None:
        """Output on now (mains present or battery left)."""
        self.physics.cancel_shutdown()
        self.refresh()

    def start_test(self, kind: str) -> None:
        """Start a battery test: ``quick``/``general`` last :data:`QUICK_TEST` seconds,
        ``deep`` runs the battery down to the low limit."""
        deep = kind == "deep"
        self.physics.start_test(None if deep else QUICK_TEST, deep=deep)
        self.test = TestRecord(kind, self.now(), "running", self.uptime_ticks())
        self._was_testing = True

    def abort_test(self) -> None:
        if self.physics.testing:
            self.physics.stop_test()
            self.test.result = "aborted"
            self.test.ended = self.now()
        self._was_testing = False

    def note_set(self, at: str, value: object) -> None:
        self.sets.append((at, value))

    def note_refused(self, at: str, status: str) -> None:
        self.refused.append((at, status))
