"""scripts/snmp-compare (bench/snmp_compare.py): Debian's snmp-ups and upskit side by
side on recordings written here from the MIBs' facts (skipped without Debian's NUT)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import snmp_compare
from tests.drivers.snmp.test_mibs_ups import apc, xups
from tests.transport.snmp.agents import SNMPSIM, snmprec


def test_the_comparison_of_two_dumps() -> None:
    nut = snmp_compare._dump_lines(
        "Network UPS Tools - Generic SNMP UPS driver 1.21 (2.8.0)\n"
        "battery.charge: 100\nups.status: OL\ndriver.version.data: apcc MIB 1.6\n"
        "ups.load: 20.20\ndevice.description: card \n")
    ours = {"battery.charge": "100", "ups.status": "OL RB", "ups.temperature": "31",
            "driver.version.data": "apcc MIB 1.6", "driver.name": "snmp-ups"}
    result = snmp_compare.compare("ups1", nut, ours)
    assert (result.nut_mib, result.upskit_mib) == ("apcc MIB 1.6", "apcc MIB 1.6")
    assert result.equal == ["battery.charge"]
    assert result.different == [("ups.status", "OL", "OL RB")]
    assert result.only_nut == [("device.description", "card "), ("ups.load", "20.20")]
    assert result.only_upskit == [("ups.temperature", "31")]
    assert "~ ups.status: NUT 'OL' upskit 'OL RB'" in snmp_compare.report(result, False)


def test_both_drivers_on_written_recordings(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    if not snmp_compare.NUT_DRIVER.exists():
        pytest.skip("Debian's snmp-ups (nut-snmp) is not installed")
    if not SNMPSIM.exists():
        pytest.skip("snmpsim is not installed")
    for name, records in (("smart-ups", apc()), ("pw9130", xups())):
        (tmp_path / name).mkdir()
        (tmp_path / name / "agent.snmprec").write_text(snmprec(records))
    assert snmp_compare.main([str(tmp_path), "--json"]) == 0
    results = {r["device"]: r for r in json.loads(capsys.readouterr().out)}
    apc_result, pw_result = results["smart-ups"], results["pw9130"]
    assert apc_result["nut_mib"] == apc_result["upskit_mib"] == "apcc MIB 1.6"
    assert pw_result["nut_mib"] == pw_result["upskit_mib"] == "pw MIB 0.104"
    for result in (apc_result, pw_result):
        assert not result["errors"]
        assert {"ups.model", "ups.status", "battery.charge"} <= set(result["equal"])
    assert snmp_compare.main([str(tmp_path / "nowhere")]) == 2  # no recordings there
