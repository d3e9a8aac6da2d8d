"""Simulated OMRON unit: ``Q1`` (bypass bit stuck at 1), the OMRON extension
queries, ``An``/``Af`` auto-restart, ``S<n>``/``Sf<n>`` shutdowns and ``C``; every
command is acknowledged ``OK``, anything unknown answered ``NAK``."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from upskit.sim.dialects._shared import ExtendedResponder, minutes, read
from upskit.sim.dialects.megatec import q1_reply
from upskit.sim.physics import UpsPhysics

_SHUTDOWN = re.compile(r"S(f?)(\.[1-9]|\d\d)")


class OmronResponder(ExtendedResponder):
    """Tracks the auto-restart flag set by ``An``/``Af``."""

    def __init__(self, ups: UpsPhysics) -> None:
        self.auto_restart = True
        super().__init__(ups, {
            "Q1": self.q1_status,
            "Bl ?": lambda _: f"{round(read(ups).charge * 100)}\r",
            "RTS": lambda _: f"{min(9999, round(read(ups).runtime / 60)):04d}\r",
            "TPb": lambda _: f"+{read(ups).temperature:.1f}\r",
            "Lf ?": lambda _: f"{ups.nominal_frequency:.1f}\r",
            "PSNR": lambda _: "A0Z25110005109G \r",
            "FWV": lambda _: "M:0.17(S:2.00)\r",
            "BRR": lambda _: "20260730\r",
            "UN": lambda _: f"1125W/1125VA/{ups.battery_nominal:03.0f}V/160W/020W\r",
            "An": lambda _: self.auto(True),
            "Af": lambda _: self.auto(False),
            "C": lambda _: self.cancel(),
        }, status=(), vendor=None, ratings=False, nak="NAK\r", megatec=False)

    def q1_status(self, _: str) -> str:
        reply = q1_reply(self.ups)
        return reply[:40] + "1" + reply[41:]

    def auto(self, on: bool) -> str:
        self.auto_restart = on
        return "OK\r"

    def cancel(self) -> str:
        self.ups.cancel_shutdown()
        return "OK\r"

    def extended(self, text: str) -> str | bytes | None:
        match = _SHUTDOWN.fullmatch(text)
        if match:
            stay_off = match[1] == "f" or not self.auto_restart
            self.ups.schedule_shutdown(minutes(match[2]), math.inf if stay_off else None)
            return "OK\r"
        return super().extended(text)


def make_responder(ups: UpsPhysics, options: Mapping[str, str]) -> OmronResponder:
    return OmronResponder(ups)
