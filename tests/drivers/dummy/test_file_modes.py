import asyncio
import logging
import os
from pathlib import Path

import pytest

from tests.support import eventually
from upskit.drivers.dummy.driver import DummyDriver
from upskit.drivers.supervisor import Supervisor
from upskit.model import CmdResult, Device, EventKind, SetError

DATA = Path(__file__).parents[3] / "upskit" / "drivers" / "dummy" / "data"


def make(tmp_path: Path, text: str | None, name: str = "unit.dev", **options: str) -> DummyDriver:
    if text is not None:
        (tmp_path / name).write_text(text)
    opts: dict[str, str | bool] = {"port": name, "_confdir": str(tmp_path), "pollinterval": "0.02"}
    opts.update(options)
    return DummyDriver(Device("ups"), opts)


async def start(drv: DummyDriver) -> None:
    await drv.open()
    await drv.initialise()
    await drv.poll()


def touch_later(path: Path, text: str) -> None:
    """Rewrite a file and make sure its modification time moves."""
    before = path.stat().st_mtime_ns
    path.write_text(text)
    os.utime(path, ns=(before + 10**9, before + 10**9))


async def test_sample_dev_with_markup(tmp_path: Path) -> None:
    drv = DummyDriver(Device("ups"), {"port": str(DATA / "megatec-1000va.dev")})
    await start(drv)
    dev = drv.device
    assert dev.get("ups.status") == "OL"
    assert dev.get("battery.voltage") == "27.30"
    assert dev.get("ups.type") == "offline / line interactive"
    # device.* mirrors ups.*; the dumped driver's own driver.* lines are not taken
    assert dev.get("device.mfr") == dev.get("ups.mfr") == "Lumen Power"
    assert dev.get("device.model") == "LP-1000VA"
    assert dev.get("device.serial") == "LP1K2209A0417"
    assert dev.get("driver.name") == "dummy-ups"
    assert dev.get("driver.parameter.mode") == "dummy-once"
    assert "driver.parameter.subdriver" not in dev
    beeper = dev.variable("ups.beeper.status")
    assert beeper and beeper.writable and beeper.enums == ["enabled", "disabled", "muted"]
    delay = dev.variable("ups.delay.shutdown")
    assert delay and delay.ranges == [(12, 600)] and delay.type_words() == ["RW", "RANGE", "NUMBER"]
    ident = dev.variable("ups.id")
    assert ident and ident.type_words() == ["RW", "STRING:16"]
    # like NUT, every variable read from the file may be changed by SET VAR
    assert dev.variable("battery.charge").writable  # type: ignore[union-attr]
    assert not dev.variable("driver.name").writable  # type: ignore[union-attr]
    assert not dev.variable("device.mfr").writable  # type: ignore[union-attr]
    assert "load.off" in dev.commands() and len(dev.commands()) == 12


async def test_empty_file_publishes_what_nut_does(tmp_path: Path) -> None:
    drv = make(tmp_path, "")
    await start(drv)
    assert dict(drv.device.snapshot()) == {
        "device.mfr": "Dummy Manufacturer",
        "device.model": "Dummy UPS",
        "device.type": "ups",
        "driver.name": "dummy-ups",
        "driver.parameter.mode": "dummy-once",
        "driver.parameter.pollinterval": "0.02",
        "driver.parameter.port": "unit.dev",
        "driver.parameter.synchronous": "auto",  # Debian's dummy-ups 2.8.0 shows it too
        "driver.version": "2.8.0",
        "driver.version.internal": DummyDriver.version,
        "ups.mfr": "Dummy Manufacturer",
        "ups.model": "Dummy UPS",
        "ups.status": "OL",
    }


async def test_dev_reread_on_mtime_and_set_lasts_until_then(tmp_path: Path) -> None:
    drv = make(tmp_path, "ups.status: OL\nbattery.charge: 90\nups.load: 20\nups.temperature: 30\n")
    await start(drv)
    dev = drv.device
    assert await dev.setvar("battery.charge", "40") is CmdResult.HANDLED
    assert await dev.setvar("ups.load", "") is CmdResult.HANDLED  # empty value removes
    await drv.poll()
    assert dev.get("battery.charge") == "40" and "ups.load" not in dev
    # the file changes: it is played again; file values win, dropped lines leave values be
    touch_later(tmp_path / "unit.dev", "ups.status: OB\nbattery.charge: 90\nups.load: 20\n")
    await drv.poll()
    assert dev.get("ups.status") == "OB"
    assert dev.get("battery.charge") == "90" and dev.get("ups.load") == "20"
    assert dev.get("ups.temperature") == "30"


async def test_setvar_rules(tmp_path: Path) -> None:
    drv = make(tmp_path, 'ups.beeper.status: enabled\n#RW:ups.beeper.status:ENUM:"enabled"\n'
                         '#RW:ups.beeper.status:ENUM:"disabled"\nups.id: a\n#RW:ups.id:STRING:4\n'
                         '#RW:ups.delay.start:RANGE:"1" "9"\nups.delay.start: 3\n')
    await start(drv)
    dev = drv.device
    assert await dev.setvar("driver.parameter.port", "x") is CmdResult.UNKNOWN
    assert await dev.setvar("ups.brand.new", "x") is CmdResult.UNKNOWN  # only the file adds
    assert await dev.setvar("ups.beeper.status", "loud") is CmdResult.INVALID
    assert await dev.setvar("ups.id", "too long") is CmdResult.INVALID
    assert await dev.setvar("ups.delay.start", "10") is CmdResult.INVALID
    assert await dev.setvar("ups.delay.start", "9") is CmdResult.HANDLED
    assert await dev.setvar("ups.beeper.status", "disabled") is CmdResult.HANDLED
    assert dev.get("ups.beeper.status") == "disabled"
    assert dev.variable("ups.delay.start").ranges == [(1, 9)]  # type: ignore[union-attr]


async def test_override_option_beats_file(tmp_path: Path) -> None:
    drv = make(tmp_path, "ups.model: From File\n", **{"override.ups.model": "Forced"})
    await start(drv)
    assert drv.device.get("ups.model") == "Forced"
    assert await drv.device.setvar("ups.model", "Other") is CmdResult.INVALID


async def test_instant_commands_are_listed_not_run(tmp_path: Path) -> None:
    drv = make(tmp_path, "#CMD:beeper.toggle\nups.status: OL\n")
    await start(drv)
    assert drv.device.commands() == ["beeper.toggle"]
    assert await drv.device.instcmd("beeper.toggle") is CmdResult.UNKNOWN


async def test_alarms_accumulate_and_clear(tmp_path: Path) -> None:
    text = ("ups.status: OL\nALARM Fan failure\nALARM Overheat\nTIMER 60\n"
            "ALARM\nups.status: OB\n")
    drv = make(tmp_path, text)
    await start(drv)
    dev = drv.device
    assert dev.get("ups.status") == "ALARM OL"
    assert dev.get("ups.alarm") == "Fan failure Overheat"
    drv.replay._resume_at = 0.0  # type: ignore[union-attr]  # skip the minute
    await drv.poll()
    assert dev.get("ups.status") == "OB" and "ups.alarm" not in dev
    # SET on ups.status keeps alarms composed the same way
    assert await dev.setvar("ups.status", "OL LB") is CmdResult.HANDLED
    assert dev.get("ups.status") == "OL LB"
    await drv.close()


async def test_dump_without_alarm_lines_keeps_its_own_ups_alarm(tmp_path: Path) -> None:
    drv = make(tmp_path, "ups.status: ALARM OL\nups.alarm: Replace battery!\n")
    await start(drv)
    assert drv.device.get("ups.status") == "ALARM OL"
    assert drv.device.get("ups.alarm") == "Replace battery!"


async def test_bad_lines_reported_once_and_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    drv = make(tmp_path, "ups.status: OL\nthis is not a dump line\nTIMER later\nups.load: 5\n",
               name="bad.seq")
    with caplog.at_level(logging.WARNING):
        await start(drv)
        await drv.poll()
        await drv.poll()
    problems = [r.getMessage() for r in caplog.records if "line skipped" in r.getMessage()]
    assert len(problems) == 2
    assert f"{tmp_path / 'bad.seq'}:2:" in problems[0]
    assert f"{tmp_path / 'bad.seq'}:3:" in problems[1]
    assert drv.device.get("ups.load") == "5"


async def test_seq_steps_with_timers_and_loops(tmp_path: Path) -> None:
    text = ("ups.status: OL\nTIMER 0.05\nups.status: OB\nTIMER 0.05\n"
            "ups.status: OB LB\nTIMER 0.05\nups.status: OL CHRG\nbattery.charge: 80\nTIMER 0.05\n")
    drv = make(tmp_path, text, name="cut.seq", pollinterval="5")
    seen: list[str] = []
    drv.device.subscribe(lambda e: seen.append(e.value or "") if e.kind is EventKind.STATUS else None)
    async with Supervisor([drv]):
        await eventually(lambda: len(seen) >= 8)
    assert seen[:8] == ["OL", "OB", "OB LB", "OL CHRG"] * 2
    assert drv.device.get("driver.parameter.mode") == "dummy-loop"


async def test_sample_seq_walks_through_a_power_cut(tmp_path: Path) -> None:
    text = (DATA / "power-cut.seq").read_text().replace("TIMER 30", "TIMER 0.03").replace("TIMER 20", "TIMER 0.02")
    drv = make(tmp_path, text, name="cut.seq")
    seen: list[str] = []
    drv.device.subscribe(lambda e: seen.append(e.value or "") if e.kind is EventKind.STATUS else None)
    async with Supervisor([drv]):
        await eventually(lambda: len(seen) >= 5)
    assert seen[:5] == ["OL", "OB DISCHRG", "ALARM OB DISCHRG LB", "OL CHRG", "OL"]


async def test_loop_without_timers_rereads_each_poll(tmp_path: Path) -> None:
    drv = make(tmp_path, "ups.status: OL\n", name="plain.txt")
    await start(drv)
    assert drv.device.get("driver.parameter.mode") == "dummy"
    (tmp_path / "plain.txt").write_text("ups.status: OB\n")  # same mtime is fine when looping
    await drv.poll()
    assert drv.device.get("ups.status") == "OB"


async def test_mode_option_overrides_extension(tmp_path: Path) -> None:
    drv = make(tmp_path, "ups.status: OL\n", mode="dummy-loop")
    await start(drv)
    assert drv.device.get("driver.parameter.mode") == "dummy-loop"
    assert await drv.device.setvar("ups.status", "OB") is CmdResult.HANDLED
    await drv.poll()  # looping: the file's value comes back at once
    assert drv.device.get("ups.status") == "OL"


async def test_missing_file_goes_stale_then_recovers(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    drv = make(tmp_path, None, name="later.dev")
    dev = drv.device
    with caplog.at_level(logging.INFO):
        async with Supervisor([drv]):
            await eventually(lambda: dev.connected)
            await asyncio.sleep(0.1)
            assert dev.stale
            (tmp_path / "later.dev").write_text("ups.status: OB\nbattery.charge: 50\n")
            await eventually(lambda: not dev.stale)
            assert dev.get("ups.status") == "OB"
            (tmp_path / "later.dev").unlink()
            await eventually(lambda: dev.stale)
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 2 and str(tmp_path / "later.dev") in errors[0]
    assert "No such file" in errors[0]


async def test_directory_or_missing_port_never_crashes(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "adir.dev").mkdir()
    drv = make(tmp_path, None, name="adir.dev")
    with caplog.at_level(logging.INFO):
        async with Supervisor([drv]):
            await asyncio.sleep(0.1)
            assert drv.device.stale
    assert len([r for r in caplog.records if "adir.dev" in r.getMessage()]) == 1  # logged once
    nothing = DummyDriver(Device("ups"), {})
    nothing.max_backoff = 0.01
    async with Supervisor([nothing]):
        await asyncio.sleep(0.05)
        assert nothing.device.stale and nothing.setup_error


async def test_private_runner_options_are_not_published(tmp_path: Path) -> None:
    drv = make(tmp_path, "")
    assert "driver.parameter._confdir" not in drv.device
    assert drv.device.get("driver.parameter.port") == "unit.dev"


async def test_repeater_with_bad_port_is_stale_not_crashed() -> None:
    drv = DummyDriver(Device("ups"), {"port": "x.dev", "mode": "repeater"})
    drv.max_backoff = 0.01
    async with Supervisor([drv]):
        await asyncio.sleep(0.05)
    assert drv.device.stale and drv.setup_error and "ups@host" in drv.setup_error
    assert drv.device.get("driver.parameter.mode") == "repeater"


async def test_variables_without_markup_are_typed_as_nut_types_them(tmp_path: Path) -> None:
    drv = make(tmp_path, "ups.contacts: x:y:z\nups.power.nominal: 700\nups.id: myups\n"
                         "battery.charge: 97\ninput.quality: good\nups.serial: S1\n")
    await start(drv)
    dev = drv.device

    def words(name: str) -> list[str]:
        var = dev.variable(name)
        assert var is not None, name
        return var.type_words()

    # names dummy-ups does not know: strings of at most 32 characters, even when numeric
    assert words("ups.contacts") == ["RW", "STRING:32"]
    assert words("ups.power.nominal") == ["RW", "STRING:32"]
    # names it knows keep their own type, whatever the value
    assert words("ups.id") == ["RW", "STRING:16"]
    assert words("input.quality") == ["RW", "STRING:6"]
    assert words("battery.charge") == ["RW", "NUMBER"]
    # the base variables are writable strings too; device.* are not writable
    for name in ("ups.mfr", "ups.model", "ups.status"):
        assert words(name) == ["RW", "STRING:32"], name
    assert not dev.variable("device.model").writable  # type: ignore[union-attr]
    # a SET longer than the length is refused before it reaches the driver
    assert dev.check_set("ups.contacts", "z" * 33) is SetError.TOO_LONG
    assert dev.check_set("ups.model", "z" * 33) is SetError.TOO_LONG
    assert dev.check_set("ups.contacts", "z" * 32) is None
    # and a stored value never changes the type
    assert await dev.setvar("ups.id", "1234") is CmdResult.HANDLED
    assert await dev.setvar("battery.charge", "full") is CmdResult.HANDLED
    assert words("ups.id") == ["RW", "STRING:16"]
    assert words("battery.charge") == ["RW", "NUMBER"]


async def test_markup_decides_the_type_whichever_line_comes_first(tmp_path: Path) -> None:
    drv = make(tmp_path, 'ups.power.nominal: 700\n#RW:ups.power.nominal:RANGE:"0" "900"\n'
                         "#RW:ups.contacts:STRING:8\nups.contacts: x:y:z\n")
    await start(drv)
    assert drv.device.variable("ups.power.nominal").type_words() == [  # type: ignore[union-attr]
        "RW", "RANGE", "NUMBER"]
    assert drv.device.variable("ups.contacts").type_words() == [  # type: ignore[union-attr]
        "RW", "STRING:8"]
