"""Simulated Voltronic Power unit (protocol P01 unless ``?pi=NN``): ``QGS``,
``QMOD``, ``QWS``, ``QFS``, ``QBV``, ratings and identity queries, ``QFLAG``
capabilities, ECO limits, two programmable outlets, the ``(ACK``/``(NAK`` commands and settings."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from upskit.sim.dialects._shared import ExtendedResponder, Reading, read, shutdown, test
from upskit.sim.dialects.megatec import f_reply, i_reply
from upskit.sim.physics import UpsPhysics

ACK, NAK = "(ACK\r", "(NAK\r"
#: QFLAG letters this unit knows, with their initial state.
CAPABILITIES = {"p": True, "a": True, "s": True, "h": True, "c": True, "j": True,
                "b": False, "r": False, "o": False, "e": False, "g": False, "f": False,
                "l": False}


class VoltronicResponder(ExtendedResponder):
    """Voltronic queries and commands over the physics model."""

    def __init__(self, ups: UpsPhysics, protocol: int) -> None:
        self.protocol = protocol
        self.flags = dict(CAPABILITIES)
        self.battery_low = 20
        self.packs = 1
        self.battery_number = 2
        #: Programmable outlets: number -> (on, delay minutes); others answer (NAK.
        self.outlets = {1: [True, 8], 2: [False, 12]}
        #: ECO limits: transfer voltages (high, low) and frequencies (high, low).
        self.eco_volts = [round(ups.nominal_voltage) + 12, round(ups.nominal_voltage) - 12]
        self.eco_freq = [ups.nominal_frequency + 3, ups.nominal_frequency - 3]
        super().__init__(ups, {
            "QGS": lambda _: self.qgs(read(ups)),
            "QPI": lambda _: f"(PI{protocol:02d}\r",
            "QRI": lambda _: (f"({ups.nominal_voltage:05.1f} {round(ups.nominal_current):03d} "
                              f"{ups.battery_nominal:05.1f} {ups.nominal_frequency:04.1f}\r"),
            "QMD": lambda _: (f"(#######{ups.model[:8]:>8} ###1000 80 1/1 "
                              f"{round(ups.nominal_voltage):03d} {round(ups.nominal_voltage):03d} "
                              f"02 12.0\r"),
            "QMF": lambda _: f"(#####{ups.mfr}\r",
            "QVFW": lambda _: "(VERFW:00322.02\r",
            "QID": lambda _: "(685653211455\r",
            "F": lambda _: f_reply(ups),
            "I": lambda _: i_reply(ups),
            "QMOD": lambda _: f"({self.mode(read(ups))}\r",
            "QWS": lambda _: self.qws(read(ups)),
            "QFS": lambda _: self.qfs(read(ups)),
            "QBV": lambda _: self.qbv(read(ups)),
            "QLDL": lambda _: "(005 080\r",
            "RE0": lambda _: f"#{self.battery_low:02d}\r",
            "QFLAG": lambda _: self.qflag(),
            "QHE": lambda _: f"({self.eco_volts[0]:03d} {self.eco_volts[1]:03d}\r",
            "QFRE": lambda _: f"({self.eco_freq[0]:04.1f} {self.eco_freq[1]:04.1f}\r",
            "SOFF": lambda _: self.output(False),
            "SON": lambda _: self.output(True),
            "CS": lambda _: self.cancel(),
            "BZOFF": lambda _: self.beep(False),
            "BZON": lambda _: self.beep(True),
        }, status=(), vendor=None, ratings=False, nak=NAK, megatec=False)

    # ------------------------------------------------------------ replies
    def qgs(self, r: Reading) -> str:
        kind = "01" if r.standby else "10"
        bits = "".join("1" if b else "0" for b in (
            r.utility_fail, r.battery_low, r.avr, r.failed, False, r.testing,
            r.shutdown_pending, not r.beeper, False, False))
        amps = r.load / 100 * self.ups.nominal_current
        return (f"({r.vin:05.1f} {r.freq:04.1f} {r.vout:05.1f} "
                f"{self.ups.nominal_frequency if r.output_on else 0:04.1f} {amps:05.1f} "
                f"{min(999, round(r.load)):03d} 369.1 ---.- {r.battery:05.1f} ---.- "
                f"{r.temperature:05.1f} {kind}{bits}\r")

    @staticmethod
    def mode(r: Reading) -> str:
        if r.shutdown_pending:
            return "D"
        if not r.output_on:
            return "S"
        if r.testing:
            return "T"
        return "B" if r.on_battery else "L"

    @staticmethod
    def qws(r: Reading) -> str:
        bits = ["0"] * 64
        bits[7] = "1" if r.battery_low else "0"
        bits[8] = "1" if r.load > 100 else "0"
        return "(" + "".join(bits) + "\r"

    @staticmethod
    def qfs(r: Reading) -> str:
        if not r.failed:
            return "(OK\r"
        return "(14 212.1 50.0 005.6 49.9 006 010.6 343.8 ---.- 026.2 021.8 01101100\r"

    def qbv(self, r: Reading) -> str:
        return (f"({r.battery:05.1f} {self.battery_number:02d} {self.packs:02d} "
                f"{round(r.charge * 100):03d} {min(999, round(r.runtime / 60)):03d}\r")

    def qflag(self) -> str:
        on = "".join(k for k, v in self.flags.items() if v)
        off = "".join(k for k, v in self.flags.items() if not v)
        return f"(E{on}D{off}\r"

    # ----------------------------------------------------------- commands
    def output(self, on: bool) -> str:
        if on:
            self.ups.cancel_shutdown()
        else:
            self.ups.schedule_shutdown(0, math.inf)
        return ACK

    def cancel(self) -> str:
        self.ups.cancel_shutdown()
        return ACK

    def beep(self, on: bool) -> str:
        self.ups.beeper = on
        return ACK

    def extended(self, text: str) -> str | bytes | None:
        ups = self.ups
        reply = super().extended(text)
        if reply is not None:
            return reply
        if shutdown(ups, text) or test(ups, text):
            return ACK
        if text == "T":
            ups.start_test(10)
            return ACK
        if text == "TL":
            ups.start_test(None, deep=True)
            return ACK
        if text == "CT":
            ups.stop_test()
            return ACK
        match = re.fullmatch(r"P([ED])([A-Z])", text)
        if match and match[2].lower() in self.flags:
            letter = match[2].lower()
            self.flags[letter] = match[1] == "E"
            if letter == "a":
                ups.beeper = self.flags[letter]
            return ACK
        match = re.fullmatch(r"QSK(T?)(\d)", text)
        if match and int(match[2]) in self.outlets:
            on, delay = self.outlets[int(match[2])]
            return f"({delay:03d}\r" if match[1] else f"({1 if on else 0}\r"
        match = re.fullmatch(r"SK(ON|OFF)(\d)", text)
        if match and int(match[2]) in self.outlets:
            self.outlets[int(match[2])][0] = match[1] == "ON"
            return ACK
        match = re.fullmatch(r"PSK(\d)(\d{3})", text)
        if match and int(match[1]) in self.outlets:
            self.outlets[int(match[1])][1] = int(match[2])
            return ACK
        match = re.fullmatch(r"HE([HL])(\d{3})", text)
        if match:
            self.eco_volts[0 if match[1] == "H" else 1] = int(match[2])
            return ACK
        match = re.fullmatch(r"FRE([HL])(\d\d\.\d)", text)
        if match:
            self.eco_freq[0 if match[1] == "H" else 1] = float(match[2])
            return ACK
        match = re.fullmatch(r"W0E(\d\d)", text)
        if match and 20 <= int(match[1]) <= 28:
            self.battery_low = int(match[1])
            return ACK
        match = re.fullmatch(r"BATGN(\d\d)", text)
        if match and 1 <= int(match[1]) <= 99:
            self.packs = int(match[1])
            return ACK
        match = re.fullmatch(r"BATN(\d)", text)
        if match and int(match[1]) >= 1:
            self.battery_number = int(match[1])
            return ACK
        return None


def make_responder(ups: UpsPhysics, options: Mapping[str, str]) -> VoltronicResponder:
    return VoltronicResponder(ups, int(options.get("pi", "1")))
