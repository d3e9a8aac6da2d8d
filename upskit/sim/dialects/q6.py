"""Simulated Q6 unit: three-phase ``Q6`` and ``WA`` from the model, ``Q1`` status."""

from __future__ import annotations

from collections.abc import Mapping

from upskit.sim.dialects._shared import ExtendedResponder, read
from upskit.sim.physics import UpsPhysics


def q6_reply(ups: UpsPhysics, three_phase_output: bool = True) -> str:
    """``(MMM.M x3 NN.N PPP.P x3 RR.R QQQ x3 SSS.S VVV.V TT.T ttttt CCC KB f w YO``."""
    r = read(ups)
    out2 = r.vout if three_phase_output else 0.0
    load = min(999, round(r.load))
    return (f"({r.vin:05.1f} {r.vin:05.1f} {r.vin:05.1f} {r.freq:04.1f} {r.vout:05.1f} "
            f"{out2:05.1f} {out2:05.1f} {ups.nominal_frequency:04.1f} {load:03d} "
            f"{load if three_phase_output else 0:03d} {load if three_phase_output else 0:03d} "
            f"{r.battery:05.1f} 000.0 {r.temperature:04.1f} {min(99999, round(r.runtime)):05d} "
            f"{round(r.charge * 100):03d} 32 00000000 00000000 11\r")


def wa_reply(ups: UpsPhysics) -> str:
    """Output kW / kVA / A per phase, totals, load."""
    r = read(ups)
    kva = r.load / 100 * 3.0
    amps = kva * 1000 / max(r.vout, 1.0)
    return (f"({kva * 0.8:05.1f} 000.0 000.0 {kva:05.1f} 000.0 000.0 {kva * 0.8:05.1f} "
            f"{kva:05.1f} {amps:05.1f} 000.0 000.0 {min(999, round(r.load)):03d} 00000000\r")


def make_responder(ups: UpsPhysics, options: Mapping[str, str]) -> ExtendedResponder:
    return ExtendedResponder(ups, {"Q6": lambda _: q6_reply(ups), "WA": lambda _: wa_reply(ups)},
                             vendor=None, ratings=False)
