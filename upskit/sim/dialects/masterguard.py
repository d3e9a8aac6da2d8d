"""Simulated Masterguard A700 unit: ``WH``, ``Q1``/``Q3``, the addressed
``GS``/``GBS``/``GSN``/``DRC``/``SS`` commands, ``MSO``/``PNV`` and the shutdown and
test commands (answered with nothing)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from upskit.sim.dialects._shared import ExtendedResponder, minutes, read
from upskit.sim.physics import UpsPhysics

CELLS = 12


class MasterguardResponder(ExtendedResponder):
    """Keeps the slave address, pack count, beeper and nominal output voltage."""

    def __init__(self, ups: UpsPhysics, address: int) -> None:
        self.address = address
        self.packs = 0
        self.nominal_out = round(ups.nominal_voltage)
        self.running = 161550397
        super().__init__(ups, {
            "WH": self.wh, "Q3": self.q3, "MSO": lambda _: "(220 230 240\r",
            "PNV": lambda _: f"(PNV={self.nominal_out:03d}\r",
        }, vendor=None, ratings=False)

    @property
    def addr(self) -> str:
        return f"{self.address:02d}"

    def wh(self, _: str) -> str:
        ups = self.ups
        return (f"({self.addr} 10.06 03.09 {'A  700  + 0 Bat Pack-19':<30} 0 "
                f"{round(ups.nominal_voltage):03d} {ups.nominal_frequency:05.2f} {CELLS:03d} "
                f"{ups.battery_nominal / CELLS:05.2f} 006.00 012.00 018 10 40 160 276 "
                f"{ups.nominal_frequency - 3:05.2f} {ups.nominal_frequency + 3:05.2f}\r")

    def q3(self, _: str) -> str:
        r = read(self.ups)
        minutes, seconds = divmod(min(59999, round(r.runtime)), 60)
        status = "".join("1" if b else "0" for b in (
            r.utility_fail, r.battery_low, r.avr, r.failed, r.standby, r.testing,
            r.shutdown_pending, False))
        tests = "001" if r.testing else "000"
        return (f"({self.addr} {r.vin:05.1f} {r.fault_voltage:05.1f} {r.vout:05.1f} "
                f"{min(999, round(r.load)):03d} {r.freq:04.1f} {r.battery / CELLS:05.2f} "
                f"{r.temperature:04.1f} {min(minutes, 999):03d}.{seconds:02d} "
                f"{round(r.charge * 100):03d} {status} 00000{tests}\r")

    def extended(self, text: str) -> str | bytes | None:
        ups = self.ups
        if text.endswith("," + self.addr):
            body = text[: -len(self.addr) - 1]
            r = read(ups)
            if body == "GS":
                return f"({self.addr},00 {self.packs} {1 if ups.beeper else 0}\r"
            if body == "GBS":
                return (f"({self.addr},{round(r.charge * 100):03d} 0017 0000 0708 0712 0994 115 "
                        f"{r.battery / CELLS:05.2f}\r")
            if body == "GSN":
                return f"({self.addr},SSN=6A1212      2782\r"
            if body == "DRC":
                days, rest = divmod(self.running, 86400)
                hours, rest = divmod(rest, 3600)
                return f"({self.addr},{days:04d}:{hours:02d}:{rest // 60:02d}:{rest % 60:02d}\r"
            match = re.fullmatch(r"SS(\d\d|--)(\d|-)(\d|-)", body)
            if match:
                if match[3] != "-":
                    ups.beeper = match[3] == "1"
                if match[2] != "-":
                    self.packs = int(match[2])
                if match[1] != "--":
                    self.address = int(match[1])
                return ""
            match = re.fullmatch(r"SRC(\d{4}):(\d\d):(\d\d):(\d\d)", body)
            if match:
                d, h, m, s = (int(g) for g in match.groups())
                self.running = d * 86400 + h * 3600 + m * 60 + s
                return ""
            return None
        match = re.fullmatch(r"PNV=(\d{3})", text)
        if match and int(match[1]) in (220, 230, 240):
            self.nominal_out = int(match[1])
            return ""
        if text == "TUD":
            ups.start_test(None, deep=True)
            return ""
        if text in ("FOFF", "FON"):
            return ""
        match = re.fullmatch(r"S(\.[1-9]|\d\d)", text)
        if match:
            ups.schedule_shutdown(minutes(match[1]), math.inf)
            return ""
        return super().extended(text)


def make_responder(ups: UpsPhysics, options: Mapping[str, str]) -> MasterguardResponder:
    return MasterguardResponder(ups, int(options.get("address", "0")))
