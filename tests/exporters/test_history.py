"""The history store: what the recorder keeps, across restarts, within the retention,
and in bounded memory with a year of samples."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from tests.support import eventually, live_device
from upskit.config.settings import Settings
from upskit.exporters.history import HistoryRecorder, HistoryStore
from upskit.model import DeviceRegistry

DAY = 86400.0


def _settings(db: Path, retention: float = 30 * DAY) -> Settings:
    settings = Settings()
    settings.web.history.path = str(db)
    settings.web.history.interval = 0.2
    settings.web.history.retention = retention
    return settings


async def test_status_changes_and_samples_are_recorded_and_survive_a_restart(
        tmp_path: Path) -> None:
    db = tmp_path / "state" / "history.sqlite"  # the directory is made when missing
    registry = DeviceRegistry()
    device = live_device("ups")
    device.set("battery.charge", "100")
    device.set("ups.load", "not a number")
    registry.add(device)
    recorder = HistoryRecorder(registry, _settings(db))
    seen: list[str] = []
    recorder.subscribe(lambda e: seen.append(f"{e.kind} {e.text}"))
    await recorder.start()
    device.set("battery.charge", "95")
    device.set_status(["OB", "DISCHRG"])
    device.data_stale()
    device.data_ok()
    device.set_fsd()
    assert recorder.record("ups", "notification", "UPS ups on battery")
    await eventually(lambda: recorder.store is not None and recorder.store.counts()[0] >= 3,
                     10, "samples")
    await recorder.stop()
    assert seen == ["status OB DISCHRG", "stale data stale: no fresh data from the driver",
                    "ok communication with the UPS established",
                    "fsd forced shutdown (FSD) set", "notification UPS ups on battery"]

    # a new process: the same file, everything still there, and more is added
    registry2 = DeviceRegistry()
    device2 = live_device("ups", "OL")
    registry2.add(device2)
    recorder2 = HistoryRecorder(registry2, _settings(db))
    await recorder2.start()
    device2.set_status(["OL", "CHRG"])
    await recorder2.stop()
    store = HistoryStore(str(db), readonly=True)
    try:
        kinds = [(e.kind, e.text) for e in store.events("ups")]
        samples = store.samples("ups", 0)
    finally:
        store.close()
    assert kinds[0] == ("status", "OB DISCHRG") and kinds[-1] == ("status", "OL CHRG")
    assert len(kinds) == 6
    assert samples[0].values["charge"] == 95 and samples[0].status == "OB DISCHRG"
    assert samples[0].values["load"] is None  # not a number: no value, no crash
    assert samples[-1].status == "OL CHRG"


async def test_retention_deletes_what_is_older(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite"
    now = time.time()
    store = HistoryStore(str(db))
    store.add_samples(("ups", now - age * DAY, "OL", {"charge": 100.0}) for age in (10, 3, 0.5))
    for age in (10, 3, 0.5):
        store.add_event(now - age * DAY, "ups", "status", f"{age} days ago")
    store.commit()
    store.close()
    recorder = HistoryRecorder(DeviceRegistry(), _settings(db, retention=2 * DAY))
    await recorder.start()
    try:
        await eventually(lambda: recorder.store is not None
                         and recorder.store.counts() == (1, 1), 10, "the purge")
    finally:
        await recorder.stop()
    store = HistoryStore(str(db), readonly=True)
    assert [e.text for e in store.events()] == ["0.5 days ago"]
    store.close()


def test_a_database_that_cannot_be_made_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    import asyncio

    blocker = tmp_path / "file"
    blocker.write_text("")
    recorder = HistoryRecorder(DeviceRegistry(), _settings(blocker / "sub" / "h.sqlite"))

    async def go() -> None:
        await recorder.start()
        await recorder.stop()

    asyncio.run(go())
    assert recorder.problems() and "cannot open the history database" in recorder.problems()[0]


def test_queries_are_bounded_and_downsampled(tmp_path: Path) -> None:
    store = HistoryStore(":memory:")
    store.add_samples(("ups", float(t), "OL" if t < 500 else "OB", {"charge": float(t % 100)})
                      for t in range(0, 1000))
    chart = store.samples("ups", 0, 999, step=100)
    assert len(chart) == 10
    assert chart[0].values["charge"] == sum(range(100)) / 100
    assert [s.status for s in chart[4:6]] == ["OL", "OB"]
    assert len(store.samples("ups", 0)) == 1000
    assert store.samples("other", 0) == []


_YEAR_SCRIPT = r"""
import json, os, resource, sys, time
from upskit.exporters.history import HistoryStore

def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])

path = sys.argv[1]
store = HistoryStore(path)
start = time.time() - 365 * 86400
before = rss()
values = {"charge": 100.0, "runtime": 1800.0, "load": 30.0, "input_voltage": 230.0,
          "output_voltage": 230.0, "battery_voltage": 27.0}
began = time.perf_counter()
for day in range(365):
    store.add_samples(("ups", start + day * 86400 + i * 60, "OL", values) for i in range(1440))
    store.add_event(start + day * 86400, "ups", "status", "OB")
    store.commit()
write_s = time.perf_counter() - began
written = rss()
began = time.perf_counter()
chart = store.samples("ups", start, start + 365 * 86400, step=365 * 86400 / 300)
week = store.samples("ups", start + 358 * 86400, start + 365 * 86400, step=7 * 86400 / 300)
events = store.events("ups", start)
query_s = time.perf_counter() - began
print(json.dumps({"rows": store.counts()[0], "rss_before_kb": before, "rss_written_kb": written,
                  "rss_after_kb": rss(), "max_rss_kb": resource.getrusage(
                      resource.RUSAGE_SELF).ru_maxrss, "file_kb": os.path.getsize(path) // 1024,
                  "chart_points": len(chart), "week_points": len(week), "events": len(events),
                  "write_s": round(write_s, 2), "query_s": round(query_s, 2)}))
"""


def test_a_year_of_samples_keeps_memory_bounded(tmp_path: Path) -> None:
    """A year of one-minute samples (525,600 rows): the process grows by the SQLite page
    cache at most, whatever the file's size; a year's chart is 300 points."""
    result = subprocess.run([sys.executable, "-c", _YEAR_SCRIPT, str(tmp_path / "year.sqlite")],
                            capture_output=True, text=True, timeout=300, check=True)
    figures = json.loads(result.stdout)
    print("history, a year of 1-minute samples:", figures)
    assert figures["rows"] == 365 * 1440
    assert figures["file_kb"] > 20_000  # the data is on disk ...
    growth = figures["rss_after_kb"] - figures["rss_before_kb"]
    assert growth < 16_000, figures  # ... not in memory (page cache: 2 MB)
    assert figures["chart_points"] <= 301 and figures["week_points"] <= 301
    assert figures["events"] == 365
