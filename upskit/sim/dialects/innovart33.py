"""Simulated INNOVA RT 3/3 unit: ``Q6``/``WA``/``BPS``/``F``/``FW?``/``SASV07?``/``Q1``."""

from __future__ import annotations

from collections.abc import Mapping

from upskit.sim.dialects._shared import ExtendedResponder, read
from upskit.sim.dialects.q6 import q6_reply, wa_reply
from upskit.sim.physics import UpsPhysics


class InnovaRtResponder(ExtendedResponder):
    """Battery tests answer a bare ``ACK``; the beeper toggle gets no answer at all."""

    def extended(self, text: str) -> str | bytes | None:
        reply = super().extended(text)
        if reply == "" and (text.startswith("T") or text == "CT"):
            return "ACK"
        return reply

    def respond(self, command: bytes) -> bytes | None:
        if command == b"Q\r":
            return None
        return super().respond(command)


def make(ups: UpsPhysics, three_phase_output: bool) -> InnovaRtResponder:
    """The Innova RT responder (3/1 when ``three_phase_output`` is False)."""

    def bps(_: str) -> str:
        r = read(ups)
        other = r.vin if three_phase_output else 0.0
        return f"({r.vin:05.1f} {other:05.1f} {other:05.1f} {r.freq:04.1f}\r"

    queries = {
        "Q6": lambda _: q6_reply(ups, three_phase_output),
        "WA": lambda _: wa_reply(ups),
        "BPS": bps,
        "FW?": lambda _: "05516-1100\r",
        "SASV07?": lambda _: "GASV07DN05K10KB100004      \r",
    }
    return InnovaRtResponder(ups, queries, vendor=None, nak="NAK\r")


def make_responder(ups: UpsPhysics, options: Mapping[str, str]) -> InnovaRtResponder:
    return make(ups, three_phase_output=True)
