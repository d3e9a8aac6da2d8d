"""Voltronic Power (protocols P00..P99 announced by ``QPI``): the ``QGS`` family.

* ``QPI`` protocol -> ``ups.firmware.aux`` (``P01``); ``QRI`` and ``QMD`` ratings,
  ``F`` and ``I`` (Megatec style), ``QMF`` manufacturer, ``QVFW`` firmware,
  ``QID`` serial;
* ``QGS`` (76 bytes) measurements, UPS type and 12 status bits (utility fail,
  battery low, bypass/boost/buck, UPS fault, test, shutdown, beeper);
* ``QMOD`` working mode (standby -> OFF, bypass, line, battery, test, fault,
  shutting down), ``QWS`` 64 warning bits, ``QFS`` last fault;
* ``QBV`` battery voltage, packs, charge and runtime; ``QLDL`` load extremes;
  ``RE0`` battery low voltage (settable with ``W0Enn``), ``BATGNnn`` packs;
* ``QFLAG`` capabilities: ``ups.start.auto`` (r), ``battery.protection`` (s),
  ``battery.energysave`` (g), ``ups.start.battery`` (c), ``outlet.0.switchable``
  (j), each settable with ``PE<x>`` / ``PD<x>``; the ups.conf options
  ``bypass_alarm`` (p), ``battery_alarm`` (b), ``bypass_when_off`` (o),
  ``alarm_control`` (a), ``converter_mode`` (v), ``eco_mode`` (e),
  ``battery_open_status_check`` (d), ``bypass_forbidding`` (f),
  ``site_fault_detection`` (l), ``advanced_eco_mode`` (n), ``constant_phase_angle``
  (q) and ``limited_runtime_on_battery`` (w) = enabled/disabled are written at
  start-up, ``battery_number`` (1..9) with ``BATNn``;
* ECO mode limits: ``QHE`` transfer voltages (``HEHnnn``/``HELnnn``, ranges by
  protocol and nominal output voltage, published as ``.min``/``.max``), ``QFRE``
  frequencies (``FREHnn.n``/``FRELnn.n``);
* programmable outlets 1..4: ``QSKn`` state, ``QSKTn`` delay (``PSKnmmm``),
  ``SKONn``/``SKOFFn``; commands of outlets that do not answer are withdrawn;
* commands ``SOFF``/``SON``, ``S<n>[R<m>]``, ``CS``, ``T<n>``/``TL``/``T``/``CT``,
  ``BZOFF``/``BZON``, ``PEA``/``PDA`` (beeper), ``PEE``/``PDE`` (bypass / ECO).

Replies ``(ACK`` / ``(NAK``.  Claim: ``QGS`` input voltage, then a supported
``QPI`` protocol.  Delay ranges: ondelay 0..599940 s, offdelay 12..5940 s.
"""

from __future__ import annotations

from upskit.drivers.qx import hooks as h
from upskit.drivers.qx.dialect import Claim, Dialect, DialectHost
from upskit.drivers.qx.items import (
    ENUM,
    NONUT,
    QUICK_POLL,
    RANGE,
    SEMI_STATIC,
    SETVAR,
    STATIC,
    TRIM,
    Build,
    Convert,
    Item,
    Query,
    QxContext,
    cmd,
)
from upskit.drivers.qx.protocols import _shared as s
from upskit.drivers.qx.protocols import megatec as m
from upskit.model import VarFlag
from upskit.model.mapping import Lookup

PROTOCOLS = (0, 1, 2, 3, 8, 9, 10, 13, 14, 31, 71, 99)
OUTLETS = (1, 2, 3, 4)

#: QWS bit index (0-based) -> warning text; bits 7, 8 and 55 also set LB, OVER, RB.
WARNINGS = {
    0: "Battery disconnected.", 1: "Neutral not connected.", 2: "Site fault.",
    3: "Phase sequence incorrect.", 4: "Phase sequence incorrect in bypass.",
    5: "Input frequency unstable in bypass.", 6: "Battery overcharged.", 7: "Low battery.",
    8: "Overload alarm.", 9: "Fan alarm.", 10: "EPO enabled.", 11: "Unable to turn on UPS.",
    12: "Over temperature alarm.", 13: "Charger alarm.", 14: "Remote auto shutdown.",
    15: "L1 input fuse not working.", 16: "L2 input fuse not working.",
    17: "L3 input fuse not working.", 18: "Positive PFC abnormal in L1.",
    19: "Negative PFC abnormal in L1.", 20: "Positive PFC abnormal in L2.",
    21: "Negative PFC abnormal in L2.", 22: "Positive PFC abnormal in L3.",
    23: "Negative PFC abnormal in L3.", 24: "Abnormal in CAN-bus communication.",
    25: "Abnormal in synchronous signal circuit.",
    26: "Abnormal in synchronous pulse signal circuit.", 27: "Abnormal in host signal circuit.",
    28: "Male connector of parallel cable not connected well.",
    29: "Female connector of parallel cable not connected well.",
    30: "Parallel cable not connected well.",
    31: "Battery connection not consistent in parallel systems.",
    32: "AC connection not consistent in parallel systems.",
    33: "Bypass connection not consistent in parallel systems.",
    34: "UPS model types not consistent in parallel systems.",
    35: "Capacity of UPSes not consistent in parallel systems.",
    36: "Auto restart setting not consistent in parallel systems.",
    37: "Battery cell over charge.",
    38: "Battery protection setting not consistent in parallel systems.",
    39: "Battery detection setting not consistent in parallel systems.",
    40: "Bypass not allowed setting not consistent in parallel systems.",
    41: "Converter setting not consistent in parallel systems.",
    42: "High loss point for frequency in bypass mode not consistent in parallel systems.",
    43: "Low loss point for frequency in bypass mode not consistent in parallel systems.",
    44: "High loss point for voltage in bypass mode not consistent in parallel systems.",
    45: "Low loss point for voltage in bypass mode not consistent in parallel systems.",
    46: "High loss point for frequency in AC mode not consistent in parallel systems.",
    47: "Low loss point for frequency in AC mode not consistent in parallel systems.",
    48: "High loss point for voltage in AC mode not consistent in parallel systems.",
    49: "Low loss point for voltage in AC mode not consistent in parallel systems.",
    50: "Warning for locking in bypass mode after 3 consecutive overloads within 30 min.",
    51: "Warning for three-phase AC input current unbalance.",
    52: "Warning for a three-phase input current unbalance detected in battery mode.",
    53: "Warning for Inverter inter-current unbalance.",
    54: "Programmable outlets cut off pre-alarm.", 55: "Warning for Battery replace.",
    56: "Abnormal warning on input phase angle.",
    57: "Warning!! Cover of maintain switch is open.", 61: "EEPROM operation error.",
}
_WARNING_WORDS = {7: "LB", 8: "OVER", 55: "RB"}

#: QFS fault code -> text (codes 1A..1C name the phase inverter).
FAULTS = {
    1: "Bus voltage not within default setting.", 2: "Bus voltage over maximum value.",
    3: "Bus voltage below minimum value.", 4: "Bus voltage differences out of acceptable range.",
    5: "Bus voltage of slope rate drops too fast.", 6: "Over current in PFC input inductor.",
    11: "Inverter voltage not within default setting.",
    12: "Inverter voltage over maximum value.", 13: "Inverter voltage below minimum value.",
    14: "Inverter short-circuited.", 15: "L2 phase inverter short-circuited.",
    16: "L3 phase inverter short-circuited.", 17: "L1L2 inverter short-circuited.",
    18: "L2L3 inverter short-circuited.", 19: "L3L1 inverter short-circuited.",
    21: "Battery SCR short-circuited.", 22: "Line SCR short-circuited.",
    23: "Inverter relay open fault.", 24: "Inverter relay short-circuited.",
    25: "Input and output wires oppositely connected.", 26: "Battery oppositely connected.",
    27: "Battery voltage is too high.", 28: "Battery voltage too low.",
    29: "Failure for battery fuse being open-circuited.", 31: "CAN-bus communication fault.",
    32: "Host signal circuit fault.", 33: "Synchronous signal circuit fault.",
    34: "Synchronous pulse signal circuit fault.", 35: "Parallel cable disconnected.",
    36: "Load unbalanced.", 41: "Over temperature fault.",
    42: "Communication failure between CPUs in control board.", 43: "Overload fault.",
    44: "Fan failure.", 45: "Charger failure.", 46: "Model fault.",
    47: "MCU communication fault.",
}
_PHASE_FAULTS = {"A": "L1", "B": "L2", "C": "L3"}

#: NUT variable -> QFLAG letter (values yes/no).
CAPABILITIES = {"ups.start.auto": "r", "battery.protection": "s", "battery.energysave": "g",
                "ups.start.battery": "c", "outlet.0.switchable": "j"}
#: ups.conf option -> QFLAG letter (values enabled/disabled).
OPTION_CAPABILITIES = {
    "bypass_alarm": "p", "battery_alarm": "b", "bypass_when_off": "o", "alarm_control": "a",
    "converter_mode": "v", "eco_mode": "e", "battery_open_status_check": "d",
    "bypass_forbidding": "f", "site_fault_detection": "l", "advanced_eco_mode": "n",
    "constant_phase_angle": "q", "limited_runtime_on_battery": "w",
}


# ------------------------------------------------------------------ values
def protocol(ctx: QxContext, item: Item, value: str) -> str:
    """``PIxx`` with a supported xx -> ``Pxx``."""
    if not value.upper().startswith("PI") or not value[2:].isdigit():
        raise ValueError(f"{value!r} is not a PIxx protocol")
    number = int(value[2:])
    if number not in PROTOCOLS:
        raise ValueError(f"protocol {value!r} is not supported")
    return f"P{number:02d}"


def powerfactor(ctx: QxContext, item: Item, value: str) -> str:
    """Output power factor given in percent."""
    return f"{s.number(value) / 100:.1f}"


def serial_number(ctx: QxContext, item: Item, value: str) -> str:
    """``QID``: an all-zero serial means "none"."""
    text = value.strip()
    if not text or set(text) == {"0"}:
        raise ValueError("no significant serial number")
    return text


def battery_volts(ctx: QxContext, item: Item, value: str) -> str:
    """Battery voltage (``---.-`` on units without the reading fails the item)."""
    return h.battery_voltage(ctx, item, f"{s.number(value)}")


def _bits(value: str) -> str:
    if not value or not set(value) <= {"0", "1"}:
        raise ValueError(f"{value!r} is not a bit field")
    return value


UPS_TYPES = Lookup({"00": "offline", "01": "line-interactive", "10": "online"},
                   name="UPS type")


def ups_type(ctx: QxContext, item: Item, value: str) -> str:
    """QGS type: 00 offline, 01 line-interactive, 10 online (``--`` on P71: online)."""
    if value == "--":
        return "online"
    return UPS_TYPES.word(value)


def status_bit(on: str, off: str = "") -> Convert:
    """A QGS bit: 1 -> ``on``, 0 -> ``off``; ``-`` (P71) counts as 0."""

    def convert(ctx: QxContext, item: Item, value: str) -> str:
        if value == "-":
            return off
        return on if _bits(value) == "1" else off

    return convert


def avr(ctx: QxContext, item: Item, value: str) -> str:
    """Bit 67: bypass/boost/buck; P00/P08 units report their AVR as bypass-like."""
    if value == "-" or _bits(value) == "0":
        return ""
    try:
        vin, vout = float(ctx.reply[1:6]), float(ctx.reply[12:17])
    except ValueError:
        return ""
    word = h.avr_word(vin, vout)
    if word == "BYPASS" and ctx.get("ups.firmware.aux") in ("P00", "P08"):
        return ""
    return word


def avr_alarm(ctx: QxContext, item: Item, value: str) -> str:
    """Bit 67 on P00/P08 units with the output at input voltage: AVR, not bypass."""
    if value == "-" or _bits(value) == "0":
        return ""
    if ctx.get("ups.firmware.aux") not in ("P00", "P08"):
        return ""
    try:
        vin, vout = float(ctx.reply[1:6]), float(ctx.reply[12:17])
    except ValueError:
        return ""
    return "UPS is in AVR Mode." if h.avr_word(vin, vout) == "BYPASS" else ""


def beeper(ctx: QxContext, item: Item, value: str) -> str:
    """Bit 72: 0 beeper on, 1 off."""
    if value == "-":
        raise ValueError("no beeper bit")
    return "disabled" if _bits(value) == "1" else "enabled"


def mode_status(ctx: QxContext, item: Item, value: str) -> str:
    """``QMOD`` letter -> status word (line/battery come from QGS bit 65)."""
    if len(value) != 1 or value not in "PSYLBTFECD":
        raise ValueError(f"unknown working mode {value!r}")
    return {"S": "OFF", "Y": "BYPASS", "T": "CAL", "D": "FSD"}.get(value, "")


def mode_alarm(ctx: QxContext, item: Item, value: str) -> str:
    """``QMOD`` letter -> alarm text for power-on, fault and shutdown."""
    if len(value) != 1 or value not in "PSYLBTFECD":
        raise ValueError(f"unknown working mode {value!r}")
    return {"P": "UPS is going ON.", "F": "Fault reported by UPS.",
            "D": "UPS is shutting down!"}.get(value, "")


def warnings(ctx: QxContext, item: Item, value: str) -> str:
    """``QWS``: one alarm text listing every warning bit set."""
    bits = _bits(value)
    known = [WARNINGS[i] for i, b in enumerate(bits) if b == "1" and i in WARNINGS]
    unknown = [f"#{i + 1:02d}" for i, b in enumerate(bits) if b == "1" and i not in WARNINGS]
    if not known and not unknown:
        return ""
    text = "UPS warnings:"
    if known:
        text += " " + " ".join(known)
    if unknown:
        text += f" Unknown warnings [bit: {', '.join(unknown)}]"
    return text


def warning_words(ctx: QxContext, item: Item, value: str) -> str:
    """``QWS`` bits that are also status words: low battery, overload, replace battery."""
    bits = _bits(value)
    return " ".join(word for i, word in _WARNING_WORDS.items() if bits[i:i + 1] == "1")


def fault(ctx: QxContext, item: Item, value: str) -> str:
    """``QFS``: ``OK`` or a fault record whose first field is the fault code.

    Only reported while ``QGS`` flags a UPS fault (the record of a past fault is
    kept by the unit long after it cleared).
    """
    code = value.split(" ", 1)[0]
    if code.upper() == "OK":
        return ""
    if len(code) != 2 or not code.isalnum():
        raise ValueError(f"unusable fault record {value!r}")
    if "UPS Fault!" not in (ctx.get("ups.alarm") or ""):
        return ""
    if code[0] == "1" and code[1] in _PHASE_FAULTS:
        text = f"{_PHASE_FAULTS[code[1]]} inverter negative power out of acceptable range."
    elif code.isdigit() and int(code) in FAULTS:
        text = FAULTS[int(code)]
    else:
        text = f"Unknown fault [{code}]"
    return f"Fault reported by UPS: {text}"


def capability(ctx: QxContext, item: Item, value: str) -> str:
    """``QFLAG`` (``(E<enabled letters>D<disabled letters>``) -> yes/no for one letter."""
    letter = CAPABILITIES[item.name]
    enabled, _, disabled = value.partition("D")
    if not enabled.startswith("E"):
        raise ValueError(f"unusable capability reply {value!r}")
    if letter in enabled[1:]:
        return "yes"
    if letter in disabled:
        return "no"
    raise ValueError(f"capability {letter!r} not reported")


def set_capability(ctx: QxContext, item: Item, param: str | None) -> str:
    """``PE<x>`` / ``PD<x>``, only for a capability the unit reported."""
    if ctx.get(item.name) is None:
        raise ValueError(f"{item.name} is not a capability of this unit")
    if param is None or param.lower() not in ("yes", "no"):
        raise ValueError("capabilities take yes or no")
    return f"P{'E' if param.lower() == 'yes' else 'D'}{CAPABILITIES[item.name].upper()}"


def option_capability(option: str) -> Build:
    """A start-up write of a ups.conf capability option (nothing when not configured)."""
    letter = OPTION_CAPABILITIES[option]

    def build(ctx: QxContext, item: Item, param: str | None) -> str:
        wanted = (ctx.option(option) or "").lower()
        if wanted not in ("enabled", "disabled"):
            raise ValueError(f"{option} not configured (enabled/disabled)")
        return f"P{'E' if wanted == 'enabled' else 'D'}{letter.upper()}"

    return build


def battery_number(ctx: QxContext, item: Item, param: str | None) -> str:
    """``BATNn`` from the ``battery_number`` option (1..9)."""
    wanted = (ctx.option("battery_number") or "").strip()
    if not wanted.isdigit() or not 1 <= int(wanted) <= 9:
        raise ValueError("battery_number not configured (1..9)")
    return f"BATN{int(wanted)}"


def acknowledged(ctx: QxContext, item: Item, value: str) -> str:
    """A start-up write: ``(ACK`` expected."""
    if value != "ACK":
        raise ValueError(f"setting refused: {value!r}")
    return value


def set_battery_low(ctx: QxContext, item: Item, param: str | None) -> str:
    """``W0Enn``: 20..24 V on units under 1 kVA, 20..28 V otherwise."""
    if param is None or not param.strip().replace(".", "", 1).isdigit():
        raise ValueError("battery low voltage must be a number")
    volts = int(float(param))
    try:
        size = float(ctx.get("output.voltage.nominal") or "") * float(
            ctx.get("output.current.nominal") or "")
    except ValueError:
        size = 0.0
    if volts > (24 if size < 1000 else 28):
        raise ValueError(f"{volts} V is too high for this unit")
    return f"W0E{volts:02d}"


def set_packs(ctx: QxContext, item: Item, param: str | None) -> str:
    """``BATGNnn``: 1..99 packs."""
    if param is None or not param.strip().isdigit():
        raise ValueError("battery packs must be a whole number")
    return f"BATGN{int(param):02d}"


def outlet_switchable(ctx: QxContext, item: Item, value: str) -> str:
    """``QSKn`` -> ``(1``/``(0``: the outlet is programmable."""
    if value not in ("0", "1"):
        raise ValueError(f"outlet state {value!r} is neither 0 nor 1")
    return "yes"


def outlet_status(ctx: QxContext, item: Item, value: str) -> str:
    """``QSKn``: on or off."""
    if value not in ("0", "1"):
        raise ValueError(f"outlet state {value!r} is neither 0 nor 1")
    return "on" if value == "1" else "off"


def outlet_delay(ctx: QxContext, item: Item, value: str) -> str:
    """``QSKTn``: minutes -> seconds, for programmable outlets only."""
    if ctx.get(item.name.replace("delay.shutdown", "status")) is None:
        raise ValueError("not a programmable outlet")
    return s.minutes_to_seconds(ctx, item, value)


def set_outlet_delay(ctx: QxContext, item: Item, param: str | None) -> str:
    """``PSKnmmm``: the delay in whole minutes."""
    if param is None or not param.strip().isdigit():
        raise ValueError("outlet delay must be whole seconds")
    return f"PSK{item.name.split('.')[1]}{int(param) // 60:03d}"


def drop_missing_outlet_commands(dialect: Dialect, host: DialectHost) -> None:
    """Only programmable outlets (those ``QSKn`` answered) keep their commands."""
    for n in OUTLETS:
        if host.get(f"outlet.{n}.status") is None:
            for action in ("on", "off"):
                host.delete_command(f"outlet.{n}.load.{action}")


_ECO_WIDE = (1, 9)
_ECO_NARROW = (2, 3, 10, 13, 14, 99)


def _protocol_number(ctx: QxContext) -> int | None:
    aux = ctx.get("ups.firmware.aux") or ""
    return int(aux[1:]) if aux[1:].isdigit() else None


def eco_volt_limits(ctx: QxContext) -> dict[str, tuple[int, int]] | None:
    """ECO mode transfer voltage ranges by protocol and nominal output voltage."""
    protocol = _protocol_number(ctx)
    try:
        nominal = int(float(ctx.get("output.voltage.nominal") or ""))
    except ValueError:
        return None
    if protocol in _ECO_WIDE:
        near, far = (7, 24) if nominal >= 200 else (3, 12)
    elif protocol in _ECO_NARROW:
        near, far = (11, 24) if nominal >= 200 else (5, 12)
    else:
        return None
    return {"input.transfer.low": (nominal - far, nominal - near),
            "input.transfer.high": (nominal + near, nominal + far)}


def eco_volts(ctx: QxContext, item: Item, value: str) -> str:
    """``QHE``: ECO transfer voltage; its allowed range goes to ``.min``/``.max``."""
    volts = f"{s.number(value):.0f}"
    limits = eco_volt_limits(ctx)
    if limits is not None:
        low, high = limits[item.name]
        ctx.set(f"{item.name}.min", str(low))
        ctx.set(f"{item.name}.max", str(high))
    return volts


def set_eco_volts(ctx: QxContext, item: Item, param: str | None) -> str:
    """``HEHnnn`` / ``HELnnn`` within the range for this unit."""
    limits = eco_volt_limits(ctx)
    if limits is None or param is None:
        raise ValueError("ECO voltage limits cannot be set on this unit")
    volts = int(s.number(param))
    low, high = limits[item.name]
    if not low <= volts <= high:
        raise ValueError(f"{volts} V is outside {low}..{high}")
    return f"HE{'H' if item.name.endswith('high') else 'L'}{volts:03d}"


def eco_freq_limits(ctx: QxContext) -> dict[str, tuple[float, float]] | None:
    """ECO mode frequency ranges by protocol and nominal output frequency."""
    protocol = _protocol_number(ctx)
    try:
        sixty = float(ctx.get("output.frequency.nominal") or "") == 60.0
    except ValueError:
        return None
    if protocol in _ECO_WIDE:
        low, high = ((50.0, 57.0), (63.0, 70.0)) if sixty else ((40.0, 47.0), (53.0, 60.0))
    elif protocol in _ECO_NARROW:
        low, high = ((56.0, 58.0), (62.0, 64.0)) if sixty else ((46.0, 48.0), (52.0, 54.0))
    else:
        return None
    return {"input.frequency.low": low, "input.frequency.high": high}


def set_eco_freq(ctx: QxContext, item: Item, param: str | None) -> str:
    """``FREHnn.n`` / ``FRELnn.n`` within the range for this unit."""
    limits = eco_freq_limits(ctx)
    if limits is None or param is None:
        raise ValueError("ECO frequency limits cannot be set on this unit")
    hertz = s.number(param)
    low, high = limits[item.name]
    if not low <= hertz <= high:
        raise ValueError(f"{hertz} Hz is outside {low}..{high}")
    return f"FRE{'H' if item.name.endswith('high') else 'L'}{hertz:04.1f}"


# ---------------------------------------------------------------- commands
def _offdelay(ctx: QxContext) -> int:
    return int(float(ctx.get("ups.delay.shutdown") or h.DEFAULT_OFFDELAY))


def shutdown_return(ctx: QxContext, item: Item, param: str | None) -> str:
    """``S<n>`` when the restart delay is under a minute, else ``S<n>R<mmmm>``."""
    minutes = int(float(ctx.get("ups.delay.start") or h.DEFAULT_ONDELAY)) // 60
    off = h.offdelay_code(_offdelay(ctx))
    return f"S{off}" if minutes == 0 else f"S{off}R{minutes:04d}"


def shutdown_stayoff(ctx: QxContext, item: Item, param: str | None) -> str:
    """``S<n>R0000``."""
    return f"S{h.offdelay_code(_offdelay(ctx))}R0000"


def beeper_toggle(ctx: QxContext, item: Item, param: str | None) -> str:
    """``BZOFF`` while the beeper sounds, ``BZON`` when it is off."""
    state = ctx.get("ups.beeper.status")
    if state == "enabled":
        return "BZOFF"
    if state in ("disabled", "muted"):
        return "BZON"
    raise ValueError("beeper state unknown")


# ------------------------------------------------------------------- table
QGS = Query("QGS", 76, "(")
QGS_ROWS = (
    QGS.item("input.voltage", 1, 5, "%.1f"),
    QGS.item("input.frequency", 7, 10, "%.1f"),
    QGS.item("output.voltage", 12, 16, "%.1f"),
    QGS.item("output.frequency", 18, 21, "%.1f"),
    QGS.item("output.current", 23, 27, "%.1f"),
    QGS.item("ups.load", 29, 31, "%.0f"),
    QGS.item("battery.voltage", 45, 49, convert=battery_volts),
    QGS.item("ups.temperature", 57, 61, "%.1f"),
    QGS.item("ups.type", 63, 64, flags=SEMI_STATIC, convert=ups_type),
    QGS.item("ups.status", 65, 65, flags=QUICK_POLL, convert=status_bit("!OL", "OL")),
    QGS.item("ups.status", 66, 66, flags=QUICK_POLL, convert=status_bit("LB", "!LB")),
    QGS.item("ups.status", 67, 67, flags=QUICK_POLL, convert=avr),
    QGS.item("ups.alarm", 67, 67, convert=avr_alarm),
    QGS.item("ups.alarm", 68, 68, convert=status_bit("UPS Fault!")),
    QGS.item("ups.status", 70, 70, flags=QUICK_POLL, convert=status_bit("CAL", "!CAL")),
    QGS.item("ups.status", 71, 71, flags=QUICK_POLL, convert=h.shutdown_active),
    QGS.item("ups.beeper.status", 72, 72, convert=beeper),
)
QRI = Query("QRI", 22, "(")
QMD = Query("QMD", 48, "(")
I_ROWS = m.vendor_rows("I")
INFO_ROWS = (
    Query("QPI", 6, "(").item("ups.firmware.aux", 1, 4, flags=STATIC, convert=protocol),
    QRI.item("output.voltage.nominal", 1, 5, "%.1f", STATIC),
    QRI.item("output.current.nominal", 7, 9, "%.0f", STATIC),
    QRI.item("battery.voltage.nominal", 11, 15, "%.1f", SEMI_STATIC),
    QRI.item("output.frequency.nominal", 17, 20, "%.1f", STATIC),
    QMD.item("device.model", 1, 15, flags=STATIC | TRIM),
    QMD.item("ups.power.nominal", 17, 23, flags=STATIC | TRIM),
    QMD.item("output.powerfactor", 25, 26, flags=STATIC, convert=powerfactor),
    QMD.item("input.phases", 28, 28, "%.0f", STATIC),
    QMD.item("output.phases", 30, 30, "%.0f", STATIC),
    QMD.item("input.voltage.nominal", 32, 34, "%.1f", STATIC),
    *(s.fallback(r.with_(fmt="%.1f")) for r in m.RATING_ROWS),
    Query("QMF", 2, "(").item("device.mfr", 1, 0, flags=STATIC | TRIM),
    Query("QVFW", 16, "(").item("ups.firmware", 7, 14, flags=STATIC),
    Query("QID", 2, "(").item("device.serial", 1, 0, flags=STATIC, convert=serial_number),
    *(s.fallback(r) for r in I_ROWS),
)
QMOD = Query("QMOD", 3, "(")
QBV = Query("QBV", 21, "(")
QLDL = Query("QLDL", 9, "(")
STATE_ROWS = (
    QMOD.item("ups.alarm", 1, 1, convert=mode_alarm),
    QMOD.item("ups.status", 1, 1, convert=mode_status),
    Query("QFS", 4, "(").item("ups.alarm", 1, 0, convert=fault),
    Query("QWS", 66, "(").item("ups.alarm", 1, 64, convert=warnings),
    Query("QWS", 66, "(").item("ups.status", 1, 64, convert=warning_words),
    QBV.item("battery.voltage", 1, 5, convert=battery_volts),
    QBV.item("battery.packs", 10, 11, "%.0f", SEMI_STATIC | RANGE, st=VarFlag.RW,
             ranges=((1, 99),)),
    QBV.item("battery.charge", 13, 15, "%.0f"),
    QBV.item("battery.runtime", 17, 0, convert=s.minutes_to_seconds),
    QLDL.item("output.power.minimum.percent", 1, 3, "%.0f"),
    QLDL.item("output.power.maximum.percent", 5, 7, "%.0f"),
    Query("RE0", 3, "#").item("battery.voltage.low", 1, 2, "%.1f", SEMI_STATIC | RANGE,
                              st=VarFlag.RW, ranges=((20, 28),)),
    *(Query("QFLAG", 4, "(").item(name, 1, 0, flags=SEMI_STATIC | ENUM, st=VarFlag.RW,
                                  enums=("no", "yes"), convert=capability)
      for name in CAPABILITIES),
)
SETTING_ROWS = (
    *(Item(name, "P", flags=SETVAR | ENUM, enums=("no", "yes"), length=5, leading="(",
           start=1, end=3, build=set_capability) for name in CAPABILITIES),
    Item("battery.voltage.low", "W0E", flags=SETVAR | RANGE, ranges=((20, 28),), length=5,
         start=1, end=3, build=set_battery_low),
    Item("battery.packs", "BATGN", flags=SETVAR | RANGE, ranges=((1, 99),), length=5,
         start=1, end=3, build=set_packs),
    *(Item(option, "P", 1, 3, flags=STATIC | NONUT, length=5, leading="(",
           build=option_capability(option), convert=acknowledged)
      for option in OPTION_CAPABILITIES),
    Item("battery_number", "BATN", 1, 3, flags=STATIC | NONUT, length=5, leading="(",
         build=battery_number, convert=acknowledged),
)
OUTLET_ROWS = tuple(row for n in OUTLETS for row in (
    Query(f"QSK{n}", 3, "(").item(f"outlet.{n}.switchable", 1, 1, flags=SEMI_STATIC,
                                  convert=outlet_switchable),
    Query(f"QSK{n}", 3, "(").item(f"outlet.{n}.status", 1, 1, flags=SEMI_STATIC,
                                  convert=outlet_status),
    Query(f"QSKT{n}", 5, "(").item(f"outlet.{n}.delay.shutdown", 1, 3, flags=SEMI_STATIC | RANGE,
                                   st=VarFlag.RW, ranges=((0, 59940),),
                                   convert=outlet_delay),
    Item(f"outlet.{n}.delay.shutdown", "PSK", 1, 3, flags=SETVAR | RANGE, length=5,
         leading="(", ranges=((0, 59940),), build=set_outlet_delay),
))
QHE = Query("QHE", 9, "(")
QFRE = Query("QFRE", 11, "(")
ECO_ROWS = (
    QHE.item("input.transfer.high", 1, 3, flags=SEMI_STATIC, st=VarFlag.RW, convert=eco_volts),
    QHE.item("input.transfer.low", 5, 7, flags=SEMI_STATIC, st=VarFlag.RW, convert=eco_volts),
    QFRE.item("input.frequency.high", 1, 4, "%.1f", SEMI_STATIC, st=VarFlag.RW),
    QFRE.item("input.frequency.low", 6, 9, "%.1f", SEMI_STATIC, st=VarFlag.RW),
    *(Item(name, "HE", 1, 3, flags=SETVAR, length=5, leading="(", build=set_eco_volts)
      for name in ("input.transfer.high", "input.transfer.low")),
    *(Item(name, "FRE", 1, 3, flags=SETVAR, length=5, leading="(", build=set_eco_freq)
      for name in ("input.frequency.high", "input.frequency.low")),
)
COMMAND_ROWS = s.ack_rows((
    cmd("load.off", "SOFF"),
    cmd("load.on", "SON"),
    cmd("shutdown.return", "S", shutdown_return),
    cmd("shutdown.stayoff", "S", shutdown_stayoff),
    cmd("shutdown.stop", "CS"),
    cmd("test.battery.start", "T", s.test_battery_short, default="600"),
    cmd("test.battery.start.deep", "TL"),
    cmd("test.battery.start.quick", "T"),
    cmd("test.battery.stop", "CT"),
    cmd("beeper.toggle", "BZ", beeper_toggle),
    cmd("beeper.enable", "PEA"),
    cmd("beeper.disable", "PDA"),
    cmd("bypass.start", "PEE"),
    cmd("bypass.stop", "PDE"),
    *(cmd(f"outlet.{n}.load.{action}", f"SK{action.upper()}{n}")
      for n in OUTLETS for action in ("off", "on")),
))


DIALECT = Dialect(
    name="voltronic",
    version="0.14",
    title="Voltronic",
    position=2,
    items=(INFO_ROWS + QGS_ROWS + STATE_ROWS + OUTLET_ROWS + ECO_ROWS + SETTING_ROWS
           + COMMAND_ROWS
           + s.delay_rows(on_range=(0, 599940), off_range=(12, 5940))),
    claim=Claim(("input.voltage", "ups.firmware.aux")),
    accepted="ACK",
    rejected="(NAK\r",
    skip_with={"novendor": ("I",), "norating": ("F",)},
    options=(*OPTION_CAPABILITIES, "battery_number", "testing"),
    initinfo=drop_missing_outlet_commands,
)
