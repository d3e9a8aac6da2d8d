"""Simulators keep a bounded history of what they received."""

from __future__ import annotations

import os
import time

import pytest

from upskit.sim.device import SimDevice
from upskit.sim.history import HISTORY_SIZE, History
from upskit.sim.pty import MAX_COMMAND, PtyServer


def test_a_device_polled_for_long_keeps_a_bounded_history() -> None:
    device = SimDevice("megatec")
    for _ in range(3 * HISTORY_SIZE):
        device.respond(b"Q1\r")
    device.respond(b"T\r")
    assert len(list(device.received)) == HISTORY_SIZE  # what is held in memory
    assert len(device.received) == 3 * HISTORY_SIZE + 1  # positions still count all
    assert device.received[-1] == b"T\r"
    assert device.received[len(device.received) - 1:] == [b"T\r"]
    assert device.received.count(b"Q1\r") == HISTORY_SIZE - 1


def test_marks_taken_with_len_select_what_came_after() -> None:
    history: History[int] = History(limit=5)
    for item in range(3):
        history.append(item)
    mark = len(history)
    for item in range(3, 12):
        history.append(item)
    assert history[mark:] == [7, 8, 9, 10, 11]  # 3..6 forgotten, the rest kept
    assert history[mark:mark + 6] == [7, 8]
    assert history[10] == 10 and history[-2] == 10
    assert history.forgotten == 7 and list(history) == [7, 8, 9, 10, 11]
    with pytest.raises(IndexError):
        history[2]
    assert 11 in history and 2 not in history
    assert history == [7, 8, 9, 10, 11]
    history.clear()
    assert len(history) == 0 and history == []


def test_a_pty_peer_that_never_ends_a_command_is_bounded() -> None:
    server = PtyServer(SimDevice("megatec"), baud=None)
    try:
        server.start()
        for _ in range(20):
            os.write(server.slave, b"x" * 1024)
        os.write(server.slave, b"\rQ1\r")
        deadline = time.monotonic() + 20
        while len(server.received) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert list(server.received)[-1] == b"Q1\r"
        assert len(server.received[0]) <= MAX_COMMAND + 1
    finally:
        server.stop()
