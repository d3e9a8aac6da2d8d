"""upskit snmp generate's logic: walks and recordings parsed, the vendor subtree found,
objects mapped by their MIB names; the generated module imports, its rows are read from
the same agent by the driver, and its generated test passes."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from tests.drivers.snmp.pdu_support import started
from tests.transport.snmp.agents import Snmpsim, snmprec, snmpsim
from upskit.drivers.snmp import mibs
from upskit.drivers.snmp.generate import (
    Entry,
    WalkError,
    enterprise_of,
    generate,
    parse,
    parse_walk,
)

VENDOR = "1.3.6.1.4.1.99997"
SYSOID = f"{VENDOR}.2.7"

#: (OID, snmprec tag, value, walk type, walk text, MIB name)
OBJECTS: list[tuple[str, str, str | int, str, str, str]] = [
    ("1.3.6.1.2.1.1.1.0", "4", "Acme card", "STRING", '"Acme card"', "SNMPv2-MIB::sysDescr.0"),
    ("1.3.6.1.2.1.1.2.0", "6", SYSOID, "OID", f".{SYSOID}", "SNMPv2-MIB::sysObjectID.0"),
    (f"{VENDOR}.1.1.1.0", "4", "Acme 3000", "STRING", '"Acme 3000"',
     "ACME-MIB::acmeIdentModel.0"),
    (f"{VENDOR}.1.1.2.0", "4", "AC123456", "STRING", '"AC123456"',
     "ACME-MIB::acmeIdentSerialNumber.0"),
    (f"{VENDOR}.1.1.3.0", "4", "1.2.3", "STRING", '"1.2.3"', "ACME-MIB::acmeFirmwareRev.0"),
    (f"{VENDOR}.1.2.1.0", "2", 93, "INTEGER", "93", "ACME-MIB::acmeBatteryCapacity.0"),
    (f"{VENDOR}.1.2.2.0", "67", 360000, "Timeticks", "(360000) 1:00:00.00",
     "ACME-MIB::acmeRunTimeRemaining.0"),
    (f"{VENDOR}.1.3.1.0", "66", 231, "Gauge32", "231", "ACME-MIB::acmeInputLineVoltage.0"),
    (f"{VENDOR}.1.4.1.0", "2", 2, "INTEGER", "onLine(2)", "ACME-MIB::acmeOutputStatus.0"),
    (f"{VENDOR}.1.4.2.0", "2", 37, "INTEGER", "37", "ACME-MIB::acmeOutputLoad.0"),
]


def numeric_walk() -> str:
    return "".join(f".{oid} = {kind}: {text}\n" for oid, _, _, kind, text, _ in OBJECTS)


def named_walk() -> str:
    return "".join(f"{name} = {kind}: {text}\n" for _, _, _, kind, text, name in OBJECTS)


def recording() -> str:
    return snmprec((oid, tag, value) for oid, tag, value, *_ in OBJECTS)


def test_walk_and_recording_read_the_same_values() -> None:
    walked = {e.oid: e.value for e in parse(numeric_walk())}
    recorded = {e.oid: e.value for e in parse(recording())}
    assert walked == recorded
    assert walked[f"{VENDOR}.1.2.2.0"] == 360000
    assert walked[f"{VENDOR}.1.4.1.0"] == 2
    assert walked["1.3.6.1.2.1.1.2.0"] == SYSOID


def test_value_forms() -> None:
    walk = ('.1.3.6.1.4.1.9.1.0 = Hex-STRING: 41 42 43\n'
            '.1.3.6.1.4.1.9.2.0 = Hex-STRING: 00 C0 B7 01\n'
            '.1.3.6.1.4.1.9.3.0 = STRING: "two\nlines"\n'
            '.1.3.6.1.4.1.9.4.0 = Counter64: 12345678901\n'
            '.1.3.6.1.4.1.9.5.0 = No Such Object available on this agent at this OID\n'
            '.1.3.6.1.4.1.9.6.0 = ""\n')
    values = {e.oid: e.value for e in parse_walk(walk)}
    assert values == {"1.3.6.1.4.1.9.1.0": "ABC", "1.3.6.1.4.1.9.2.0": b"\x00\xc0\xb7\x01",
                      "1.3.6.1.4.1.9.3.0": "two\nlines", "1.3.6.1.4.1.9.4.0": 12345678901,
                      "1.3.6.1.4.1.9.6.0": ""}
    hexed = {e.oid: e.value for e in parse("1.3.6.1.4.1.9.1.0|4x|414243\n"
                                           "1.3.6.1.4.1.9.2.0|2|-5\n")}
    assert hexed == {"1.3.6.1.4.1.9.1.0": "ABC", "1.3.6.1.4.1.9.2.0": -5}


@pytest.mark.parametrize(("text", "message"), [
    ("", "empty"),
    ("hello world\n", "not an snmpwalk line"),
    ("1.3.6.1|99|x\n", "unknown snmprec tag"),
    (".1.3.6.1.4.1.9.1.0 = INTEGER: many\n", "no number"),
    (".1.3.6.1.4.1.9.1.0 = INTEGER: 5\n", "no sysObjectID"),
    (".1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.2.1.33\n", "not under enterprises"),
    (".1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.5.1\n", "no object under the enterprise"),
    ("ACME-MIB::acmeIdentModel.0 = STRING: x\n", "walk with -On"),
])
def test_bad_input_is_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(WalkError, match=message):
        generate(text, "x")


def test_names_must_pair_with_the_numeric_walk() -> None:
    with pytest.raises(WalkError, match="named walk has 1 objects"):
        generate(numeric_walk(), "acme", names_text=named_walk().splitlines()[0])


def test_enterprise() -> None:
    assert enterprise_of("1.3.6.1.4.1.318.1.3.27") == "1.3.6.1.4.1.318"
    assert Entry("1.2", "INTEGER", 1).name == ""


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_without_names_every_object_is_a_commented_row(tmp_path: Path) -> None:
    result = generate(numeric_walk(), "bare")
    assert result.mapped == {}
    assert result.module.count("    # Var('unmapped.") == 8
    (tmp_path / "bare.py").write_text(result.module)
    mib = _load(tmp_path / "bare.py", "bare").MIB
    assert mib.variables == () and mib.sysoids == (SYSOID,)


@pytest.fixture(scope="module")
def agent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Snmpsim]:
    with snmpsim(tmp_path_factory.mktemp("generated"),
                 {"acme": [(oid, tag, value) for oid, tag, value, *_ in OBJECTS]}) as sim:
        yield sim


@pytest.mark.asyncio(loop_scope="module")
async def test_generated_module_works_on_the_agent(agent: Snmpsim, tmp_path: Path) -> None:
    result = generate(numeric_walk(), "acme_ups", names_text=named_walk(), source="acme.walk")
    assert result.mapped == {
        "ups.model": f"{VENDOR}.1.1.1.0", "ups.serial": f"{VENDOR}.1.1.2.0",
        "ups.firmware": f"{VENDOR}.1.1.3.0", "battery.charge": f"{VENDOR}.1.2.1.0",
        "battery.runtime": f"{VENDOR}.1.2.2.0", "input.voltage": f"{VENDOR}.1.3.1.0",
        "ups.load": f"{VENDOR}.1.4.2.0"}
    assert "# Var('unmapped.acmeoutputstatus'" in result.module
    assert "# acmeOutputStatus.0 = INTEGER: 2" in result.module
    (tmp_path / "acme_ups.py").write_text(result.module)
    (tmp_path / "test_acme_ups.py").write_text(result.test)
    mib = _load(tmp_path / "acme_ups.py", "acme_ups").MIB
    generated_test = _load(tmp_path / "test_acme_ups.py", "test_acme_ups")
    generated_test.test_identity()
    generated_test.test_rows_render_the_walked_values()
    assert len(generated_test.SAMPLES) == 7

    mibs.register(mib)
    try:
        drv = await started(agent.port, "acme")  # mibs=auto: found by sysObjectID
        assert drv.mib is mib
        values = drv.device.snapshot()
        expected = {"ups.model": "Acme 3000", "device.model": "Acme 3000",
                    "ups.serial": "AC123456", "ups.firmware": "1.2.3", "battery.charge": "93",
                    "battery.runtime": "3600", "input.voltage": "231", "ups.load": "37",
                    "driver.version.data": "acme_ups MIB 0.1"}
        assert {k: values.get(k) for k in expected} == expected
    finally:
        mibs._loaded.pop("acme_ups", None)


def test_installed_tables_load_through_their_entry_point(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = generate(numeric_walk(), "plugged", names_text=named_walk())
    package = tmp_path / "acme_tables"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "plugged.py").write_text(result.module)
    (package / "broken.py").write_text("raise RuntimeError('no')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(mibs, "_installed", {"plugged": "acme_tables.plugged",
                                             "other": "acme_tables.plugged:MIB",
                                             "broken": "acme_tables.broken"})
    try:
        assert mibs.known("plugged") and "plugged" in mibs.names()
        assert mibs.detection_order()[-1] == "ietf"
        assert "plugged" in mibs.detection_order()
        assert mibs.load("plugged").sysoids == (SYSOID,)
        assert mibs.load("other").name == "plugged"
        with pytest.raises(mibs.UnknownMib, match="cannot be loaded"):
            mibs.load("broken")
        from upskit.drivers.snmp.options import SnmpOptions
        assert SnmpOptions({"port": "h", "mibs": "plugged"}).mibs == "plugged"
    finally:
        for name in ("plugged", "other"):
            mibs._loaded.pop(name, None)
