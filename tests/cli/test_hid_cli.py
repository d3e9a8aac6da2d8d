"""``upskit hid``: explore and descriptor on a simulated Back-UPS, then generate from
the explore output, as a user runs them."""

from __future__ import annotations

from pathlib import Path

from tests.support import run_upskit


def test_explore_then_generate_then_descriptor(tmp_path: Path) -> None:
    explored = run_upskit("hid", "explore", "sim://usb/apc-back-ups", timeout=120)
    assert explored.returncode == 0, explored.stderr
    lines = explored.stdout.splitlines()
    assert lines[:2] == ["- VendorID: 051d", "- ProductID: 0002"]
    assert ("Path: UPS.PowerSummary.RemainingCapacity, Type: Feature, ReportID: 0x0c, "
            "Offset: 0, Size: 8, Value: 100") in lines
    assert sum(line.startswith("Path: ") for line in lines) > 40

    made = run_upskit("hid", "generate", "-d", str(tmp_path / "out"), "--name", "mybackups",
                      input=explored.stdout, timeout=120)
    assert made.returncode == 0, made.stderr
    module = (tmp_path / "out" / "mybackups.py").read_text()
    assert "supported=((0x051d, 0x0002),)" in module
    assert "HidVar('battery.charge', 'UPS.PowerSummary.RemainingCapacity', Poll.QUICK)" in module
    assert (tmp_path / "out" / "test_mybackups.py").is_file()
    again = run_upskit("hid", "generate", "-d", str(tmp_path / "out"), "--name", "mybackups",
                       input=explored.stdout, timeout=120)
    assert again.returncode == 2 and "--force" in again.stderr

    dumped = run_upskit("hid", "descriptor", "sim://usb/apc-back-ups", timeout=120)
    assert dumped.returncode == 0, dumped.stderr
    out = dumped.stdout.splitlines()
    assert out[0].startswith("Report Descriptor: (") and out[0].endswith(" bytes)")
    assert out[1] == "0x0000: 05 84           Usage Page (Power Device)"
    assert any(line.endswith("  Usage (RemainingCapacity)") for line in out)
