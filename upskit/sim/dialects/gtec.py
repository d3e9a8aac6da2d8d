"""Simulated Gtec unit: ``Q4`` with status letters, Megatec ``F``/``I`` and commands."""

from __future__ import annotations

from collections.abc import Mapping

from upskit.sim.dialects._shared import ExtendedResponder, read
from upskit.sim.physics import UpsPhysics


def q4_reply(ups: UpsPhysics) -> str:
    """``(236.7 243.2 212.1 220.1 230.4 002 001 50.0 371 372 041.3 22.9 IM``."""
    r = read(ups)
    letters = "".join(letter for letter, on in (
        ("A", r.utility_fail), ("B", r.battery_low), ("C", r.avr), ("D", r.failed),
        ("E", r.testing), ("F", r.shutdown_pending), ("M", r.output_on and not r.on_battery),
        ("N", r.load > 110)) if on) or "L"
    return (f"({r.vin:05.1f} {r.vin:05.1f} {r.vin:05.1f} {r.fault_voltage:05.1f} "
            f"{r.vout:05.1f} 002 {min(999, round(r.load)):03d} {r.freq:04.1f} 371 372 "
            f"{r.battery:05.1f} {r.temperature:04.1f} {letters}\r")


def make_responder(ups: UpsPhysics, options: Mapping[str, str]) -> ExtendedResponder:
    return ExtendedResponder(ups, {"Q4": lambda _: q4_reply(ups)}, status=())
