"""The SQLite file holding samples and events (one connection, one thread)."""

from __future__ import annotations

import math
import os
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

#: Sample column -> the NUT variable it records.
SAMPLE_VARIABLES: dict[str, str] = {
    "charge": "battery.charge",
    "runtime": "battery.runtime",
    "load": "ups.load",
    "input_voltage": "input.voltage",
    "output_voltage": "output.voltage",
    "battery_voltage": "battery.voltage",
}
_COLUMNS = tuple(SAMPLE_VARIABLES)
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS samples (
    ups TEXT NOT NULL, t REAL NOT NULL, status TEXT NOT NULL DEFAULT '',
    {", ".join(f"{c} REAL" for c in _COLUMNS)});
CREATE INDEX IF NOT EXISTS samples_ups_t ON samples (ups, t);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, t REAL NOT NULL, ups TEXT NOT NULL,
    kind TEXT NOT NULL, text TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS events_t ON events (t);
CREATE INDEX IF NOT EXISTS events_ups_t ON events (ups, t);
"""
#: Most rows one query returns: a chart or a listing never holds the whole year.
MAX_ROWS = 5000


class HistoryError(Exception):
    """The history database cannot be opened or used (names the file)."""


@dataclass(frozen=True, slots=True)
class Sample:
    """One UPS's main variables at time ``t`` (seconds since the epoch); ``None`` where
    the UPS does not publish the variable.  Downsampled rows hold averages."""

    ups: str
    t: float
    status: str
    values: Mapping[str, float | None]

    def as_dict(self) -> dict[str, object]:
        return {"ups": self.ups, "t": self.t, "status": self.status, **self.values}


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One entry of the event log: a status change, lost or regained communication,
    FSD, a command run over HTTP, a notification ..."""

    id: int
    t: float
    ups: str
    kind: str
    text: str

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "t": self.t, "ups": self.ups, "kind": self.kind,
                "text": self.text}


def numeric(value: str | None) -> float | None:
    """A variable's value as a number, ``None`` when absent or not a finite number."""
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


class HistoryStore:
    """Samples and events in one SQLite file (``:memory:`` for a throw-away store).

    Writes are buffered by the caller's choice: :meth:`commit` makes them durable.
    Every query returns at most :data:`MAX_ROWS` rows (charts ask for buckets).
    """

    def __init__(self, path: str, *, readonly: bool = False) -> None:
        self.path = path
        try:
            if readonly:
                if not os.path.exists(path):
                    raise HistoryError(f"{path}: no history recorded here (file not found)")
                self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            else:
                if path != ":memory:":
                    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
                self._db = sqlite3.connect(path)
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.executescript(_SCHEMA)
            # a bounded page cache whatever the file's size (KiB when negative)
            self._db.execute("PRAGMA cache_size=-2000")
        except (sqlite3.Error, OSError) as exc:
            raise HistoryError(f"{path}: cannot open the history database: {exc}") from exc

    def close(self) -> None:
        self._db.close()

    def commit(self) -> None:
        self._db.commit()

    # ------------------------------------------------------------------ writing
    def add_sample(self, ups: str, t: float, status: str,
                   values: Mapping[str, float | None]) -> None:
        self.add_samples([(ups, t, status, values)])

    def add_samples(self, rows: Iterable[tuple[str, float, str, Mapping[str, float | None]]]
                    ) -> None:
        marks = ", ".join("?" * (3 + len(_COLUMNS)))
        self._db.executemany(
            f"INSERT INTO samples (ups, t, status, {', '.join(_COLUMNS)}) VALUES ({marks})",
            ((ups, t, status, *(values.get(c) for c in _COLUMNS))
             for ups, t, status, values in rows))

    def add_event(self, t: float, ups: str, kind: str, text: str = "") -> EventRecord:
        cursor = self._db.execute("INSERT INTO events (t, ups, kind, text) VALUES (?, ?, ?, ?)",
                                  (t, ups, kind, text))
        return EventRecord(int(cursor.lastrowid or 0), t, ups, kind, text)

    def purge(self, before: float) -> int:
        """Delete samples and events older than ``before``; how many rows went."""
        gone = self._db.execute("DELETE FROM samples WHERE t < ?", (before,)).rowcount
        gone += self._db.execute("DELETE FROM events WHERE t < ?", (before,)).rowcount
        self._db.commit()
        return gone

    # ------------------------------------------------------------------ reading
    def samples(self, ups: str, since: float, until: float | None = None,
                step: float = 0.0) -> list[Sample]:
        """Samples of ``ups`` in ``[since, until]``, oldest first; with ``step`` > 0,
        one averaged row per ``step`` seconds (the last status of the bucket)."""
        until = math.inf if until is None else until
        if step > 0:
            averages = ", ".join(f"avg({c})" for c in _COLUMNS)
            # SQLite takes a bare column from the row that max() picks: the last status
            query = (f"SELECT CAST(t / ? AS INTEGER) AS b, max(t), status, {averages} "
                     "FROM samples WHERE ups = ? AND t >= ? AND t <= ? GROUP BY b ORDER BY b "
                     "LIMIT ?")
            params: tuple[object, ...] = (step, ups, since, until, MAX_ROWS)
            rows = [(r[1], r[2], r[3:]) for r in self._db.execute(query, params)]
        else:
            query = (f"SELECT t, status, {', '.join(_COLUMNS)} FROM samples WHERE ups = ? "
                     "AND t >= ? AND t <= ? ORDER BY t LIMIT ?")
            rows = [(r[0], r[1], r[2:]) for r in self._db.execute(
                query, (ups, since, until, MAX_ROWS))]
        return [Sample(ups, t, status, dict(zip(_COLUMNS, values, strict=True)))
                for t, status, values in rows]

    def events(self, ups: str | None = None, since: float = 0.0,
               limit: int = MAX_ROWS) -> list[EventRecord]:
        """Events since ``since`` (of ``ups`` only when given), the newest ``limit``
        ones, oldest first."""
        limit = max(0, min(limit, MAX_ROWS))
        where, params = "t >= ?", list[object]([since])
        if ups is not None:
            where += " AND ups = ?"
            params.append(ups)
        rows = self._db.execute(f"SELECT id, t, ups, kind, text FROM events WHERE {where} "
                                "ORDER BY t DESC, id DESC LIMIT ?", (*params, limit))
        return [EventRecord(*row) for row in reversed(rows.fetchall())]

    def counts(self) -> tuple[int, int]:
        """How many samples and events the file holds."""
        samples = self._db.execute("SELECT count(*) FROM samples").fetchone()[0]
        events = self._db.execute("SELECT count(*) FROM events").fetchone()[0]
        return int(samples), int(events)
