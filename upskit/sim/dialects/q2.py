"""Simulated Q2 unit: three-phase ``Q2`` (118 bytes) and ``WA``, ``Q1`` status."""

from __future__ import annotations

from collections.abc import Mapping

from upskit.sim.dialects._shared import ExtendedResponder, read
from upskit.sim.dialects.q6 import wa_reply
from upskit.sim.physics import UpsPhysics


def q2_reply(ups: UpsPhysics) -> str:
    """The ``Q2`` layout rendered from the model."""
    r = read(ups)
    load = min(999, round(r.load))
    minutes, seconds = divmod(min(99999, round(r.runtime)), 60)
    return (f"({r.vin:05.1f} {r.vin:05.1f} {r.vin:05.1f} {r.fault_voltage:05.1f} "
            f"{r.vout:05.1f} {r.vout:05.1f} {r.vout:05.1f} {load:03d} {load:03d} {load:03d} "
            f"{r.freq:04.1f} {r.battery:05.1f} {r.temperature:04.1f} {r.bits} "
            f"{min(minutes, 999):03d}.{seconds:02d} {round(r.charge * 100):03d} 02 00 00 00 00 "
            f"00000000 11\r")


def make_responder(ups: UpsPhysics, options: Mapping[str, str]) -> ExtendedResponder:
    return ExtendedResponder(ups, {"Q2": lambda _: q2_reply(ups), "WA": lambda _: wa_reply(ups)},
                             vendor=None, ratings=False)
