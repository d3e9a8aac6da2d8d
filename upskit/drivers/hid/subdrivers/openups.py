"""Mini-Box openUPS (NUT's openups-hid subdriver; 04d8:d004 and 04d8:d005).

Facts from NUT's documentation: everything is under ``UPS.PowerSummary``; the input and
output voltages and currents come in device units that depend on the model (d004:
3.545 V, 2.571 V, 0.08274 A and 1.6113 A a step; d005: 0.1 each), so each model is its
own subdriver value, both called ``openups``; the temperature is a thermistor reading
turned into degrees Celsius through the table of Mini-Box's monitoring application
(-40 to 125 degrees in steps of 5, interpolated). VID 0x04d8 is Microchip's, shared
by many devices that are not UPSes, so no other product is guessed at.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable

from upskit.drivers.hid.subdriver import HidVar, Poll, StatusRule, Subdriver

MINIBOX_VENDOR = 0x04D8

#: Thermistor readings (x100) at -40, -35, ... 125 degrees Celsius.
THERMISTOR = (0x31, 0x40, 0x53, 0x68, 0x82, 0xA0, 0xC3, 0xE9, 0x113, 0x13F, 0x16E, 0x19F,
              0x1CF, 0x200, 0x22F, 0x25C, 0x286, 0x2AE, 0x2D3, 0x2F4, 0x312, 0x32D, 0x345,
              0x35A, 0x36D, 0x37E, 0x38C, 0x399, 0x3A5, 0x3AF, 0x3B7, 0x3BF, 0x3C6, 0x3CC)


def temperature(value: float) -> str:
    """A thermistor reading as degrees Celsius."""
    reading = int(value * 100)
    if reading <= THERMISTOR[0]:
        return "-40"
    if reading >= THERMISTOR[-1]:
        return "125"
    pos = bisect_right(THERMISTOR, reading) - 1
    low = pos * 5 - 40
    if reading == THERMISTOR[pos]:
        return str(low)
    span = THERMISTOR[pos + 1] - THERMISTOR[pos]
    return f"{(reading - THERMISTOR[pos]) * 5 / span + low:.2f}"


def _scaled(factor: float, fmt: str) -> Callable[[float], str]:
    return lambda value: fmt % (value * factor)


_S, _P = "UPS.PowerSummary.", "UPS.PowerSummary.PresentStatus."


def variables(vin: float, vout: float, charge_amps: float, discharge_amps: float
              ) -> tuple[HidVar, ...]:
    """The rows, with a model's scales."""
    return (
        HidVar("battery.voltage", _S + "Voltage", Poll.QUICK, "%.2f"),
        HidVar("battery.current", _S + "Current", Poll.QUICK, "%.3f"),
        HidVar("battery.capacity", _S + "DesignCapacity", Poll.STATIC),
        HidVar("battery.charge", _S + "RemainingCapacity", Poll.QUICK),
        HidVar("battery.charge.low", _S + "RemainingCapacityLimit", Poll.QUICK),
        HidVar("battery.charge.warning", _S + "WarningCapacityLimit"),
        HidVar("battery.runtime", _S + "RunTimeToEmpty", Poll.QUICK),
        HidVar("battery.temperature", _S + "Temperature", Poll.QUICK, convert=temperature),
        HidVar("output.voltage", _S + "Output.Voltage", Poll.QUICK,
               convert=_scaled(vout, "%.2f")),
        HidVar("output.current", _S + "Output.Current", Poll.QUICK,
               convert=_scaled(discharge_amps, "%.3f")),
        HidVar("input.voltage", _S + "Input.Voltage", Poll.QUICK,
               convert=_scaled(vin, "%.2f")),
        HidVar("input.current", _S + "Input.Current", Poll.QUICK,
               convert=_scaled(charge_amps, "%.3f")),
    )


STATUS: tuple[StatusRule, ...] = (
    StatusRule(_P + "Good", "off", when=0),
    StatusRule(_P + "InternalFailure", "commfault"),
    StatusRule(_P + "Overload", "overload"),
    StatusRule(_P + "OverTemperature", "overheat"),
    StatusRule(_P + "ShutdownImminent", "shutdownimm"),
    StatusRule(_P + "BelowRemainingCapacityLimit", "lowbatt"),
    StatusRule(_P + "RemainingTimeLimitExpired", "timelimitexp"),
    StatusRule(_P + "Charging", "charging"),
    StatusRule(_P + "Discharging", "discharging"),
    StatusRule(_P + "NeedReplacement", "replacebatt"),
    StatusRule(_P + "ACPresent", "online"),
    # NUT reads BatteryPresent the other way round here: set means no battery
    StatusRule(_P + "BatteryPresent", "nobattery"),
)

USAGES = {n: f"Cell{n}" for n in range(1, 7)}


def _model(pid: int, *scales: float) -> Subdriver:
    return Subdriver(name="openups", version="0.4", label="openUPS HID 0.4", usages=USAGES,
                     variables=variables(*scales), status=STATUS,
                     supported=((MINIBOX_VENDOR, pid),))


OPENUPS_D004 = _model(0xD004, 0.03545 * 100, 0.02571 * 100, 0.8274 / 10, 16.113 / 10)
OPENUPS_D005 = _model(0xD005, 0.1, 0.1, 0.1, 0.1)
MODELS = (OPENUPS_D004, OPENUPS_D005)
