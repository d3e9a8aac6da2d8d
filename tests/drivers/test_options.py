"""Each driver accepts only the ups.conf options it declares, as NUT's drivers do.

An unknown or misspelled option, a value of the wrong form or an unknown protocol makes
the UPS broken (listed, answering DRIVER-NOT-CONNECTED) with one error naming the file,
the line, the option and what is expected; nothing of it is published.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from upskit.config.nutfiles import load_nut_dir
from upskit.config.settings import ConfigError
from upskit.config.toml import parse_toml
from upskit.drivers.dummy.driver import DummyDriver
from upskit.drivers.options import COMMON_OPTIONS
from upskit.drivers.qx.dialect import dialects
from upskit.drivers.qx.driver import QxDriver
from upskit.drivers.qx.options import QX_OPTIONS
from upskit.drivers.registry import checked_driver_class
from upskit.runtime import Runtime

QX = "  driver = nutdrv_qx\n  port = sim://megatec?id=opts-{name}\n"
DUMMY = "  driver = dummy-ups\n  port = ok.dev\n"


def _runtime(tmp_path: Path, sections: dict[str, str]) -> Runtime:
    (tmp_path / "ok.dev").write_text("ups.status: OL\n")
    text = "".join(f"[{name}]\n{body}" for name, body in sections.items())
    (tmp_path / "ups.conf").write_text(text)
    return Runtime(load_nut_dir(tmp_path), with_monitor=False)


@pytest.mark.parametrize(("body", "line", "expected"), [
    (QX + "  protocl = megatec\n", 4, 'unknown option "protocl" for driver nutdrv_qx '
                                      '(did you mean "protocol"?)'),
    (QX + "  pollintervall = 5\n", 4, 'unknown option "pollintervall" for driver nutdrv_qx '
                                      '(did you mean "pollinterval"?)'),
    (DUMMY + "  pollintervall = 5\n", 4, 'unknown option "pollintervall" for driver '
                                         'dummy-ups (did you mean "pollinterval"?)'),
    (DUMMY + "  pollfreq = 5\n", 4, 'unknown option "pollfreq" for driver dummy-ups'),
    (QX + "  offdelay = abc\n", 4, 'option "offdelay" needs a number of seconds, got "abc"'),
    (QX + "  ondelay = -60\n", 4, 'option "ondelay" needs a value of at least 0, got "-60"'),
    (QX + "  battery_number = 12\n", 4, 'option "battery_number" needs a value from 1 to 9'),
    (QX + "  protocol = voltronix\n", 4,
     'option "protocol" needs a known protocol, got "voltronix" (known: ablerex, '),
    (QX + "  subdriver = cypres\n", 4, 'option "subdriver" needs a known USB subdriver'),
    (QX + "  novendor = maybe\n", 4, 'option "novendor" is a flag'),
    (QX + "  protocol\n", 4, 'option "protocol" needs a value'),
    (QX + "  vendorid = 06(65\n", 4, 'option "vendorid" needs a regular expression'),
    (DUMMY + "  mode = dummy-twice\n", 4, 'option "mode" needs one of dummy-once'),
    (QX + "  cablepower = reversed\n", 4, 'option "cablepower" needs one of normal, reverse'),
], ids=["qx-typo", "qx-pollinterval-typo", "dummy-typo", "dummy-qx-only", "offdelay-word",
        "negative-delay", "battery-number-range", "unknown-protocol", "unknown-subdriver",
        "flag-word", "value-without-value", "bad-regex", "dummy-mode", "cablepower"])
def test_refused_option_breaks_the_ups_naming_file_and_line(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, body: str, line: int,
        expected: str) -> None:
    body = body.format(name="bad")
    with caplog.at_level(logging.ERROR):
        runtime = _runtime(tmp_path, {"bad": body, "good": DUMMY})
    where = f"{tmp_path / 'ups.conf'}:{line}: [bad]: "
    assert runtime.broken["bad"].startswith(where + expected), runtime.broken["bad"]
    assert runtime.broken["bad"] in caplog.text
    assert "Traceback" not in caplog.text
    assert "good" not in runtime.broken
    assert set(runtime.devices) == {"bad", "good"}  # listed: DRIVER-NOT-CONNECTED
    assert "bad" not in runtime.supervisor.drivers
    published = runtime.devices["bad"].snapshot()
    assert not any(k.startswith("driver.parameter.") for k in published)


def test_accepted_options_are_published(tmp_path: Path) -> None:
    runtime = _runtime(tmp_path, {"qx": QX.format(name="good") + "  novendor\n"
                                        "  protocol = megatec\n  offdelay = 60\n"
                                        "  default.battery.voltage.high = 27\n"
                                        "  override.ups.mfr = Acme\n  sdorder = 2\n"})
    assert runtime.broken == {}
    values = runtime.devices["qx"].snapshot()
    assert values["driver.parameter.protocol"] == "megatec"
    assert values["driver.flag.novendor"] == "enabled"
    assert values["ups.mfr"] == "Acme"


def test_toml_option_error_names_its_line() -> None:
    text = ('[ups.u]\ndriver = "nutdrv_qx"\nport = "sim://megatec"\n'
            'protocl = "megatec"\n')
    settings = parse_toml(text, "upskit.toml")
    with pytest.raises(ConfigError) as info:
        checked_driver_class(settings.ups.ups["u"])
    assert str(info.value).startswith('upskit.toml:4: [u]: unknown option "protocl"')


def test_every_option_the_dialect_tables_read_is_declared() -> None:
    read: set[str] = set()
    for dialect in dialects():
        read |= set(dialect.options) | set(dialect.skip_with)
        read |= {item.option for item in dialect.items if item.option}
    assert read <= QX_OPTIONS.keys(), read - QX_OPTIONS.keys()


@pytest.mark.parametrize(("program", "cls"), [("nutdrv_qx", QxDriver),
                                               ("dummy-ups", DummyDriver)])
def test_every_option_nut_accepts_is_accepted(program: str, cls: type) -> None:
    path = shutil.which(program, path="/lib/nut:/usr/lib/nut")
    if path is None:
        pytest.skip(f"NUT's {program} is not installed")
    helptext = subprocess.run([path, "-h"], capture_output=True, text=True, timeout=30).stdout
    nut = set(re.findall(r" : -x (\w+)(?:=<value>)?$", helptext, re.MULTILINE))
    assert nut, helptext
    assert nut <= set(COMMON_OPTIONS) | set(cls.ups_options), nut - set(cls.ups_options)
