"""The SNMP mapping-table format: how the OIDs of one MIB become NUT variables.

A MIB table (``upskit/drivers/snmp/mibs/<name>.py``) is plain, frozen data built from
the classes below; it imports nothing but this module, so loading one is cheap.  The
format expresses what NUT's ``snmp-ups`` tables do (``snmp_info_t`` rows and the
``mib2nut_info_t`` identity), in typed fields instead of flag bits:

* :class:`Var` -- one NUT variable read from one OID: string or number, a multiplier,
  an enumeration (:class:`Enum`), a default, validity rules (negative / zero / "N/A"
  values are no reading), how often it is read (:class:`Poll`), whether it feeds
  ``ups.status`` (:class:`Status`), whether clients may write it (:class:`Writable`),
  and ``%i`` index templates (:class:`Index`) for phases, outlets, outlet groups and
  daisy-chained devices.  Several rows may name the same variable: the first whose OID
  answers wins (NUT's ``SU_FLAG_UNIQUE``).
* :class:`Command` -- an instant command: a SET of one OID with a value of an SNMP type.
* :class:`AlarmColumn` -- a table column whose rows list the alarms present (RFC 1628's
  ``upsAlarmDescr``): each known value gives alarm text and/or status tokens.
* :class:`Mib` -- the table: its name, the ``sysObjectID`` values that select it, the
  identity OIDs probed when none does, and its rows.

Values read from an agent are ``int`` (INTEGER, Gauge, Counter, TimeTicks), ``str``
(OCTET STRING, IpAddress, OBJECT IDENTIFIER in dotted form) or ``bytes`` (an OCTET
STRING that is not text).  :func:`render` turns one of them into the published text.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass


class Poll(enum.Enum):
    """When a variable is read."""

    #: once, when the device is initialised (identity, nominal values)
    STATIC = "static"
    #: at every poll: what ``ups.status`` and ``ups.alarm`` are made of
    STATUS = "status"
    #: every ``pollfreq`` seconds (measurements, settings)
    SLOW = "slow"


class Status(enum.Enum):
    """Which part of ``ups.status`` a variable's enumeration feeds (NUT's
    ``SU_STATUS_PWR`` / ``_BATT`` / ``_CAL`` / ``_RB``); its words are status tokens."""

    #: OL, OB, BYPASS, OFF, TRIM, BOOST ...: a table with one of these decides OL/OB
    POWER = "power"
    #: LB, CHRG, DISCHRG, RB ...
    BATTERY = "battery"
    #: CAL
    CALIBRATION = "calibration"
    #: RB
    REPLACE_BATTERY = "replace-battery"


class SetType(enum.Enum):
    """The SNMP type of a value put on the wire (net-snmp's ``snmpset`` letters)."""

    INTEGER = "i"
    UNSIGNED = "u"      # Gauge32 / Unsigned32
    TIMETICKS = "t"
    STRING = "s"        # OCTET STRING
    OID = "o"           # OBJECT IDENTIFIER
    IPADDRESS = "a"


@dataclass(frozen=True, slots=True)
class Enum:
    """Agent value -> NUT word, both ways (a SET writes the first value of a word).

    ``""`` as a word says nothing (a status variable's neutral value).  ``other`` is
    published for a value not listed (``None``: an unlisted value is no reading).
    """

    pairs: tuple[tuple[int | str, str], ...]
    other: str | None = None

    def word(self, value: int | str) -> str | None:
        for known, word in self.pairs:
            if known == value:
                return word
        return self.other

    def value(self, word: str) -> int | str | None:
        for known, listed in self.pairs:
            if listed == word:
                return known
        return None

    def words(self) -> tuple[str, ...]:
        """Every non-empty word once, in table order (a writable variable's enums)."""
        seen: list[str] = []
        for _, word in self.pairs:
            if word and word not in seen:
                seen.append(word)
        return tuple(seen)


def enum_of(*pairs: tuple[int | str, str], other: str | None = None) -> Enum:
    """``enum_of((1, "off"), (2, "on"))``: an :class:`Enum` from pairs."""
    return Enum(tuple(pairs), other)


@dataclass(frozen=True, slots=True)
class Writable:
    """A variable clients may set (NUT's ``ST_FLAG_RW``).

    ``kind`` is the SNMP type written; a string has at most ``length`` characters; a
    number is checked against ``low``..``high`` (in NUT units, before the multiplier is
    undone); an enumerated variable writes the agent value of the chosen word.
    """

    kind: SetType = SetType.INTEGER
    length: int = 0
    low: int | None = None
    high: int | None = None


@dataclass(frozen=True, slots=True)
class Index:
    """What one ``%i`` of a templated row runs over.

    ``count`` is a NUT variable holding how many there are (``"outlet.count"``,
    ``"outlet.group.count"``, ``"device.count"``) or a fixed number (3 phases); the
    indexes run from ``base`` (in the OID; the NUT name always counts from 1 unless
    ``name_base`` says otherwise).
    """

    count: str | int
    base: int = 1
    name_base: int = 1
    #: the template expands only when there are at least this many (phases: 2, so a
    #: single-phase unit gets no ``L1`` copies of its plain variables)
    at_least: int = 1


#: The usual indexes.
OUTLETS = Index("outlet.count")
OUTLET_GROUPS = Index("outlet.group.count")
DEVICES = Index("device.count")
PHASES = Index(3)


@dataclass(frozen=True, slots=True)
class Var:
    """One NUT variable read from ``oid``.

    ``scale`` multiplies a number (0.1 for decivolts, 60 for minutes); ``digits`` is how
    many decimals the published number gets (``None``: none for a whole number, else
    two, as NUT's snmp-ups does).  ``oid=""`` is either a constant (``default``,
    not writable: ``device.mfr = "APC"``) or a setting the driver keeps itself
    (``ups.delay.shutdown``: writable, published from ``default`` when a command reads
    it through ``value_from``).  ``enum``
    translates values to words (for a ``status`` row: to status tokens).  ``convert``
    names a conversion of :data:`CONVERSIONS` (``"ticks"``, ``"mac"``...).  ``default``
    is published when the OID does not answer (NUT's ``SU_FLAG_ABSENT``).  A value that
    is negative (``neg_invalid``), zero (``zero_invalid``) or says "not available"
    (``na_invalid``) is no reading.  ``each`` lists what the ``%i`` placeholders of
    ``name`` and ``oid`` run over, in order.  ``single_only`` names a count variable
    (``"input.phases"``): the row is published only while that count is below 2, as a
    plain name that a multi-line unit shows per line instead (NUT's ``SU_INPUT_1``).
    """

    name: str
    oid: str
    string: bool = False
    scale: float = 1.0
    digits: int | None = None
    enum: Enum | None = None
    convert: str | None = None
    default: str | None = None
    poll: Poll = Poll.SLOW
    status: Status | None = None
    writable: Writable | None = None
    neg_invalid: bool = False
    zero_invalid: bool = False
    na_invalid: bool = False
    each: tuple[Index, ...] = ()
    single_only: str | None = None

    @property
    def templated(self) -> bool:
        return bool(self.each)


@dataclass(frozen=True, slots=True)
class Command:
    """An instant command: SET ``oid`` to ``value`` of type ``kind``.

    ``value_from`` names a NUT variable whose current value is written instead
    (``load.off.delay`` writing ``ups.delay.shutdown``; ``value`` when it has none);
    ``each`` as for :class:`Var`
    (``outlet.%i.load.off``).
    """

    name: str
    oid: str
    value: int | str
    kind: SetType = SetType.INTEGER
    value_from: str | None = None
    each: tuple[Index, ...] = ()


@dataclass(frozen=True, slots=True)
class Alarm:
    """One alarm an :class:`AlarmColumn` may list: its text for ``ups.alarm`` and the
    status tokens it implies (``"OB"``, ``"RB"`` ...)."""

    value: int | str
    text: str = ""
    status: str = ""


@dataclass(frozen=True, slots=True)
class AlarmColumn:
    """A table column walked at every poll; every row's value is looked up in
    ``alarms`` (unknown values are ignored).  RFC 1628's ``upsAlarmDescr`` holds OIDs."""

    oid: str
    alarms: tuple[Alarm, ...]
    #: an OID counting the rows present (RFC 1628's ``upsAlarmsPresent``): read with
    #: the status rows, it spares the walk while it says 0
    count_oid: str | None = None

    def find(self, value: int | str) -> Alarm | None:
        for alarm in self.alarms:
            if alarm.value == value:
                return alarm
        return None


@dataclass(frozen=True, slots=True)
class Mib:
    """A mapping table: how to recognise the agent and what to read from it.

    Detection (``mibs=auto``): an agent whose ``sysObjectID`` equals one of ``sysoids``
    (or lies below one that ends with ``.``) uses this table.  Otherwise tables are
    probed in the registry's order: ``model_oid`` must answer, and so must an OID under
    ``vendor_oid`` when one is given -- a vendor table built on a standard MIB (Tripp
    Lite on RFC 1628) claims an agent only when the vendor's own subtree answers too.
    """

    name: str
    version: str
    variables: tuple[Var, ...]
    sysoids: tuple[str, ...] = ()
    model_oid: str = ""
    vendor_oid: str | None = None
    commands: tuple[Command, ...] = ()
    alarms: tuple[AlarmColumn, ...] = ()
    #: the order status tokens are published in, after OL/OB
    status_order: tuple[str, ...] = ("LB", "RB", "CHRG", "DISCHRG", "BYPASS", "OFF",
                                     "OVER", "TRIM", "BOOST", "CAL")
    #: ``device.type``: ups, pdu, ats ...
    device_type: str = "ups"
    description: str = ""

    def matches_sysoid(self, sysoid: str) -> bool:
        """Whether ``sysoid`` names this table's agents."""
        oid = sysoid.strip(".")
        for known in self.sysoids:
            if known.endswith("."):
                if oid.startswith(known.strip(".") + "."):
                    return True
            elif oid == known.strip("."):
                return True
        return False

    def var(self, name: str) -> Var | None:
        """The first row publishing ``name`` (templated rows by their template name)."""
        for row in self.variables:
            if row.name == name:
                return row
        return None

    def command(self, name: str) -> Command | None:
        for cmd in self.commands:
            if cmd.name == name:
                return cmd
        return None


# ---------------------------------------------------------------- conversions

def _ticks(value: int | str | bytes) -> str:
    """TimeTicks (hundredths of a second) -> seconds."""
    return _number(int(_as_number(value)) / 100, 0)


def _mac(value: int | str | bytes) -> str:
    raw = value if isinstance(value, bytes) else str(value).encode("latin-1")
    return ":".join(f"{b:02x}" for b in raw)


def _date_mdy(value: int | str | bytes) -> str:
    """``mm/dd/yyyy`` or ``mm/dd/yy`` (APC) -> ISO ``yyyy/mm/dd`` as NUT publishes."""
    text = _as_text(value).strip()
    parts = text.split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError(f"not a mm/dd/yyyy date: {text!r}")
    month, day, year = (int(p) for p in parts)
    if year < 100:
        year += 2000 if year < 80 else 1900
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise ValueError(f"not a date: {text!r}")
    return f"{year:04d}/{month:02d}/{day:02d}"


def _hms(value: int | str | bytes) -> str:
    """An ``hh:mm:ss`` or ``"N minutes"`` duration -> seconds."""
    text = _as_text(value).strip()
    if ":" in text:
        total = 0
        for part in text.split(":"):
            total = total * 60 + int(part)
        return str(total)
    return _number(_as_number(text.split()[0]), 0)


def _date_mdy_iso(value: int | str | bytes) -> str:
    """``mm/dd/yyyy`` -> ``yyyy-mm-dd`` (NUT's ``pw`` table: XUPS battery dates)."""
    return _date_mdy(value).replace("/", "-")


#: Named conversions a :class:`Var` may use (``convert="ticks"``).
CONVERSIONS = {
    "ticks": _ticks,
    "mac": _mac,
    "date_mdy": _date_mdy,
    "hms": _hms,
    "date_mdy_iso": _date_mdy_iso,
}

_NA = frozenset({"", "n/a", "na", "none", "unknown", "-"})


def _as_text(value: int | str | bytes) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _as_number(value: int | str | bytes) -> float:
    if isinstance(value, int):
        return float(value)
    text = _as_text(value).strip()
    result = float(text)  # ValueError for garbage
    if not math.isfinite(result):
        raise ValueError(f"not a finite number: {text!r}")
    return result


def _number(value: float, digits: int | None) -> str:
    """``value`` with ``digits`` decimals; ``None``: as NUT's snmp-ups prints numbers
    (a whole number without decimals, anything else with two)."""
    if digits is not None:
        return f"{value:.{digits}f}"
    rounded = round(value, 6)
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{value:.2f}"


def render(row: Var, value: int | str | bytes) -> str | None:
    """The published text of ``value`` read for ``row``; ``None`` when it is no reading.

    Raises ``ValueError`` for a value of the wrong kind (text where a number belongs).
    """
    textual = isinstance(value, (str, bytes))
    if textual and row.na_invalid and _as_text(value).strip().lower() in _NA:
        return None
    if row.enum is not None:
        key: int | str = value if isinstance(value, int) else _as_text(value)
        word = row.enum.word(key)
        if word is None and isinstance(key, str) and key.strip().lstrip("-").isdigit():
            word = row.enum.word(int(key))
        return word
    if row.convert is not None:
        return CONVERSIONS[row.convert](value)
    if row.string:
        text = _as_text(value).strip("\x00").strip()
        return None if row.na_invalid and text.lower() in _NA else text
    number = _as_number(value)
    if (row.neg_invalid and number < 0) or (row.zero_invalid and number == 0):
        return None
    return _number(number * row.scale, row.digits)


def unrender(row: Var, text: str) -> int | str:
    """The agent value a client's ``text`` stands for (ValueError when it cannot be)."""
    if row.enum is not None:
        found = row.enum.value(text)
        if found is None:
            raise ValueError(f"{row.name}: {text!r} is not one of {', '.join(row.enum.words())}")
        return found
    kind = row.writable.kind if row.writable is not None else SetType.INTEGER
    if row.string or kind in (SetType.STRING, SetType.OID, SetType.IPADDRESS):
        return text
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{row.name}: not a number: {text!r}")
    return round(number / row.scale)


def expand(template: str, indexes: Iterable[int]) -> str:
    """``template`` with each ``%i`` replaced by the next of ``indexes``."""
    out = template
    for index in indexes:
        out = out.replace("%i", str(index), 1)
    return out
