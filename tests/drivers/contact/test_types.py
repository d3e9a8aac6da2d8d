"""Every cable type of NUT's genericups (upstype 0..23), through the simulated UPS:
line power, on battery, low battery and return, and the shutdown signal."""

from __future__ import annotations

import pytest

from tests.drivers.contact.support import contact, start, status
from upskit.drivers.contact.types import UPSTYPES, listing, upstype
from upskit.model import CmdResult
from upskit.sim.contact import CABLES, Cable

ALL = sorted(UPSTYPES)
#: Types without a known shutdown signal (NUT's -1: "SD=???" / "none" on type 18).
NO_SHUTDOWN = {8, 16, 17, 18}
BREAK = {11, 13, 15, 20}


def test_the_table_has_nut_s_24_types() -> None:
    assert list(range(24)) == ALL
    assert listing().splitlines()[1] == "1: APC Back-UPS (940-0095A/C cable)"
    assert listing().splitlines()[23].startswith("23: FTTx (Fiber to the x) battery backup")
    with pytest.raises(KeyError, match="0 to 23"):
        upstype(24)


@pytest.mark.parametrize("number", ALL)
def test_driver_table_agrees_with_the_simulated_cable(number: int) -> None:
    kind, cable = UPSTYPES[number], Cable.parse(CABLES[number])
    assert (kind.cp.dtr, kind.cp.rts) == cable.cp
    for name, signal in (("OL", kind.ol), ("LB", kind.lb), ("RB", kind.rb),
                         ("BYPASS", kind.bypass)):
        expected = cable.signals.get(name)
        assert signal.lines == ((expected,) if expected else ()), name
    if kind.sd is None:
        assert cable.sd is None
    elif kind.sd.brk:
        assert cable.sd == "break"
    else:
        assert (kind.sd.dtr, kind.sd.rts) == cable.sd


@pytest.mark.parametrize(("number", "mfr", "model"), [
    (0, "UPSONIC", "LAN Saver 600"), (2, "APC", "Back-UPS"), (12, "APC", "Back-UPS Office"),
    (14, "Online", "P250, P500, P750, P1250"), (20, "Powerware", "5119 RM"),
    (22, "Gamatronic Electronic Industries", "Generic Alarm UPS"),
    (23, "Generic", "Generic FTTx Battery Backup")])
def test_published_identity(number: int, mfr: str, model: str) -> None:
    assert (UPSTYPES[number].mfr, UPSTYPES[number].model) == (mfr, model)


@pytest.mark.parametrize("number", ALL)
async def test_line_power_battery_low_battery_and_return(number: int) -> None:
    driver, ups, device = contact(number)
    await start(driver)
    assert device.get("ups.mfr") == UPSTYPES[number].mfr
    assert device.get("ups.model") == UPSTYPES[number].model
    assert status(device) == "OL"
    ups.mains(False)
    await driver.poll()
    assert status(device) == "OB"
    with ups.physics.lock:
        ups.physics.charge = 0.05
    await driver.poll()
    assert status(device) == "OB LB"
    ups.mains(True)
    await driver.poll()
    assert status(device) == "OL LB"
    with ups.physics.lock:
        ups.physics.charge = 1.0
    await driver.poll()
    assert status(device) == "OL"
    if number == 23:  # the FTTx telemetry also says replace battery and bypass
        ups.physics.failed = True
        ups.bypass = True
        await driver.poll()
        assert status(device) == "OL RB BYPASS"
    await driver.close()


@pytest.mark.parametrize("number", ALL)
async def test_killpower_sets_the_shutdown_signal_for_sdtime(number: int) -> None:
    hold = 0.15
    driver, ups, _device = contact(number, query="mains=off", sdtime=str(hold))
    await start(driver)
    result = await driver.shutdown()
    await driver.close()
    kind = UPSTYPES[number]
    if number in NO_SHUTDOWN:
        assert kind.sd is None and result is CmdResult.FAILED
        assert ups.kinds() == ["outputs"]  # cable power only
        assert ups.physics.output_on
        return
    assert result is CmdResult.HANDLED
    assert kind.sd is not None
    if number in BREAK:
        brk = [e for e in ups.events if e.kind == "break"]
        assert len(brk) == 1 and brk[0].seconds == pytest.approx(hold)
    else:
        held = ups.held(kind.sd.dtr, kind.sd.rts)
        assert held is not None and held >= hold * 0.9
        # the cable power came first, then the shutdown levels, and nothing after them
        changes = [(e.dtr, e.rts) for e in ups.events if e.kind == "outputs"]
        assert changes == [(kind.cp.dtr, kind.cp.rts), (kind.sd.dtr, kind.sd.rts)]
    assert ups.kinds()[-1] == "shutdown"
    assert not ups.physics.output_on
    ups.mains(True)  # the load returns with the mains
    ups.physics.update()
    assert ups.physics.output_on


@pytest.mark.parametrize("number", sorted(set(ALL) - NO_SHUTDOWN))
async def test_on_line_power_the_ups_ignores_the_signal(number: int) -> None:
    driver, ups, _device = contact(number, sdtime="0.01")
    await start(driver)
    assert await driver.shutdown() is CmdResult.HANDLED
    await driver.close()
    assert ups.kinds()[-1] == "refused"
    assert ups.physics.output_on
