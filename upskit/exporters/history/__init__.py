"""History: samples of each UPS's main variables and its event log, in SQLite.

:class:`HistoryStore` is the database (used by the recorder and by ``upskit history``
and ``upskit events``); :class:`HistoryRecorder` is the runtime service that fills it
from the device model's events and hands each new event to its subscribers.
"""

from upskit.exporters.history.recorder import HistoryRecorder
from upskit.exporters.history.store import (
    SAMPLE_VARIABLES,
    EventRecord,
    HistoryError,
    HistoryStore,
    Sample,
)

__all__ = ["SAMPLE_VARIABLES", "EventRecord", "HistoryError", "HistoryRecorder",
           "HistoryStore", "Sample"]
