"""``upskit snmp generate``: a mapping-table module and its test from an SNMP walk.

NUT's ``gen-snmp-subdriver.sh`` workflow: walk the agent (``snmpwalk -On``, or take a
snmpsim ``.snmprec`` recording), find the vendor's enterprise subtree from
``sysObjectID``, and write a table module (the format of
:mod:`upskit.drivers.snmp.table`) with one row per object of that subtree: objects whose
MIB name says what they are (``upsBasicIdentModel`` -> ``ups.model``) become live rows,
the others commented rows to review.  Names come from a second walk of the same agent
without ``-On`` (``snmpwalk -m ALL``), paired line by line, or from a walk that gives
both (``snmpwalk -Of`` is not needed: a numeric walk is enough to get a working stub).

The written test checks every live row against the value the walk read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from upskit.drivers.snmp.table import Poll, Var, render

SYS_OBJECT_ID = "1.3.6.1.2.1.1.2.0"
ENTERPRISES = "1.3.6.1.4.1"


class WalkError(ValueError):
    """A walk or recording that cannot be read (the message says where)."""


@dataclass(slots=True)
class Entry:
    """One object of a walk: its OID, SNMP type, value and (when known) MIB name."""

    oid: str
    kind: str
    value: int | str | bytes
    name: str = ""


#: snmpsim ``.snmprec`` tags -> walk type names
_SNMPREC_TAGS = {"2": "INTEGER", "4": "STRING", "5": "NULL", "6": "OID", "64": "IpAddress",
                 "65": "Counter32", "66": "Gauge32", "67": "Timeticks", "70": "Counter64"}
_NUMERIC = {"INTEGER", "Gauge32", "Counter32", "Counter64", "Timeticks", "UInteger32",
            "Unsigned32", "Integer32"}
_LINE = re.compile(r"^\s*(?P<oid>\S+)\s+=\s+(?:(?P<kind>[A-Za-z0-9-]+):\s?)?(?P<value>.*)$")
_OID = re.compile(r"^\.?\d+(?:\.\d+)+$")


def _text_or_bytes(raw: bytes) -> str | bytes:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw
    return text if text.isprintable() else raw


def _walk_value(kind: str, value: str, where: str) -> int | str | bytes:
    value = value.strip()
    if kind in _NUMERIC:
        if kind == "Timeticks":
            found = re.match(r"\((\d+)\)", value)
            if found:
                return int(found.group(1))
        found = re.search(r"-?\d+", value)  # "onLine(2)" / "5 percent" / "2"
        if found is None:
            raise WalkError(f"{where}: no number in {value!r}")
        paren = re.search(r"\((-?\d+)\)\s*$", value)
        return int(paren.group(1) if paren else found.group(0))
    if kind == "Hex-STRING":
        try:
            return _text_or_bytes(bytes.fromhex(value.replace(" ", "")))
        except ValueError:
            raise WalkError(f"{where}: bad hex string {value!r}") from None
    if kind == "OID":
        return value.lstrip(".")
    if value.startswith('"') and value.endswith('"') and len(value) >= 2:
        return value[1:-1]
    return value


def parse_walk(text: str) -> list[Entry]:
    """The objects of a ``snmpwalk`` output (numeric ``-On`` OIDs, or MIB names)."""
    entries: list[Entry] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        found = _LINE.match(line)
        if found is None:
            last = entries[-1] if entries else None
            if last is not None and last.kind == "STRING" and isinstance(last.value, str) \
                    and last.value.startswith('"'):  # a quoted string still open
                value = last.value + "\n" + line
                last.value = value[1:-1] if value.endswith('"') else value
                continue
            raise WalkError(f"line {number}: not an snmpwalk line: {line[:60]!r}")
        oid, kind, value = found.group("oid"), found.group("kind") or "", found.group("value")
        if value.startswith(("No Such", "No more variables")):
            continue
        where = f"line {number}"
        if _OID.match(oid):
            entries.append(Entry(oid.lstrip("."), kind, _walk_value(kind, value, where)))
        else:
            entries.append(Entry("", kind, _walk_value(kind, value, where), name=oid))
    return entries


def parse_snmprec(text: str) -> list[Entry]:
    """The objects of a snmpsim ``.snmprec`` recording (``oid|tag|value``)."""
    entries: list[Entry] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("|", 2)
        if len(parts) != 3 or not _OID.match(parts[0]):
            raise WalkError(f"line {number}: not an snmprec line: {line[:60]!r}")
        oid, tag, value = parts
        base = tag.split(":")[0]
        hexed = base.endswith("x")
        kind = _SNMPREC_TAGS.get(base.rstrip("x"))
        if kind is None:
            raise WalkError(f"line {number}: unknown snmprec tag {tag!r}")
        where = f"line {number}"
        if hexed:
            try:
                raw = bytes.fromhex(value)
            except ValueError:
                raise WalkError(f"{where}: bad hex value {value!r}") from None
            if kind == "STRING":
                entries.append(Entry(oid, kind, _text_or_bytes(raw)))
                continue
            value = raw.decode("latin-1")
        entries.append(Entry(oid, kind, _walk_value(kind, value, where)))
    return entries


def parse(text: str) -> list[Entry]:
    """A walk or a recording, whichever ``text`` is."""
    first = next((ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")), "")
    if not first:
        raise WalkError("no objects: the file is empty")
    if " = " not in first and "|" in first:
        return parse_snmprec(text)
    return parse_walk(text)


def add_names(entries: list[Entry], named: list[Entry]) -> None:
    """Give ``entries`` (a numeric walk) the MIB names of ``named`` (the same walk with
    names), object by object; both must list the same number of objects."""
    if len(entries) != len(named):
        raise WalkError(f"the named walk has {len(named)} objects, the numeric one "
                        f"{len(entries)}: walk the same agent twice, with and without -On")
    for entry, other in zip(entries, named, strict=True):
        entry.name = other.name or entry.name


# ------------------------------------------------------------------ guessing

#: (pattern on the object name, NUT variable, is a string, poll class)
GUESSES: tuple[tuple[str, str, bool, Poll], ...] = (
    (r"(?i)ident.*manufacturer|^\w*mfr$", "ups.mfr", True, Poll.STATIC),
    (r"(?i)ident.*model|modelnumber|modelname|productname", "ups.model", True, Poll.STATIC),
    (r"(?i)serialnum", "ups.serial", True, Poll.STATIC),
    (r"(?i)firmware(rev|version)?|softwareversion|agentsoftware", "ups.firmware", True,
     Poll.STATIC),
    (r"(?i)manufactur.*date|dateofmanufacture", "ups.mfr.date", True, Poll.STATIC),
    (r"(?i)battery.*(capacity|charge(remaining)?)$|estimatedchargeremaining",
     "battery.charge", False, Poll.STATUS),
    (r"(?i)run\s*time\s*remaining|runtimeremaining|estimatedminutesremaining",
     "battery.runtime", False, Poll.STATUS),
    (r"(?i)battery.*voltage$", "battery.voltage", False, Poll.SLOW),
    (r"(?i)battery.*temperature$", "battery.temperature", False, Poll.SLOW),
    (r"(?i)input.*line.*voltage$|inputvoltage$", "input.voltage", False, Poll.SLOW),
    (r"(?i)input.*frequency$", "input.frequency", False, Poll.SLOW),
    (r"(?i)output.*voltage$", "output.voltage", False, Poll.SLOW),
    (r"(?i)output.*frequency$", "output.frequency", False, Poll.SLOW),
    (r"(?i)output.*current$", "output.current", False, Poll.SLOW),
    (r"(?i)output.*load$|percentload$", "ups.load", False, Poll.SLOW),
    (r"(?i)num(ber)?outlets|outletcount", "outlet.count", False, Poll.STATIC),
)


def _short_name(name: str) -> str:
    """``PowerNet-MIB::upsBasicIdentModel.0`` -> ``upsBasicIdentModel``."""
    return name.split("::")[-1].split(".")[0]


def guess(entry: Entry) -> tuple[str, bool, Poll] | None:
    """The NUT variable an object's name says it is, if any."""
    short = _short_name(entry.name)
    if not short:
        return None
    for pattern, variable, string, poll in GUESSES:
        if re.search(pattern, short):
            if string != isinstance(entry.value, (str, bytes)):
                continue
            return variable, string, poll
    return None


# ------------------------------------------------------------------ writing

@dataclass(slots=True)
class Generated:
    """A generated table: its name, the module's and the test's source text."""

    name: str
    module: str
    test: str
    mapped: dict[str, str] = field(default_factory=dict)


def enterprise_of(oid: str) -> str:
    """``1.3.6.1.4.1.318.1.3.27`` -> ``1.3.6.1.4.1.318``."""
    parts = oid.strip(".").split(".")
    if len(parts) < 7 or ".".join(parts[:6]) != ENTERPRISES:
        raise WalkError(f"{oid} is not under enterprises ({ENTERPRISES})")
    return ".".join(parts[:7])


def _identifier(text: str) -> str:
    name = re.sub(r"[^0-9a-zA-Z_]+", "_", text).strip("_").lower()
    if not name or name[0].isdigit():
        name = f"mib_{name}"
    return name


def _oid_expr(oid: str, base: str) -> str:
    if oid == base:
        return "BASE"
    return f'f"{{BASE}}{oid[len(base):]}"'


def _shown(value: int | str | bytes) -> str:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    text = str(value).replace("\n", " ")
    return text if len(text) <= 60 else text[:57] + "..."


def generate(text: str, name: str = "", *, names_text: str | None = None,
             sysoid: str | None = None, device_type: str = "ups",
             source: str = "a walk") -> Generated:
    """The table module and test for the agent ``text`` (a walk or a recording) shows."""
    entries = parse(text)
    if names_text is not None:
        add_names(entries, parse_walk(names_text))
    if any(not e.oid for e in entries):
        raise WalkError("the walk gives MIB names without numeric OIDs: walk with -On "
                        "(and give the named walk with --names)")
    if sysoid is None:
        found = next((e.value for e in entries if e.oid == SYS_OBJECT_ID), None)
        if not isinstance(found, str) or not found:
            raise WalkError("no sysObjectID (1.3.6.1.2.1.1.2.0) in the walk: give --sysoid")
        sysoid = found
    sysoid = sysoid.strip().lstrip(".")
    if not _OID.match(sysoid):
        raise WalkError(f"not an OID: {sysoid!r}")
    base = enterprise_of(sysoid)
    vendor = [e for e in entries if e.oid.startswith(base + ".")]
    if not vendor:
        raise WalkError(f"the walk has no object under the enterprise {base} of "
                        f"sysObjectID {sysoid}")
    name = _identifier(name or f"enterprise_{base.rsplit('.', 1)[-1]}")
    rows: list[str] = []
    mapped: dict[str, str] = {}
    samples: dict[str, tuple[Var, int | str | bytes, str]] = {}
    for entry in vendor:
        label = _short_name(entry.name) or entry.oid
        index = entry.name.split(".", 1)[1] if "." in entry.name.split("::")[-1] else ""
        rows.append(f"    # {label}{'.' + index if index else ''} = "
                    f"{entry.kind or 'value'}: {_shown(entry.value)}")
        guessed = guess(entry) if entry.name else None
        string = isinstance(entry.value, (str, bytes))
        if guessed is not None and guessed[0] not in mapped:
            variable, string, poll = guessed
            convert = "ticks" if entry.kind == "Timeticks" else None
            var = Var(variable, entry.oid, string=string, poll=poll, convert=convert)
            try:
                expected = render(var, entry.value)
            except (ValueError, TypeError):
                expected = None
            if expected is not None:
                mapped[variable] = entry.oid
                samples[entry.oid] = (var, entry.value, expected)
                rows.append(_row(var, base, live=True))
                continue
        unmapped = f"unmapped.{_identifier(label)}"
        rows.append(_row(Var(unmapped, entry.oid, string=string), base, live=False))
    model_oid = mapped.get("ups.model", "")
    imports = "Mib, Poll, Var" if any(r.startswith("    Var(") and "Poll." in r
                                      for r in rows) else "Mib, Var"
    module = _MODULE.format(
        imports=imports, name=name, source=source, sysoid=sysoid, base=base,
        device_type=device_type, count=len(vendor), mapped=len(mapped),
        model=f"    model_oid={_oid_expr(model_oid, base)},\n" if model_oid else "",
        rows="\n".join(rows))
    test = _TEST.format(name=name, sysoid=sysoid, base=base, samples=_samples(samples))
    return Generated(name, module, test, mapped)


def _row(var: Var, base: str, *, live: bool) -> str:
    extra = ""
    if var.string:
        extra += ", string=True"
    if var.convert:
        extra += f", convert={var.convert!r}"
    if var.poll is not Poll.SLOW:
        extra += f", poll=Poll.{var.poll.name}"
    line = f"Var({var.name!r}, {_oid_expr(var.oid, base)}{extra}),"
    return f"    {line}" if live else f"    # {line}"


def _samples(samples: dict[str, tuple[Var, int | str | bytes, str]]) -> str:
    lines = [f"    ({var.oid!r}, {value!r}, {expected!r}),"
             for var, value, expected in samples.values()]
    return "\n".join(lines)


_MODULE = '''"""``{name}``: SNMP mapping table generated by ``upskit snmp generate`` from {source}.

sysObjectID {sysoid}; {count} objects under the enterprise {base}, {mapped} of them
mapped by their MIB names.  Review every row: check units and multipliers (``scale=``),
turn enumerations into words (``enum=enum_of(...)``), add the ``ups.status`` rows
(``status=Status.POWER`` ...), commands and writable variables, and uncomment what is
worth publishing.  The format: upskit/drivers/snmp/table.py and docs/snmp.md.
"""

from __future__ import annotations

from upskit.drivers.snmp.table import {imports}

BASE = "{base}"

MIB = Mib(
    name="{name}",
    version="0.1",
    description="generated from {source}",
    device_type="{device_type}",
    sysoids=("{sysoid}",),
{model}    variables=(
{rows}
    ),
)
'''

_TEST = '''"""Checks of the generated ``{name}`` table against the values its walk read."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from upskit.drivers.snmp.table import Mib, render


def _module() -> ModuleType:
    path = Path(__file__).with_name("{name}.py")
    spec = importlib.util.spec_from_file_location("{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("{name}", module)
    spec.loader.exec_module(module)
    return module


MIB: Mib = _module().MIB

#: (OID, value read by the walk, published text)
SAMPLES: list[tuple[str, int | str | bytes, str]] = [
{samples}
]


def test_identity() -> None:
    assert MIB.name == "{name}"
    assert MIB.matches_sysoid("{sysoid}")
    assert all(row.oid.startswith("{base}.") for row in MIB.variables if row.oid)


def test_rows_render_the_walked_values() -> None:
    rows = {{row.oid: row for row in MIB.variables}}
    for oid, value, text in SAMPLES:
        row = rows.get(oid)
        if row is None:  # a row removed while reviewing the table
            continue
        assert render(row, value) == text, row.name
'''
