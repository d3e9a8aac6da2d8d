"""Simulated bare Q1 unit: status only, no ratings or vendor queries."""

from __future__ import annotations

from collections.abc import Mapping

from upskit.sim.dialects.megatec import MegatecResponder
from upskit.sim.physics import UpsPhysics


def make_responder(ups: UpsPhysics, options: Mapping[str, str]) -> MegatecResponder:
    return MegatecResponder(ups, vendor=None, ratings=False)
