"""Simulated BestUPS (Fortress) unit: ``Q1``, ``ID``, ``RT``, ``BP?``/``BPn``,
``SS?``/``SSn``, ``M`` and the Megatec commands (answered with nothing)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from upskit.sim.dialects._shared import ExtendedResponder, read
from upskit.sim.physics import UpsPhysics


class BestUpsResponder(ExtendedResponder):
    """Keeps the pack count and the pin shutdown mode the driver may change."""

    def __init__(self, ups: UpsPhysics, model: str) -> None:
        self.model = model
        self.packs = 2
        self.pins_mode = 0
        nominal = round(ups.nominal_voltage)
        identity = (f"{model},{1000 if nominal > 160 else 750},{nominal},{nominal},"
                    f"{ups.battery_nominal * 20 / 24:.1f},{ups.battery_nominal * 27.6 / 24:.1f}\r")
        super().__init__(ups, {
            "ID": lambda _: identity,
            "RT": lambda _: f"{min(999, round(read(ups).runtime / 60)):03d}\r",
            "BP?": lambda _: f"{self.packs:02d}\r",
            "SS?": lambda _: f"{self.pins_mode}\r",
            "M": lambda _: ("4" if nominal > 160 else "0") + "\r",
        }, vendor=None, ratings=False)

    def extended(self, text: str) -> str | bytes | None:
        match = re.fullmatch(r"(BP|SS)(\d)", text)
        if match:
            if match[1] == "BP":
                self.packs = int(match[2])
            else:
                self.pins_mode = int(match[2])
            return ""
        return super().extended(text)


def make_responder(ups: UpsPhysics, options: Mapping[str, str]) -> BestUpsResponder:
    return BestUpsResponder(ups, options.get("model", "FOR"))
