"""Bad device input never crashes any of these dialects.

Every hook meets garbage replies and values and may only refuse them with
ValueError; every simulator, fed garbage for a while, makes the driver go stale
and then recover without an error escaping.
"""

from __future__ import annotations

import random

import pytest

from tests.drivers.qx.protocols.harness import FakeContext, run_sim
from tests.support import eventually
from upskit.drivers.qx.dialect import get_dialect
from upskit.drivers.qx.items import QxFlag

#: The Megatec hooks shared with the other dialects are tested with those.
SHARED_HOOKS = "upskit.drivers.qx.hooks"
DIALECTS = ["omron", "voltronic", "voltronic-axpert", "voltronic-qs", "voltronic-qs-hex",
            "bestups", "mecer", "masterguard", "hunnox", "ablerex", "innovart31",
            "innovart33", "innovatae", "q2", "q6", "gtec"]


def _samples(rng: random.Random) -> list[str]:
    fixed = ["", " ", "\r", "(", "#", "0", "1", "-", "--", "(NAK\r", "NAK", "ACK", "OK",
             "99999999999999999999", "1e400", "nan", "-5.0", "1.2.3", "\x00\x00", "(" * 200]
    noise = ["".join(chr(rng.randrange(0, 256)) for _ in range(rng.randrange(1, 120)))
             for _ in range(40)]
    return fixed + noise


@pytest.mark.parametrize("protocol", DIALECTS)
def test_hooks_refuse_garbage_with_value_error_only(protocol: str) -> None:
    dialect = get_dialect(protocol)
    assert dialect is not None
    rng = random.Random(protocol)
    samples = _samples(rng)
    for item in dialect.items:
        for value in samples:
            ctx = FakeContext(reply=rng.choice(samples),
                              values={"battery.voltage.nominal": rng.choice(["24.0", "x", ""]),
                                      "ups.alarm": "UPS Fault!",
                                      "ups.beeper.status": rng.choice(["enabled", "?"])},
                              options={"pins_shutdown_mode": value, "battery_number": value,
                                       "eco_mode": value})
            hooks = [(item.convert, value)]
            if item.build is not None:
                hooks.append((item.build, value))
            for hook, arg in hooks:
                if hook is None or hook.__module__ == SHARED_HOOKS:
                    continue
                try:
                    result = hook(ctx, item, arg)  # type: ignore[arg-type]
                except ValueError:
                    continue
                assert isinstance(result, str), (item.name, value)
            if item.decode is not None and not item.flags & QxFlag.CMD:
                try:
                    raw = item.decode(ctx, item, value.encode("latin-1"))
                except ValueError:
                    continue
                assert isinstance(raw, bytes)


@pytest.mark.parametrize("protocol", DIALECTS)
async def test_garbage_from_the_simulator_goes_stale_then_recovers(protocol: str) -> None:
    query = "&protocol=T" if protocol == "voltronic-qs-hex" else ""
    async with run_sim(protocol, query) as run:
        run.drv.stale_seconds = 0.1
        status = run.dev.get("ups.status")
        run.sim.fault("garbage")
        await eventually(lambda: run.dev.stale, 5)
        run.sim.fault(None)
        await eventually(lambda: not run.dev.stale, 5)
        assert run.dev.get("ups.status") == status
