"""Simulated Hunnox unit: Megatec ``Q1``/``F``, vendor line on ``FW?``, charge on ``BL``."""

from __future__ import annotations

from collections.abc import Mapping

from upskit.sim.dialects._shared import ExtendedResponder, read
from upskit.sim.physics import UpsPhysics


def make_responder(ups: UpsPhysics, options: Mapping[str, str]) -> ExtendedResponder:
    return ExtendedResponder(
        ups, {"BL": lambda _: f"BL{round(read(ups).charge * 100)}\r"}, vendor="FW?")
