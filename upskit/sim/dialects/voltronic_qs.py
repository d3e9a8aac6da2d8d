"""Simulated Voltronic-QS unit: ``M`` -> ``V``, ``QS`` status, ``F``, ``QI``."""

from __future__ import annotations

from collections.abc import Mapping

from upskit.sim.dialects._shared import ExtendedResponder
from upskit.sim.physics import UpsPhysics

QI_REPLY = "(100 00979 50.0 000.3 177 290 0 0000010000112000\r"


def make_responder(ups: UpsPhysics, options: Mapping[str, str]) -> ExtendedResponder:
    return ExtendedResponder(ups, {"M": lambda _: "V\r", "QI": lambda _: QI_REPLY},
                             status=("QS",), vendor=None, nak="(NAK\r")
