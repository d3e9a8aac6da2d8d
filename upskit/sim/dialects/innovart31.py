"""Simulated INNOVA RT 3/1 unit: like the 3/3 one with a single-phase output."""

from __future__ import annotations

from collections.abc import Mapping

from upskit.sim.dialects.innovart33 import InnovaRtResponder, make
from upskit.sim.physics import UpsPhysics


def make_responder(ups: UpsPhysics, options: Mapping[str, str]) -> InnovaRtResponder:
    return make(ups, three_phase_output=False)
