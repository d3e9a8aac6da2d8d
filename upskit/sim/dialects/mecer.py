"""Simulated Mecer / Voltronic P98 unit: Megatec set answering ``(ACK`` / ``(NAK``."""

from __future__ import annotations

from collections.abc import Mapping

from upskit.sim.dialects._shared import ExtendedResponder
from upskit.sim.physics import UpsPhysics


def make_responder(ups: UpsPhysics, options: Mapping[str, str]) -> ExtendedResponder:
    return ExtendedResponder(ups, {"QPI": lambda _: "(PI98\r"}, ack="(ACK\r", nak="(NAK\r")
