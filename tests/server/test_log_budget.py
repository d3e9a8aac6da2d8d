"""Per-client log budget: a flood of commands costs a bounded number of log lines."""

from __future__ import annotations

import pytest

from upskit import ratelimit as throttle
from upskit.ratelimit import LogBudget


def test_burst_then_counted_then_summarised(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [100.0]
    monkeypatch.setattr(throttle.time, "monotonic", lambda: now[0])
    budget = LogBudget(burst=3, interval=10.0)
    results = [budget.allow() for _ in range(10)]
    assert results[:3] == [(True, 0)] * 3
    assert results[3:] == [(False, 0)] * 7
    now[0] += 10.0
    assert budget.allow() == (True, 7)  # the summary of the quiet interval comes first
    assert budget.flush() == 0
    budget.allow()
    budget.allow()
    assert budget.allow() == (False, 0)
    assert budget.flush() == 1


def test_idle_clients_are_dropped_after_a_minute_by_default() -> None:
    """upsd drops a client that completes no request line for about 60 s (measured on
    Debian's 2.8.0); upskit's default IDLETIMEOUT does the same."""
    from upskit.config.settings import UpsdSettings

    assert UpsdSettings().idle_timeout == 60.0
