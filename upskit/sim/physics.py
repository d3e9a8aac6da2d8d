"""A small stateful UPS model: mains, battery, load, tests, shutdown timers, beeper.

Time is injectable (``clock``) and scalable (``speed`` simulated seconds per real
second); :meth:`UpsPhysics.advance` jumps ahead for tests.  Responders render the
model in a protocol dialect; several ports may share one model.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class UpsPhysics:
    """The simulated hardware state of one UPS (thread-safe through ``lock``)."""

    clock: Callable[[], float] = time.monotonic
    speed: float = 1.0
    nominal_voltage: float = 230.0
    nominal_frequency: float = 50.0
    nominal_current: float = 3.0
    battery_nominal: float = 24.0
    #: Seconds of runtime at 100 % load with a full battery.
    full_load_runtime: float = 300.0
    #: Seconds to recharge from empty.
    recharge_time: float = 3600.0
    low_battery: float = 0.2
    standby: bool = True
    mfr: str = "upskit"
    model: str = "SIM-1000"
    firmware: str = "1.00"
    mains: bool = True
    input_voltage: float = 230.0
    fault_voltage: float = 195.0
    frequency: float = 50.0
    load: float = 14.0
    temperature: float = 30.0
    charge: float = 1.0
    beeper: bool = True
    failed: bool = False
    output_on: bool = True
    test_until: float | None = None
    test_deep: bool = False
    shutdown_at: float | None = None
    restart_after: float | None = None  # seconds after shutdown, None = on mains return
    restart_at: float | None = None
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _offset: float = 0.0
    _start: float = field(default=0.0, repr=False)
    _last: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        self._start = self.clock()
        self._last = self.now()

    # ----------------------------------------------------------------- time
    def now(self) -> float:
        """Simulated seconds since the model was created."""
        return (self.clock() - self._start) * self.speed + self._offset

    def advance(self, seconds: float) -> None:
        """Jump ``seconds`` of simulated time ahead (integrating the battery)."""
        with self.lock:
            self.update()
            step = 1.0
            remaining = seconds
            while remaining > 0:
                chunk = min(step, remaining)
                self._offset += chunk
                self.update()
                remaining -= chunk

    def update(self) -> None:
        """Integrate battery charge and fire timers up to now."""
        with self.lock:
            now = self.now()
            dt = max(0.0, now - self._last)
            self._last = now
            if self.test_until is not None and now >= self.test_until and not self.test_deep:
                self.test_until = None
            if self.on_battery and self.output_on:
                self.charge -= dt * max(self.load, 1.0) / 100 / self.full_load_runtime
                if self.charge <= 0:
                    self.charge = 0.0
                    self.output_on = False  # the battery is exhausted
                    self.test_until = None
                elif self.test_deep and self.charge < self.low_battery:
                    self.test_until = None
                    self.test_deep = False
            elif self.mains:
                self.charge = min(1.0, self.charge + dt / self.recharge_time)
            if self.shutdown_at is not None and now >= self.shutdown_at:
                self.shutdown_at = None
                self.output_on = False
                self.restart_at = (None if self.restart_after is None
                                   else now + self.restart_after)
            if not self.output_on and self.shutdown_at is None and self.mains:
                if self.restart_at is None and self.restart_after is None:
                    self.output_on = self.charge > 0 or self.mains
                elif self.restart_at is not None and now >= self.restart_at:
                    self.output_on = True
                    self.restart_at = None
                    self.restart_after = None

    # --------------------------------------------------------------- state
    @property
    def testing(self) -> bool:
        return self.test_until is not None

    @property
    def on_battery(self) -> bool:
        return not self.mains or self.testing

    @property
    def battery_low(self) -> bool:
        return self.charge < self.low_battery

    @property
    def battery_voltage(self) -> float:
        volts = self.battery_nominal * (0.8667 + 0.27 * self.charge)
        if self.on_battery and self.output_on:
            volts -= self.battery_nominal * 0.02 * self.load / 100
        return volts

    @property
    def output_voltage(self) -> float:
        if not self.output_on:
            return 0.0
        if self.on_battery:
            return self.nominal_voltage
        return self.avr_output()

    def avr_output(self) -> float:
        """Output on mains: boosted when low, trimmed when high, else passed through."""
        vin = self.input_voltage
        if vin < self.nominal_voltage * 0.9:
            return vin * 1.15
        if vin > self.nominal_voltage * 1.1:
            return vin * 0.87
        return vin

    @property
    def avr_active(self) -> bool:
        changed = abs(self.avr_output() - self.input_voltage) > 0.01
        return self.mains and not self.testing and changed

    # ------------------------------------------------------------- controls
    def set_mains(self, present: bool) -> None:
        with self.lock:
            self.update()
            if self.mains and not present:
                self.fault_voltage = self.input_voltage
            self.mains = present

    def start_test(self, seconds: float | None, deep: bool = False) -> None:
        with self.lock:
            self.update()
            self.test_deep = deep
            self.test_until = self.now() + (seconds if seconds is not None else 1e12)

    def stop_test(self) -> None:
        with self.lock:
            self.test_until = None
            self.test_deep = False

    def schedule_shutdown(self, after: float, restart_after: float | None) -> None:
        with self.lock:
            self.update()
            self.shutdown_at = self.now() + after
            self.restart_after = restart_after

    def cancel_shutdown(self) -> None:
        with self.lock:
            self.shutdown_at = None
            self.restart_at = None
            self.restart_after = None
            if not self.output_on and (self.mains or self.charge > 0):
                self.output_on = True

    def toggle_beeper(self) -> None:
        with self.lock:
            self.beeper = not self.beeper
