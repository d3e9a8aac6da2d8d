"""Voltronic-Axpert: Voltronic solar inverters / Axpert (``QPI`` -> ``(PI30``).

Every command carries a CRC-16/XMODEM before its CR and every reply must carry a
valid one (a CRC byte equal to ``(``, CR or LF is sent incremented by one).
Covered here: the essentials only -

* ``QPI`` protocol, ``QVFW`` firmware, ``QID`` serial, ``QPIRI`` ratings;
* ``QPIGS`` general status (grid and output voltage/frequency, apparent and real
  power, load, battery voltage, charge and discharge current, capacity, heat-sink
  temperature, PV input, status bits with the charging flags);
* ``QMOD`` mode (P power on, S standby, L line, B battery, F fault, H power
  saving, D shutdown) as the quickly polled status.

Claim: ``QPI`` must answer a ``PIxx`` protocol with a valid CRC.
"""

from __future__ import annotations

from upskit.drivers.qx.dialect import Claim, Dialect
from upskit.drivers.qx.items import QUICK_POLL, STATIC, Convert, Item, Query, QxContext, QxFlag
from upskit.model.mapping import Lookup
from upskit.transport.codecs import crc16


def add_crc(ctx: QxContext, item: Item, body: bytes) -> bytes:
    """Command body -> body + CRC."""
    return body + crc16(body)


def check_crc(ctx: QxContext, item: Item, raw: bytes) -> bytes:
    """Reply -> reply without its CRC (ValueError when the CRC is missing or wrong)."""
    body = raw.split(b"\r", 1)[0]
    if len(body) < 3 or crc16(body[:-2]) != body[-2:]:
        raise ValueError("reply CRC missing or wrong")
    return body[:-2] + b"\r"


def protocol(ctx: QxContext, item: Item, value: str) -> str:
    """``PIxx`` -> ``Pxx``."""
    if not value.upper().startswith("PI") or not value[2:].isdigit():
        raise ValueError(f"{value!r} is not a PIxx protocol")
    return f"P{int(value[2:]):02d}"


def serial_number(ctx: QxContext, item: Item, value: str) -> str:
    """``QID``: an all-zero serial is no serial."""
    text = value.strip()
    if not text or set(text) == {"0"}:
        raise ValueError("no significant serial number")
    return text


#: ``QMOD`` working mode letter -> status words.
MODES = Lookup({"P": "OFF", "S": "OFF", "L": "OL", "B": "!OL DISCHRG", "F": "OFF",
                "H": "OL", "D": "FSD"}, name="working mode")


def mode(ctx: QxContext, item: Item, value: str) -> str:
    """``QMOD`` letter -> status words."""
    return MODES.word(value)


def mode_alarm(ctx: QxContext, item: Item, value: str) -> str:
    """``QMOD`` fault mode -> an alarm text."""
    MODES.word(value)  # an unknown mode makes the reply unusable here too
    return "Fault reported by inverter." if value == "F" else ""


def charging(ctx: QxContext, item: Item, value: str) -> str:
    """Status bits b7..b0: b2 "charging on" -> CHRG."""
    if len(value) != 8 or not set(value) <= {"0", "1"}:
        raise ValueError(f"{value!r} is not eight status bits")
    return "CHRG" if value[5] == "1" else "!CHRG"


Q = {name: Query(name, length, "(") for name, length in (
    ("QPI", 6), ("QVFW", 16), ("QID", 2), ("QPIRI", 42), ("QPIGS", 92), ("QMOD", 3))}


def _item(query: str, name: str, start: int, end: int, fmt: str = "%s",
          flags: QxFlag = QxFlag.NONE, convert: Convert | None = None) -> Item:
    return Q[query].item(name, start, end, fmt, flags, encode=add_crc, decode=check_crc,
                         convert=convert)


INFO_ROWS = (
    _item("QPI", "ups.firmware.aux", 1, 4, flags=STATIC, convert=protocol),
    _item("QVFW", "ups.firmware", 7, 14, flags=STATIC),
    _item("QID", "device.serial", 1, 0, flags=STATIC, convert=serial_number),
    _item("QPIRI", "input.voltage.nominal", 1, 5, "%.1f", flags=STATIC),
    _item("QPIRI", "input.current.nominal", 7, 10, "%.1f", flags=STATIC),
    _item("QPIRI", "output.voltage.nominal", 12, 16, "%.1f", flags=STATIC),
    _item("QPIRI", "output.frequency.nominal", 18, 21, "%.1f", flags=STATIC),
    _item("QPIRI", "output.current.nominal", 23, 26, "%.1f", flags=STATIC),
    _item("QPIRI", "ups.power.nominal", 28, 31, "%.0f", flags=STATIC),
    _item("QPIRI", "ups.realpower.nominal", 33, 36, "%.0f", flags=STATIC),
    _item("QPIRI", "battery.voltage.nominal", 38, 41, "%.1f", flags=STATIC),
)
STATUS_ROWS = (
    _item("QPIGS", "input.voltage", 1, 5, "%.1f"),
    _item("QPIGS", "input.frequency", 7, 10, "%.1f"),
    _item("QPIGS", "output.voltage", 12, 16, "%.1f"),
    _item("QPIGS", "output.frequency", 18, 21, "%.1f"),
    _item("QPIGS", "ups.power", 23, 26, "%.0f"),
    _item("QPIGS", "ups.realpower", 28, 31, "%.0f"),
    _item("QPIGS", "ups.load", 33, 35, "%.0f"),
    _item("QPIGS", "battery.voltage", 41, 45, "%.2f"),
    _item("QPIGS", "battery.current", 47, 49, "%.0f"),
    _item("QPIGS", "battery.charge", 51, 53, "%.0f"),
    _item("QPIGS", "ups.temperature", 55, 58, "%.0f"),
    _item("QPIGS", "experimental.pv.current", 60, 63, "%.1f"),
    _item("QPIGS", "experimental.pv.voltage", 65, 69, "%.1f"),
    _item("QPIGS", "experimental.battery.discharge.current", 77, 81, "%.0f"),
    _item("QPIGS", "ups.status", 83, 90, flags=QUICK_POLL, convert=charging),
    _item("QMOD", "ups.status", 1, 1, flags=QUICK_POLL, convert=mode),
    _item("QMOD", "ups.alarm", 1, 1, convert=mode_alarm),
)


DIALECT = Dialect(
    name="voltronic-axpert",
    version="0.02",
    title="Voltronic-Axpert",
    position=3,
    items=INFO_ROWS + STATUS_ROWS,
    claim=Claim(("ups.firmware.aux",)),
    accepted="ACK",
    rejected="(NAK\r",
)
