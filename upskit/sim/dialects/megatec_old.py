"""Simulated megatec/old unit: the Megatec command set with its own query names."""

from __future__ import annotations

from collections.abc import Mapping

from upskit.sim.dialects.megatec import MegatecResponder
from upskit.sim.physics import UpsPhysics


def make_responder(ups: UpsPhysics, options: Mapping[str, str]) -> MegatecResponder:
    return MegatecResponder(ups, status=("D",), vendor="I")
