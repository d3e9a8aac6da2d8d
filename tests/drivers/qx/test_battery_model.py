"""Battery charge and runtime estimates (nutdrv_qx's runtimecal model) with a fake clock."""

from __future__ import annotations

import math

import pytest

from upskit.drivers.qx.battery import BatteryEstimator
from upskit.model import Device


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make(options: dict[str, str | bool], volts: str = "27.3", load: str = "50"):
    dev = Device("ups")
    dev.set("battery.voltage.nominal", "24.0")
    dev.set("battery.voltage", volts)
    dev.set("ups.load", load)
    dev.set_status(["OL"])
    clock = Clock()
    est = BatteryEstimator(dev, options, clock=clock)
    est.setup(device_gives_charge=False)
    return dev, est, clock


def test_runtimecal_drains_and_recharges() -> None:
    dev, est, clock = make({"runtimecal": "240,100,720,50"})
    assert est.runtime_model is not None
    nominal, exponent = est.runtime_model
    assert exponent == pytest.approx(math.log(3) / math.log(2))
    assert nominal == pytest.approx(240)
    est.update()
    # full battery at 50 % load: 240 s at full load becomes 720 s
    assert (dev.get("battery.charge"), dev.get("battery.runtime")) == ("100", "720")
    dev.set_status(["OB", "DISCHRG"])
    clock.now += 60
    est.update()
    # 60 s at an effective load of 0.5 ** 1.585 = 1/3 uses 20 of 240 s
    assert (dev.get("battery.charge"), dev.get("battery.runtime")) == ("92", "660")
    dev.set("ups.load", "100")
    clock.now += 60
    est.update()
    assert (dev.get("battery.charge"), dev.get("battery.runtime")) == ("67", "160")
    dev.set_status(["OL", "CHRG"])
    clock.now += 3600  # chargetime 43200 s: 3600 s recharges 1/12 of the nominal runtime
    est.update()
    assert dev.get("battery.charge") == "75"


def test_idleload_is_the_floor_of_the_load() -> None:
    dev, est, _ = make({"runtimecal": "240,100,720,50", "idleload": "25"}, load="0")
    est.update()
    assert dev.get("battery.runtime") == f"{240 / 0.25 ** (math.log(3) / math.log(2)):.0f}"


def test_voltage_charge_without_runtimecal() -> None:
    # nominal 24 V: guessed low 20.8 V, high 26 V
    dev, est, _ = make({}, volts="23.4")
    est.update()
    assert (dev.get("battery.voltage.low"), dev.get("battery.voltage.high")) == ("20.80", "26.00")
    assert dev.get("battery.charge") == "50"
    assert dev.get("battery.runtime") is None


def test_an_aged_battery_pulls_the_estimate_down() -> None:
    dev, est, clock = make({"runtimecal": "240,100,720,50"})
    est.update()
    dev.set_status(["OB"])
    dev.set("battery.voltage", "22.1")  # 25 % by voltage
    clock.now += 1
    est.update()
    assert dev.get("battery.charge") == "25"


def test_bad_runtimecal_is_ignored_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    _, est, _ = make({"runtimecal": "240,100,oops"})
    assert est.runtime_model is None
    assert "runtimecal" in caplog.text
