"""``upskit history`` and ``upskit events`` read the database the service records."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

from tests.support import run_upskit
from upskit.exporters.history import HistoryStore


def _db(tmp_path: Path) -> Path:
    path = tmp_path / "history.sqlite"
    store = HistoryStore(str(path))
    now = time.time()
    store.add_samples(("rack", now - minutes * 60, "OL" if minutes > 30 else "OB DISCHRG",
                       {"charge": 100.0 - (60 - minutes), "load": 30.0})
                      for minutes in range(180, -1, -10))
    store.add_event(now - 3 * 86400, "rack", "status", "OB")
    store.add_event(now - 1800, "rack", "status", "OB DISCHRG")
    store.add_event(now - 60, "other", "stale", "data stale")
    store.commit()
    store.close()
    return path


def test_history_as_json_csv_and_a_table(tmp_path: Path) -> None:
    db = str(_db(tmp_path))
    result = run_upskit("history", "rack", "--since", "2h", "--json", "--db", db)
    assert result.returncode == 0, result.stderr
    samples = json.loads(result.stdout)["samples"]
    assert len(samples) == 12 and samples[-1]["status"] == "OB DISCHRG"
    assert samples[-1]["charge"] == 40.0 and samples[-1]["runtime"] is None
    result = run_upskit("history", "rack", "--since", "1h", "--csv", "--db", db)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["charge"] for r in rows[-2:]] == ["50.0", "40.0"]
    assert rows[-1]["status"] == "OB DISCHRG" and 5 <= len(rows) <= 7
    assert list(rows[0]) == ["t", "status", "charge", "runtime", "load", "input_voltage",
                             "output_voltage", "battery_voltage"]
    assert rows[0]["runtime"] == ""
    result = run_upskit("history", "rack", "--since", "3h", "--step", "1h", "--db", db)
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["t", "status", "charge"]
    assert 3 <= len(lines) - 1 <= 4


def test_events(tmp_path: Path) -> None:
    db = str(_db(tmp_path))
    result = run_upskit("events", "--json", "--db", db)
    events = json.loads(result.stdout)["events"]
    assert [(e["ups"], e["text"]) for e in events] == [("rack", "OB DISCHRG"),
                                                       ("other", "data stale")]
    result = run_upskit("events", "rack", "--since", "7d", "--db", db)
    assert result.returncode == 0
    assert [line.split()[-1] for line in result.stdout.splitlines()[1:]] == ["OB", "DISCHRG"]


def test_clear_errors(tmp_path: Path) -> None:
    result = run_upskit("events", "--db", str(tmp_path / "missing.sqlite"))
    assert result.returncode == 1
    assert "no history recorded here" in result.stderr and "Traceback" not in result.stderr
    result = run_upskit("history", "rack", "--since", "soon", "--db", str(_db(tmp_path)))
    assert result.returncode == 2 and "needs a duration" in result.stderr
    result = run_upskit("run", "--http", "127.0.0.1:99999")
    assert result.returncode == 2 and "--http" in result.stderr
