"""The HID benchmark's measuring functions run on the simulated units (cheap sizes)."""

from __future__ import annotations

from pathlib import Path

from bench.hid_bench import _cpu, _latency, _ups_conf
from upskit.config.nutfiles import load_nut_dir


async def test_cpu_measures_both_polls_and_the_simulator_apart() -> None:
    result = await _cpu("cyberpower", 10)
    assert 0 < result["quick_reports"] < result["full_reports"]
    assert 0 < result["quick_sim"] < result["quick"]
    assert 0 < result["full_sim"] < result["full"]


async def test_latency_sees_every_mains_change_through_the_server() -> None:
    samples = await _latency(2, "")
    assert len(samples) == 2
    assert all(0 < s < 30 for s in samples)


def test_memory_config_names_every_simulated_unit(tmp_path: Path) -> None:
    (tmp_path / "ups.conf").write_text(_ups_conf(4, ["  pollonly"]))
    config = load_nut_dir(tmp_path)
    assert list(config.ups.ups) == ["ups0", "ups1", "ups2", "ups3"]
