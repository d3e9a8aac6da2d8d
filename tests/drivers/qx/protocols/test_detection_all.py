"""Auto-detection across all 21 dialects, each against every dialect's simulator.

Expected winners follow NUT's probe order: a unit that also satisfies an earlier
dialect's claim goes to that dialect (hunnox units answer exactly like zinto
ones, ablerex units like megatec ones).  Forcing ``protocol=`` always works.
"""

from __future__ import annotations

import pytest

from tests.drivers.qx.protocols.harness import claims, detect_on
from upskit.drivers.qx.dialect import PROBE_ORDER, dialects

#: Simulator -> the dialect auto-detection picks for it.
EXPECTED = {name: name for name in PROBE_ORDER}
EXPECTED.update({"hunnox": "zinto", "ablerex": "megatec"})
#: What the simulator needs to look like a real unit of its kind (USB vendor id).
KNOWN = {"omron": {"ups.vendorid": "0590"}}


def test_every_dialect_is_registered_in_probe_order() -> None:
    assert [d.name for d in dialects()] == list(PROBE_ORDER)
    assert [d.position for d in dialects()] == list(range(1, 22))


@pytest.mark.parametrize("simulator", PROBE_ORDER)
async def test_detection_picks_the_expected_dialect(simulator: str) -> None:
    url = f"sim://{simulator}?id=det-{simulator.replace('/', '_')}"
    assert await detect_on(url, KNOWN.get(simulator)) == EXPECTED[simulator]


@pytest.mark.parametrize("simulator", PROBE_ORDER)
async def test_forced_protocol_claims_its_own_simulator(simulator: str) -> None:
    url = f"sim://{simulator}?id=own-{simulator.replace('/', '_')}"
    assert await detect_on(url, options={"protocol": simulator}) == simulator


@pytest.mark.parametrize("dialect", PROBE_ORDER)
async def test_no_earlier_dialect_claims_a_later_simulator(dialect: str) -> None:
    """A dialect refuses every simulator whose rightful dialect NUT probes after it."""
    for simulator in PROBE_ORDER:
        if EXPECTED[simulator] == dialect or PROBE_ORDER.index(dialect) > PROBE_ORDER.index(
                EXPECTED[simulator]):
            continue
        url = f"sim://{simulator}?id=x-{dialect.replace('/', '_')}-{simulator.replace('/', '_')}"
        assert not await claims(dialect, url, KNOWN.get(simulator)), \
            f"{dialect} claims the {simulator} simulator"
