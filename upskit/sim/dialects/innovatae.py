"""Simulated INNOVA TAE unit: Megatec ``Q1``/``F``, short ``I``, tests answered ``ACK``."""

from __future__ import annotations

from collections.abc import Mapping

from upskit.sim.dialects._shared import ExtendedResponder
from upskit.sim.physics import UpsPhysics


class InnovaTaeResponder(ExtendedResponder):
    """Battery tests are acknowledged with a bare ``ACK``."""

    def extended(self, text: str) -> str | bytes | None:
        reply = super().extended(text)
        if reply == "" and (text.startswith("T") or text == "CT"):
            return "ACK"
        return reply


def make_responder(ups: UpsPhysics, options: Mapping[str, str]) -> InnovaTaeResponder:
    firmware = f"#{'2' * 27}R1.00.48\r"
    return InnovaTaeResponder(ups, {"I": lambda _: firmware}, nak="NAK\r")
