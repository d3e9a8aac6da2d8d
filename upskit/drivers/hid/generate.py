"""A subdriver module (and its test) written from explore lines, as NUT's
``gen-usbhid-subdriver.sh`` writes a C stub from a ``-x explore`` log.

The input is the output of ``upskit hid explore`` or a NUT ``usbhid-ups -DD -x explore``
debug log: ``Path:`` lines (any prefix before ``Path:``, such as NUT's timestamp and
``[D1]``, is ignored) and the ``- VendorID:``/``- ProductID:``/``- Manufacturer:``/
``- Product:`` lines that name the unit. A path becomes a row of the generic table's
NUT variable when its last two named components (``Input.Voltage``, index nodes and
vendor usages left out) are those of a generic row's path; status bits and commands
likewise; every other path is written as a commented candidate, with the value seen.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from upskit.drivers.hid.descriptor import ReportType
from upskit.drivers.hid.explore import ExploreLine
from upskit.drivers.hid.subdriver import HidCommand, HidVar, StatusRule
from upskit.drivers.hid.subdrivers import generic
from upskit.model.flags import VarFlag

_PATH_LINE = re.compile(
    r"Path: (?P<path>[^\s,]+), Type: (?P<type>Input|Output|Feature), "
    r"ReportID: 0x(?P<id>[0-9a-fA-F]{1,2}), Offset: (?P<offset>\d+), "
    r"Size: (?P<size>\d+), Value: (?P<value>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
    r"|[-+]?(?:inf|nan))\s*$")
_IDENTITY = re.compile(r"- (?P<key>VendorID|ProductID|Manufacturer|Product|Serial Number)"
                       r": (?P<value>.*?)\s*$")
_HEX_NODE = re.compile(r"^[0-9a-f]{8}$")
_INDEX_NODE = re.compile(r"^\[\d+\]$")
MAX_LINES = 200_000


class LogError(ValueError):
    """Input that holds no explore lines, or names the unit in a way that cannot be used."""


@dataclass
class ExploreLog:
    """What an explore log says: the unit's identity and its fields, in log order."""

    lines: list[ExploreLine] = field(default_factory=list)
    identity: dict[str, str] = field(default_factory=dict)

    @property
    def vendor_product(self) -> tuple[int, int] | None:
        """The unit's (VID, PID) when the log names both."""
        try:
            return (int(self.identity["VendorID"], 16), int(self.identity["ProductID"], 16))
        except (KeyError, ValueError):
            return None


def parse_log(text: str) -> ExploreLog:
    """The explore lines and identity in ``text``; LogError when it has no ``Path:`` line.

    A path seen more than once (NUT logs each read) keeps its first line per report type.
    """
    log = ExploreLog()
    seen: set[tuple[str, ReportType]] = set()
    for number, raw in enumerate(text.splitlines(), 1):
        if number > MAX_LINES:
            raise LogError(f"more than {MAX_LINES} lines")
        found = _PATH_LINE.search(raw)
        if found is None:
            ident = _IDENTITY.search(raw)
            if ident is not None and ident["key"] not in log.identity:
                log.identity[ident["key"]] = ident["value"]
            continue
        rtype = ReportType(found["type"])
        if (found["path"], rtype) in seen:
            continue
        seen.add((found["path"], rtype))
        log.lines.append(ExploreLine(found["path"], rtype, int(found["id"], 16),
                                     int(found["offset"]), int(found["size"]),
                                     float(found["value"])))
    if not log.lines:
        raise LogError("no explore lines (\"Path: ..., Type: ..., ReportID: ..., Offset: "
                       "..., Size: ..., Value: ...\") in the input")
    return log


def _key(path: str, depth: int) -> tuple[str, ...]:
    parts = path.split(".")
    if _HEX_NODE.match(parts[-1]):
        return ()  # a vendor usage is nobody's standard variable
    named = [p for p in parts if not _INDEX_NODE.match(p) and not _HEX_NODE.match(p)]
    return tuple(named[-depth:]) if len(named) >= depth else ()


@dataclass
class Mapping:
    """The generated tables: rows, commands and status rules with the paths of the unit,
    and the paths no generic row claims."""

    variables: list[HidVar] = field(default_factory=list)
    commands: list[HidCommand] = field(default_factory=list)
    status: list[StatusRule] = field(default_factory=list)
    candidates: list[ExploreLine] = field(default_factory=list)
    values: dict[str, float] = field(default_factory=dict)


def map_paths(lines: Iterable[ExploreLine]) -> Mapping:
    """Map the unit's paths onto the generic subdriver's rows (see the module docstring)."""
    lines = list(lines)
    result = Mapping()
    paths = list(dict.fromkeys(line.path for line in lines))
    features = {line.path for line in lines if line.report_type is ReportType.FEATURE}
    for line in lines:
        result.values.setdefault(line.path, line.value)
    used: set[str] = set()
    for row in generic.VARIABLES:
        key = _key(row.path, 2) if row.path else ()
        for path in paths:
            if key and _key(path, 2) == key and all(
                    (r.name, r.path) != (row.name, path) for r in result.variables):
                result.variables.append(_with_path(row, path))
                used.add(path)
    for cmd in generic.COMMANDS:
        for path in paths:
            if path in features and _key(path, 2) == _key(cmd.path, 2) and all(
                    c.name != cmd.name for c in result.commands):
                result.commands.append(HidCommand(cmd.name, path, cmd.value))
                used.add(path)
    for rule in generic.STATUS:
        for path in paths:
            if _key(path, 1) == _key(rule.path, 1) and _is_status(path) and all(
                    r.path != path for r in result.status):
                result.status.append(StatusRule(path, rule.bit, rule.when))
                used.add(path)
    seen: set[str] = set()
    for line in lines:
        if line.path not in used and line.path not in seen:
            seen.add(line.path)
            result.candidates.append(line)
    return result


def _is_status(path: str) -> bool:
    parts = path.split(".")
    return len(parts) >= 2 and parts[-2] in ("PresentStatus", "PowerSummary")


def _with_path(row: HidVar, path: str) -> HidVar:
    return HidVar(row.name, path, row.poll, row.fmt, row.lookup, row.convert, row.flags,
                  row.aux, row.default, row.setting)


# ------------------------------------------------------------------ source text
def _generic_name(obj: object) -> str:
    for name, value in vars(generic).items():
        if value is obj and not name.startswith("_"):
            return name
    raise ValueError(f"{obj!r} is not a name of the generic subdriver")


def _flags(flags: VarFlag) -> str:
    if not flags:
        return ""
    names = [f"VarFlag.{f.name}" for f in VarFlag if f.name and f & flags and f.value
             and f.value & (f.value - 1) == 0]
    return " | ".join(names)


def _row_source(row: HidVar, imports: set[str]) -> str:
    args = [repr(row.name), repr(row.path), f"Poll.{row.poll.name}"]
    if row.fmt != "%.0f":
        args.append(f"fmt={row.fmt!r}")
    if row.lookup is not None:
        imports.add(name := _generic_name(row.lookup))
        args.append(f"lookup={name}")
    if row.convert is not None:
        imports.add(name := _generic_name(row.convert))
        args.append(f"convert={name}")
    if row.flags:
        imports.add("VarFlag")
        args.append(f"flags={_flags(row.flags)}")
    if row.aux:
        args.append(f"aux={row.aux}")
    if row.default is not None:
        args.append(f"default={row.default!r}")
    if row.setting:
        args.append("setting=True")
    return f"    HidVar({', '.join(args)}),"


def module_name(text: str) -> str:
    """A Python module name made of ``text`` (``"American Power"`` -> ``american_power``)."""
    name = re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")[:40].strip("_")
    if not name or name[0].isdigit() or keyword.iskeyword(name):
        name = f"ups_{name}".rstrip("_")
    return name


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', "'")


def subdriver_source(log: ExploreLog, name: str, mapping: Mapping) -> str:
    """The text of a subdriver module for the unit of ``log``."""
    imports: set[str] = set()
    rows = [_row_source(r, imports) for r in mapping.variables]
    vidpid = log.vendor_product
    unit = " ".join(v for v in (log.identity.get("Manufacturer", ""),
                                log.identity.get("Product", "")) if v) or "a HID UPS"
    claim = f"0x{vidpid[0]:04x}, 0x{vidpid[1]:04x}" if vidpid else ""
    generic_imports = sorted(i for i in imports if i != "VarFlag")
    out = [
        f'"""HID subdriver {name!r} for {_quote(unit)}'
        + (f" ({vidpid[0]:04x}:{vidpid[1]:04x})" if vidpid else "") + ".",
        "",
        "Written by ``upskit hid generate`` from an explore log. Check every row against",
        "the unit (values, units, lookups), name the vendor usages in USAGES, and turn the",
        "commented candidates into rows with names from NUT's docs/nut-names.txt.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from upskit.drivers.hid.subdriver import HidCommand, HidVar, Poll, StatusRule, "
        "Subdriver",
    ]
    if generic_imports:
        out.append("from upskit.drivers.hid.subdrivers.generic import "
                   + ", ".join(generic_imports))
    if "VarFlag" in imports:
        out.append("from upskit.model.flags import VarFlag")
    out += ["", "#: Names of the vendor usages in the paths (usage -> name), to fill in.",
            "USAGES: dict[int, str] = {"]
    vendor = sorted({p for line in log.lines for p in line.path.split(".")
                     if _HEX_NODE.match(p)})
    out += [f"    # 0x{node}: \"{node}\"," for node in vendor]
    out += ["}", "", "VARIABLES: tuple[HidVar, ...] = (", *rows]
    if mapping.candidates:
        out.append("    # Paths no standard variable claims (the value seen; fill in a name):")
    for line in mapping.candidates:
        out.append(f"    # HidVar(\"experimental.?\", {line.path!r}),  # {line.value:g} "
                   f"({line.report_type.value} 0x{line.report_id:02x})")
    out += [")", "", "COMMANDS: tuple[HidCommand, ...] = ("]
    out += [f"    HidCommand({c.name!r}, {c.path!r}, {c.value!r})," for c in mapping.commands]
    out += [")", "", "STATUS: tuple[StatusRule, ...] = ("]
    out += [f"    StatusRule({r.path!r}, {r.bit!r}" + (f", when={r.when}" if r.when != 1
                                                       else "") + "),"
            for r in mapping.status]
    out += [")", "",
            f"SUBDRIVER = Subdriver(name={name!r}, version=\"0.1\", variables=VARIABLES,",
            "                      commands=COMMANDS, status=STATUS, usages=USAGES,",
            f"                      supported=(({claim}),)," if claim else
            "                      supported=(),",
            f"                      label={name + ' HID 0.1'!r})", ""]
    return "\n".join(out)


def check_source(log: ExploreLog, name: str, mapping: Mapping) -> str:
    """The text of a pytest module checking the subdriver ``name`` written next to it:
    it loads, claims the unit, its paths parse, and the values seen publish as today."""
    expected: dict[str, str] = {}
    for row in mapping.variables:
        value = mapping.values.get(row.path or "")
        if row.path is None or row.setting or value is None or row.name in expected:
            continue
        text = row.to_nut(value)
        if text is not None:
            expected[row.name] = text
    seen = {row.path: mapping.values[row.path] for row in mapping.variables
            if row.path in mapping.values}
    vidpid = log.vendor_product
    lines = [
        f'"""Checks of the generated HID subdriver {name!r} (written by upskit hid generate)."""',
        "",
        "from __future__ import annotations",
        "",
        "import importlib.util",
        "from pathlib import Path",
        "from types import ModuleType",
        "",
        "from upskit.drivers.hid.subdriver import Claim, Subdriver",
        "from upskit.drivers.hid.usages import GENERIC, parse_path",
        "",
        f"#: The values the explore log showed, by path.\nSEEN: dict[str, float] = {seen!r}",
        f"#: What the subdriver publishes for them.\nEXPECTED: dict[str, str] = {expected!r}",
        "",
        "",
        "def _module() -> ModuleType:",
        f"    path = Path(__file__).with_name({name + '.py'!r})",
        f"    spec = importlib.util.spec_from_file_location({name!r}, path)",
        "    assert spec is not None and spec.loader is not None",
        "    module = importlib.util.module_from_spec(spec)",
        "    spec.loader.exec_module(module)",
        "    return module",
        "",
        "",
        "def test_it_is_a_subdriver_claiming_the_unit() -> None:",
        "    sub = _module().SUBDRIVER",
        "    assert isinstance(sub, Subdriver)",
        f"    assert sub.name == {name!r}",
    ]
    if vidpid:
        lines.append(f"    assert sub.claim(0x{vidpid[0]:04x}, 0x{vidpid[1]:04x}) is "
                     "Claim.SUPPORTED")
    lines += [
        "",
        "",
        "def test_every_path_parses() -> None:",
        "    sub = _module().SUBDRIVER",
        "    paths = [r.path for r in sub.variables if r.path] + [c.path for c in sub.commands]",
        "    for path in paths + [r.path for r in sub.status]:",
        "        assert parse_path(path, (sub.usages, GENERIC))",
        "",
        "",
        "def test_the_values_seen_publish_as_when_generated() -> None:",
        "    sub = _module().SUBDRIVER",
        "    published: dict[str, str] = {}",
        "    for row in sub.variables:",
        "        if row.path in SEEN and not row.setting and row.name not in published:",
        "            text = row.to_nut(SEEN[row.path])",
        "            if text is not None:",
        "                published[row.name] = text",
        "    assert published == EXPECTED",
        "",
    ]
    return "\n".join(lines)


@dataclass(frozen=True)
class Generated:
    """A generated subdriver: its module name and the two files' text."""

    name: str
    module: str
    test: str


def generate(text: str, name: str | None = None, vendor: int | None = None,
             product: int | None = None) -> Generated:
    """The subdriver and test for the explore log ``text``; LogError on unusable input.

    ``name`` defaults to the manufacturer's name; ``vendor``/``product`` replace or
    supply the log's VendorID/ProductID.
    """
    log = parse_log(text)
    if vendor is not None:
        log.identity["VendorID"] = f"{vendor:04x}"
    if product is not None:
        log.identity["ProductID"] = f"{product:04x}"
    if log.vendor_product is None:
        raise LogError("the input names no VendorID and ProductID (\"- VendorID: 051d\" "
                       "lines); give them with --vendorid and --productid")
    base = name or log.identity.get("Manufacturer", "").split(" ")[0] or "custom"
    mod = module_name(base)
    mapping = map_paths(log.lines)
    return Generated(mod, subdriver_source(log, mod, mapping), check_source(log, mod, mapping))
