"""NUT's 24 contact-closure cable types (``upstype = 0`` .. ``23``) as one table.

The facts are those of NUT's genericups: the man page genericups(8) lists each type's
lines, and the driver's type table (drivers/genericups.h, checked against the table
inside Debian's NUT 2.8.0 ``genericups`` binary) gives the manufacturer and model it
publishes and the exact shutdown levels.  Where the two disagree the driver's table
wins, since that is what NUT does on the wire:

* type 0: the man page says ``SD=DTR``; the driver raises RTS.
* types 4 and 23: the man page says ``SD=-RTS`` / ``SD=none``; the driver sets both
  outputs low (dropping the RTS cable power is the signal).
* types 8, 16, 17 (``SD=???``) and 18 (``SD=none``): no shutdown signal is known; the
  driver refuses to shut them down.

Each row is written in the line words of ups.conf (:mod:`.signals`), so a row reads
like the man page and the overrides parse the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from upskit.drivers.contact.signals import (
    InputSignal,
    OutputSignal,
    parse_input,
    parse_output,
)


@dataclass(frozen=True, slots=True)
class ContactType:
    """One cable type: what it publishes and which lines mean what."""

    number: int
    mfr: str
    model: str
    description: str
    #: Cable power: the outputs raised while monitoring.
    cp: OutputSignal
    #: On line (mains present); its opposite is on battery.
    ol: InputSignal
    #: Low battery.
    lb: InputSignal
    #: Replace battery (disabled on most types).
    rb: InputSignal
    #: Bypass / no battery (disabled on most types).
    bypass: InputSignal
    #: The shutdown levels, or ``None`` when no shutdown signal is known.
    sd: OutputSignal | None


def _row(number: int, mfr: str, model: str, description: str, cp: str, ol: str, lb: str,
         sd: str | None, rb: str = "none", bypass: str = "none") -> ContactType:
    return ContactType(number, mfr, model, description, parse_output(cp), parse_input(ol),
                       parse_input(lb), parse_input(rb), parse_input(bypass),
                       None if sd is None else parse_output(sd))


#: upstype -> its cable type.
UPSTYPES: dict[int, ContactType] = {row.number: row for row in (
    _row(0, "UPSONIC", "LAN Saver 600", "UPSONIC LAN Saver 600",
         "DTR+RTS", "-CTS", "DCD", "RTS"),
    _row(1, "APC", "Back-UPS", "APC Back-UPS (940-0095A/C cable)",
         "DTR", "-RNG", "DCD", "RTS"),
    _row(2, "APC", "Back-UPS", "APC Back-UPS (940-0020B/C cable)",
         "RTS", "-CTS", "DCD", "DTR+RTS"),
    _row(3, "PowerTech", "Comp1000", "PowerTech Comp1000 with DTR as cable power",
         "DTR", "-CTS", "DCD", "DTR+RTS"),
    _row(4, "Generic", "Generic RUPS model", "Generic RUPS model",
         "RTS", "CTS", "-DCD", "none"),
    _row(5, "TrippLite", "Internet Office Series",
         "Tripp Lite UPS with Lan2.2 interface (black 73-0844 cable)",
         "DTR", "CTS", "-DCD", "DTR+RTS"),
    _row(6, "Best", "Patriot", "Best Patriot (INT51 cable)",
         "DTR", "CTS", "-DCD", "RTS"),
    _row(7, "CyberPower", "Power99", "CyberPower Power99",
         "RTS", "CTS", "-DCD", "DTR"),
    _row(8, "Nitram", "Elite UPS", "Nitram Elite 500",
         "DTR", "CTS", "-DCD", None),
    _row(9, "APC", "Back-UPS", "APC Back-UPS (940-0023A cable)",
         "none", "-DCD", "CTS", "RTS"),
    _row(10, "Victron", "Lite", "Victron Lite (crack cable)",
         "RTS", "CTS", "-DCD", "DTR"),
    _row(11, "Powerware", "3115", "Powerware 3115",
         "DTR", "-CTS", "-DCD", "ST"),
    _row(12, "APC", "Back-UPS Office", "APC Back-UPS Office (940-0119A cable)",
         "RTS", "-CTS", "DCD", "DTR"),
    _row(13, "RPT", "Repoteck", "Repoteck RPT-800A, RPT-162A",
         "DTR+RTS", "DCD", "-CTS", "ST"),
    _row(14, "Online", "P250, P500, P750, P1250", "Online P-series",
         "DTR", "DCD", "-CTS", "RTS"),
    _row(15, "Powerware", "5119", "Powerware 5119",
         "DTR", "CTS", "-DCD", "ST"),
    _row(16, "Nitram", "Elite UPS", "Nitram Elite 2002",
         "DTR+RTS", "CTS", "-DCD", None),
    _row(17, "PowerKinetics", "9001", "PowerKinetics 9001",
         "DTR", "CTS", "-DCD", None),
    _row(18, "TrippLite", "Omni 450LAN", "TrippLite UPS with Martin's cabling",
         "DTR", "CTS", "DCD", None),
    _row(19, "Fideltronik", "Ares Series", "Fideltronik Ares Series",
         "DTR", "CTS", "-DCD", "RTS"),
    _row(20, "Powerware", "5119 RM", "Powerware 5119 RM",
         "DTR", "-CTS", "DCD", "ST"),
    _row(21, "Generic", "Generic RUPS 2000", "Generic RUPS 2000 (Megatec M2501 cable)",
         "RTS", "CTS", "-DCD", "DTR+RTS"),
    _row(22, "Gamatronic Electronic Industries", "Generic Alarm UPS",
         "Gamatronic UPSs with alarm interface",
         "RTS", "CTS", "-DCD", "DTR"),
    _row(23, "Generic", "Generic FTTx Battery Backup",
         "FTTx (Fiber to the x) battery backup with 4-wire telemetry interface",
         "RTS", "CTS", "-DCD", "none", rb="-RNG", bypass="-DSR"),
)}


def upstype(number: int) -> ContactType:
    """The cable type ``number``; ``KeyError`` with the valid range otherwise."""
    try:
        return UPSTYPES[number]
    except KeyError:
        raise KeyError(f"unknown upstype {number} (0 to {max(UPSTYPES)})") from None


def listing() -> str:
    """``genericups -h``'s list: one ``N: description`` line per type."""
    return "\n".join(f"{t.number}: {t.description}" for t in UPSTYPES.values())
