"""Side by side with Debian's nutdrv_qx for the remaining dialects it knows.

Debian's NUT 2.8.0 knows thirteen ``protocol=`` values; eight are compared in
test_qx_vs_nut.py and test_qx_vs_nut_more.py, the rest here: megatec/old,
voltronic-qs-hex (a ``P`` and a ``T`` unit), hunnox and ablerex.  masterguard
cannot be compared: Debian's driver never claims a Masterguard unit (checked
below, so that a fixed NUT shows up).  The other upskit dialects (omron, gtec,
q2, q6, innovart31/33, innovatae, voltronic-axpert) are not in Debian's build.

All pairs run at once, each with its own NUT driver + upsd, to keep the run short.
Published variables, command lists, OL -> OB -> OB LB -> OL and the bytes of every
command must agree, except for the differences listed per dialect below and
explained in docs/qx-dialects.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
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
from tests.interop.test_qx_vs_nut_more import POLLS
from upskit.sim.device import SimDevice
from upskit.sim.physics import UpsPhysics
from upskit.sim.pty import PtyServer

pytestmark = [
    pytest.mark.nut,
    pytest.mark.slow,
    pytest.mark.skipif(not NUTDRV.exists() or UPSD is None, reason="Debian NUT not installed"),
    pytest.mark.skipif(os.geteuid() != 0, reason="NUT's drivers need root here"),
]

#: Case -> (protocol, simulator options).
CASES: dict[str, tuple[str, dict[str, str]]] = {
    "megatec/old": ("megatec/old", {}),
    "voltronic-qs-hex P": ("voltronic-qs-hex", {}),
    "voltronic-qs-hex T": ("voltronic-qs-hex", {"protocol": "T"}),
    "hunnox": ("hunnox", {}),
    "ablerex": ("ablerex", {}),
}
#: Per case: variables published by one side only, or differing on purpose.
DIFFERENT: dict[str, set[str]] = {
    "megatec/old": set(),
    "voltronic-qs-hex P": set(),
    "voltronic-qs-hex T": set(),
    # battery.charge: BL reply here, voltage guess in Debian's Hunnox 0.01 (in INTENDED)
    "hunnox": set(),
    # Debian's Ablerex 0.01 publishes the bare Q5 error code, "0" included
    "ablerex": {"ups.alarm"},
}
#: Status and information queries of these dialects (everything but commands).
QUERIES = POLLS | {b"D\r", b"FW?\r", b"BL\r", b"At\r", b"TR\r"}

Commands = list[tuple[str, str | None]]
_MEGATEC: Commands = [
    ("beeper.toggle", None), ("test.battery.start.quick", None), ("test.battery.stop", None),
    ("test.battery.start.deep", None), ("test.battery.stop", None),
    ("test.battery.start", "240"), ("test.battery.stop", None),
    ("shutdown.return", None), ("shutdown.stop", None),
    ("shutdown.stayoff", None), ("shutdown.stop", None),
    ("load.off", None), ("load.on", None),
]
_QS_HEX: Commands = [
    ("beeper.toggle", None), ("shutdown.return", None), ("shutdown.stop", None),
    ("shutdown.stayoff", None), ("shutdown.stop", None), ("load.off", None), ("load.on", None),
]
COMMANDS: dict[str, Commands] = {
    "megatec/old": _MEGATEC,
    "voltronic-qs-hex P": _QS_HEX,
    "voltronic-qs-hex T": [("test.battery.start.quick", None), *_QS_HEX],
    "hunnox": _MEGATEC,
    "ablerex": _MEGATEC,
}


def is_query(frame: bytes) -> bool:
    return frame in QUERIES or (frame.startswith(b"Q") and frame != b"Q\r")


async def _compare(tmp: Path, case: str, stack: contextlib.ExitStack) -> list[str]:
    """Run one pair; the differences found (empty when the two sides agree)."""
    protocol, options = CASES[case]
    nut, nut_pty, our_pty, physics = await asyncio.to_thread(
        stack.enter_context, side_by_side(tmp, protocol, options))
    drv, sup = await _ours(our_pty.path, protocol)
    dev = drv.device
    problems: list[str] = []

    try:
        theirs = await asyncio.to_thread(nut.vars)
        ours = dict(dev.snapshot())
        skip = INTENDED | DIFFERENT[case]
        for name in sorted((set(theirs) | set(ours)) - skip):
            if theirs.get(name) != ours.get(name):
                problems.append(f"{name}: NUT {theirs.get(name)!r}, upskit {ours.get(name)!r}")
        nut_commands = await asyncio.to_thread(nut.commands)
        if dev.commands() != nut_commands:
            problems.append(f"commands: NUT {nut_commands}, upskit {dev.commands()}")

        wire_nut, wire_ours = await cycle_power_and_commands(
            nut, dev, physics, nut_pty, our_pty, COMMANDS[case], is_query, settle=0.3)
        if wire_ours != wire_nut:
            problems.append(f"command bytes: NUT {wire_nut}, upskit {wire_ours}")
    finally:
        await sup.stop()
    return problems


async def test_same_variables_transitions_and_command_bytes(tmp_path: Path) -> None:
    """Every case at once: variables and commands, then transitions and wire bytes."""
    dirs = {case: tmp_path / f"case{i}" for i, case in enumerate(CASES)}
    for path in dirs.values():
        path.mkdir()
    stack = contextlib.ExitStack()
    try:
        results = await asyncio.gather(*(_compare(dirs[c], c, stack) for c in CASES),
                                       return_exceptions=True)
    finally:
        await asyncio.to_thread(stack.close)
    report = [f"{case}: {problem}"
              for case, result in zip(CASES, results, strict=True)
              for problem in (result if isinstance(result, list) else [repr(result)])]
    assert not report, "\n".join(report)


def test_debian_masterguard_claims_nothing(tmp_path: Path) -> None:
    """Debian's Masterguard 0.02 looks for a table row it does not have and claims no unit.

    When this fails, Debian's driver has been fixed: add masterguard to CASES.
    """
    pty = PtyServer(SimDevice("masterguard", UpsPhysics()), baud=None).start()
    try:
        out = subprocess.run(
            [str(NUTDRV), "-s", "mg", "-x", f"port={pty.path}", "-x", "protocol=masterguard",
             "-u", "root", "-DD"],
            env={**os.environ, "NUT_STATEPATH": str(tmp_path)}, capture_output=True,
            text=True, timeout=30)
        log = out.stdout + out.stderr
        assert out.returncode != 0
        assert "cannot find series" in log and "Device not supported" in log, log
        assert not [c for c in pty.received if c != b"WH\r"]  # nothing past the claim
    finally:
        pty.stop()
