"""The ups.conf overrides of genericups: every line name and inversion, the outputs,
the identity, and the refusals (named with file and line)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.drivers.contact.support import contact, start, status
from upskit.config.nutfiles import load_nut_dir
from upskit.config.settings import ConfigError, Settings
from upskit.drivers.build import build_driver
from upskit.drivers.contact.driver import ContactDriver, ContactOptions, Wiring
from upskit.drivers.contact.signals import BadSignal, parse_input, parse_output
from upskit.drivers.contact.types import UPSTYPES
from upskit.model import CmdResult, Device
from upskit.transport.lines import LineState

INPUTS = {"CTS": "cts", "DCD": "cd", "CD": "cd", "DSR": "dsr", "RNG": "ri", "RI": "ri"}


def lines(**high: bool) -> LineState:
    return LineState(**{k: high.get(k, False) for k in ("cts", "dsr", "ri", "cd")})


@pytest.mark.parametrize("key", ["OL", "LB", "RB", "BYPASS"])
@pytest.mark.parametrize("word", sorted(INPUTS))
@pytest.mark.parametrize("low", [False, True], ids=["high", "low"])
def test_every_input_line_and_inversion(key: str, word: str, low: bool) -> None:
    # upstype 23 uses every signal; the override replaces one of them
    options = ContactOptions({"upstype": "23", key: ("-" if low else "") + word,
                              **{k: "none" for k in ("OL", "LB", "RB", "BYPASS") if k != key}})
    wiring = Wiring.of(UPSTYPES[23], options)
    field = INPUTS[word]
    raised, dropped = lines(**{field: True}), lines()
    active, idle = (dropped, raised) if low else (raised, dropped)
    if key == "OL":
        assert wiring.status(active) == ["OL"] and wiring.status(idle) == ["OB"]
    else:
        assert wiring.status(active) == ["OL", key] and wiring.status(idle) == ["OL"]


def test_a_disabled_signal_is_never_set_and_a_disabled_ol_is_always_on_line() -> None:
    wiring = Wiring.of(UPSTYPES[2], ContactOptions({"upstype": "2", "OL": "none",
                                                     "LB": "NULL"}))
    for state in (lines(), lines(cts=True, dsr=True, ri=True, cd=True)):
        assert wiring.status(state) == ["OL"]


def test_several_lines_must_all_hold() -> None:
    signal = parse_input("CTS+-DCD")
    assert signal.asserted(lines(cts=True)) and not signal.asserted(lines(cts=True, cd=True))


@pytest.mark.parametrize(("text", "dtr", "rts", "brk"), [
    ("DTR", True, False, False), ("RTS", False, True, False), ("DTR+RTS", True, True, False),
    ("rts+dtr", True, True, False), ("-RTS", False, False, False), ("DTR -RTS", True, False, False),
    ("none", False, False, False), ("NULL", False, False, False), ("ST", False, False, True)])
def test_output_words(text: str, dtr: bool, rts: bool, brk: bool) -> None:
    signal = parse_output(text)
    assert (signal.dtr, signal.rts, signal.brk) == (dtr, rts, brk)


@pytest.mark.parametrize(("text", "message"), [
    ("CTS", "input from the UPS, not an output"), ("DSR", "not an output"),
    ("FOO", "not an output line"), ("--DTR", "not an output line"), ("", "names no line")])
def test_bad_outputs(text: str, message: str) -> None:
    with pytest.raises(BadSignal, match=message):
        parse_output(text)


@pytest.mark.parametrize(("text", "message"), [
    ("DTR", "output of the PC, not an input"), ("ST", "not an input"),
    ("CTSX", "not an input line"), ("CTS+CTS", "named twice"), ("  ", "names no line")])
def test_bad_inputs(text: str, message: str) -> None:
    with pytest.raises(BadSignal, match=message):
        parse_input(text)


async def test_cable_power_and_shutdown_overrides_reach_the_wire() -> None:
    # type 7: CP=RTS, SD=DTR; overridden to CP=DTR+RTS, SD=RTS
    driver, ups, device = contact(7, query="mains=off", CP="DTR+RTS", SD="RTS", sdtime="0.05")
    await start(driver)
    assert ups.outputs == (True, True)
    assert status(device) == "OB"  # type 7's cable reads fine with both lines raised
    assert await driver.shutdown() is CmdResult.HANDLED
    assert [(e.dtr, e.rts) for e in ups.events if e.kind == "outputs"] == [
        (True, True), (False, True)]


async def test_sd_st_sends_a_break_for_sdtime() -> None:
    driver, ups, _device = contact(11, query="mains=off", SD="ST", sdtime="0.05")
    await start(driver)
    assert await driver.shutdown() is CmdResult.HANDLED
    assert ups.kinds()[-2:] == ["break", "shutdown"]
    assert ups.events[-2].seconds == pytest.approx(0.05)


async def test_sd_gives_a_type_without_a_shutdown_signal_one() -> None:
    driver, ups, _device = contact(8, query="mains=off", SD="DTR+RTS")
    await start(driver)
    assert await driver.shutdown() is CmdResult.HANDLED
    assert ups.outputs == (True, True)


async def test_identity_overrides() -> None:
    driver, _ups, device = contact(1, mfr="ACME", model="Relay 9", serial="SN42")
    await start(driver)
    assert (device.get("ups.mfr"), device.get("ups.model"), device.get("ups.serial")) == (
        "ACME", "Relay 9", "SN42")
    assert device.get("driver.parameter.upstype") == "1"
    assert device.get("driver.name") == "genericups"


def build(tmp_path: Path, body: str) -> ContactDriver:
    (tmp_path / "ups.conf").write_text(
        f"[ups]\n  driver = genericups\n  port = sim://contact/2\n{body}")
    settings = load_nut_dir(tmp_path)
    ups = settings.ups.ups["ups"]
    driver = build_driver(Settings(), ups, Device("ups"))
    assert isinstance(driver, ContactDriver)
    return driver


def test_ups_conf_with_every_key_builds(tmp_path: Path) -> None:
    driver = build(tmp_path, "  upstype = 2\n  CP = RTS\n  OL = -CTS\n  LB = DCD\n"
                             "  RB = -RNG\n  BYPASS = DSR\n  SD = DTR+RTS\n  sdtime = 3\n"
                             "  mfr = APC\n  model = BK\n  serial = 1\n  debounce = 0.2\n")
    assert driver.wiring is not None and driver.wiring.rb.describe() == "-RNG"
    assert driver.options.sdtime == 3.0


@pytest.mark.parametrize(("body", "line", "message"), [
    ("  upstype = 2\n  OL = DTR\n", 5, 'option "OL" = "DTR": DTR is an output'),
    ("  upstype = 2\n  SD = CTS\n", 5, 'option "SD" = "CTS": CTS is an input'),
    ("  upstype = 2\n  LB = bogus\n", 5, "not an input line"),
    ("  upstype = 24\n", 4, 'option "upstype" needs a value from 0 to 23'),
    ("  upstype = two\n", 4, 'option "upstype" needs a whole number'),
    ("  sdtime = 1\n", 1, "genericups needs upstype"),
    ("  upstype = 2\n  sdtime = -1\n", 5, 'option "sdtime" needs a value of at least 0'),
    ("  upstype = 2\n  cable = 940-0095B\n", 5, 'unknown option "cable"'),
])
def test_bad_ups_conf_names_file_and_line(tmp_path: Path, body: str, line: int,
                                          message: str) -> None:
    with pytest.raises(ConfigError) as info:
        build(tmp_path, body)
    text = str(info.value)
    assert f"ups.conf:{line}" in text and message in text, text
