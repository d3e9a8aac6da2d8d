"""Side by side with Debian's nutdrv_qx for voltronic, voltronic-qs, bestups and mecer.

Same simulated unit behind two ptys (see test_qx_vs_nut.py); published variables,
command lists, status transitions and command bytes must agree, except for the
differences listed per dialect below and explained in docs/qx-dialects.md.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.interop.test_qx_vs_nut import (
    INTENDED,
    NUTDRV,
    UPSD,
    _ours,
    cycle_power_and_commands,
    side_by_side,
)

pytestmark = [
    pytest.mark.nut,
    pytest.mark.slow,
    pytest.mark.skipif(not NUTDRV.exists() or UPSD is None, reason="Debian NUT not installed"),
]

#: Per dialect: variables published by one side only, or differing on purpose.
DIFFERENT: dict[str, set[str]] = {
    "voltronic": set(),
    "voltronic-qs": set(),
    "bestups": set(),
    "mecer": set(),
}
#: Status and information queries (everything that is not an instant command).
POLLS = {b"F\r", b"I\r", b"M\r", b"ID\r", b"RT\r", b"BP?\r", b"SS?\r", b"RE0\r"}


def is_poll(frame: bytes) -> bool:
    return frame in POLLS or (frame.startswith(b"Q") and frame != b"Q\r")


COMMANDS = {
    # one toggle only: NUT refreshes the beeper state on its next full update
    "voltronic": [("beeper.toggle", None), ("test.battery.start.quick", None), ("test.battery.stop", None),
                  ("test.battery.start", "30"), ("test.battery.stop", None),
                  ("shutdown.return", None), ("shutdown.stop", None),
                  ("shutdown.stayoff", None), ("shutdown.stop", None),
                  ("outlet.2.load.on", None), ("outlet.2.load.off", None)],
    "voltronic-qs": [("beeper.toggle", None), ("test.battery.start.quick", None),
                     ("shutdown.return", None), ("shutdown.stop", None),
                     ("shutdown.stayoff", None), ("shutdown.stop", None)],
    "bestups": [("test.battery.start.quick", None), ("test.battery.stop", None),
                ("test.battery.start", "240"), ("test.battery.stop", None),
                ("shutdown.return", None), ("shutdown.stop", None),
                ("shutdown.stayoff", None), ("shutdown.stop", None)],
    "mecer": [("beeper.toggle", None), ("test.battery.start.quick", None),
              ("test.battery.stop", None), ("test.battery.start", "30"),
              ("test.battery.stop", None), ("shutdown.return", None), ("shutdown.stop", None),
              ("shutdown.stayoff", None), ("shutdown.stop", None)],
}
PROTOCOLS = list(DIFFERENT)


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_same_variables_transitions_and_command_bytes(tmp_path: Path,
                                                             protocol: str) -> None:
    """One NUT start per dialect: variables and commands, then transitions and wire bytes."""
    with side_by_side(tmp_path, protocol) as (nut, nut_pty, our_pty, physics):
        drv, sup = await _ours(our_pty.path, protocol)
        dev = drv.device

        try:
            theirs = await asyncio.to_thread(nut.vars)
            ours = dict(dev.snapshot())
            skip = INTENDED | DIFFERENT[protocol]
            assert sorted(set(theirs) - skip) == sorted(set(ours) - skip)
            for name in sorted(set(theirs) - skip):
                assert (name, ours[name]) == (name, theirs[name])
            assert dev.commands() == await asyncio.to_thread(nut.commands)

            wire_nut, wire_ours = await cycle_power_and_commands(
                nut, dev, physics, nut_pty, our_pty, COMMANDS[protocol], is_poll, settle=0.3)
            assert wire_ours == wire_nut
        finally:
            await sup.stop()
