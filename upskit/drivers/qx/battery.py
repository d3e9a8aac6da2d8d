"""Battery charge and runtime estimates for Q* units that only report a voltage.

Follows nutdrv_qx: guessed low/high voltages from the nominal voltage, battery pack
autodetection, a voltage-linear charge, and with ``runtimecal`` a runtime model that
drains on battery and recharges over ``chargetime`` on line.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping

from upskit.drivers.qx.options import QxOptions
from upskit.model import Device
from upskit.options import BadOption

log = logging.getLogger(__name__)

#: Pack multipliers tried, in order, when ``battery.packs`` is unknown.
PACK_GUESSES = (120, 100, 80, 60, 48, 36, 30, 24, 18, 12, 8, 6, 4, 3, 2, 1, 0.5)


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return None


class BatteryEstimator:
    """Computes ``battery.charge`` (and ``battery.runtime`` with ``runtimecal``)."""

    def __init__(self, device: Device, options: Mapping[str, str | bool],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.device = device
        opts = options if isinstance(options, QxOptions) else QxOptions(
            options, on_problem=self._bad_option)
        self.clock = clock
        self.packs = 1.0
        self.low: float | None = None
        self.high: float | None = None
        self.own_charge = True
        self.runtime_model: tuple[float, float] | None = None  # (nominal runtime, exponent)
        self.chargetime = opts.chargetime
        self.idleload = opts.idleload / 100.0
        self.runtimecal = opts.runtimecal
        self.one_pack = opts.battery_voltage_reports_one_pack
        self.estimate: float | None = None
        self._last: float | None = None

    def _bad_option(self, problem: BadOption) -> None:
        log.warning("%s: %s; ignored", self.device.name, problem)

    # ------------------------------------------------------------------ setup
    def setup(self, device_gives_charge: bool) -> None:
        """After the init walk: voltages, packs and the runtime model."""
        dev = self.device
        self.own_charge = not device_gives_charge
        nominal = _number(dev.get("battery.voltage.nominal"))
        volts = _number(dev.get("battery.voltage"))
        self.low = _number(dev.get("battery.voltage.low"))
        self.high = _number(dev.get("battery.voltage.high"))
        reported = dev.get("battery.charge") is not None and dev.get("battery.runtime") is not None
        if nominal is not None and not reported and (self.low is None or self.high is None):
            self.low = 104 * nominal / 120
            self.high = 130 * nominal / 120
            log.info("%s: using 'guesstimation' (low: %f, high: %f)", dev.name, self.low,
                     self.high)
            dev.set("battery.voltage.low", f"{self.low:.2f}")
            dev.set("battery.voltage.high", f"{self.high:.2f}")
        packs = _number(dev.get("battery.packs"))
        if packs is None and nominal and volts:
            for guess in PACK_GUESSES:
                if 0.8 * nominal <= guess * volts <= 1.25 * nominal:
                    packs = guess
                    log.info("%s: autodetected %g as number of battery packs", dev.name,
                             guess)
                    break
        self.packs = packs or 1.0
        if self.one_pack:
            self.packs = 1.0  # the walk already multiplies the voltage
        self._setup_runtime()

    def _setup_runtime(self) -> None:
        if self.runtimecal is None:
            return
        rh, lh, rl, ll = self.runtimecal
        try:
            exponent = math.log(rl / rh) / math.log(lh / ll)
        except ZeroDivisionError:
            log.warning("%s: runtimecal=%s gives the same load twice: no runtime estimate",
                        self.device.name, ",".join(f"{n:g}" for n in self.runtimecal))
            return
        self.runtime_model = (rh * (lh / 100) ** exponent, exponent)

    # ----------------------------------------------------------------- update
    def voltage_charge(self) -> float | None:
        volts = _number(self.device.get("battery.voltage"))
        if volts is None or self.low is None or self.high is None or self.high <= self.low:
            return None
        charge = 100 * (volts * self.packs - self.low) / (self.high - self.low)
        return min(100.0, max(0.0, charge))

    def update(self) -> None:
        """After each full walk: publish the estimates."""
        if not self.own_charge:
            return
        charge = self.voltage_charge()
        if self.runtime_model is None:
            if charge is not None:
                self.device.set("battery.charge", f"{charge:.0f}")
            return
        nominal, exponent = self.runtime_model
        load = (_number(self.device.get("ups.load")) or 0.0) / 100
        effective = max(load, self.idleload, 0.01) ** exponent
        now = self.clock()
        if self.estimate is None:
            self.estimate = nominal * (charge if charge is not None else 100.0) / 100
        elif self._last is not None:
            elapsed = now - self._last
            if "OL" in self.device.status_tokens():
                self.estimate += nominal * elapsed / self.chargetime
            else:
                self.estimate -= effective * elapsed
            self.estimate = min(nominal, max(0.0, self.estimate))
            if charge is not None:  # an aged battery reads low: follow the voltage down
                self.estimate = min(self.estimate, nominal * charge / 100)
        self._last = now
        self.device.set("battery.charge", f"{100 * self.estimate / nominal:.0f}")
        self.device.set("battery.runtime", f"{self.estimate / effective:.0f}")
