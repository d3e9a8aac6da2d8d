"""A section without ``driver`` or ``port`` because of a misspelling is reported at the
misspelled key, with the name it should have; without any look-alike, at the section."""

from __future__ import annotations

from pathlib import Path

import pytest

from upskit.config.nutfiles import load_ups_conf
from upskit.config.settings import ConfigError
from upskit.config.toml import parse_toml


@pytest.mark.parametrize(("body", "line", "message"), [
    ("  drvier = nutdrv_qx\n  port = auto\n", 2,
     'unknown key "drvier" in [myups] (did you mean "driver"?)'),
    ("  Driver = nutdrv_qx\n  port = auto\n", 2,
     'unknown key "Driver" in [myups] (did you mean "driver"?)'),
    ("  driver = nutdrv_qx\n  desc = x\n  prot = auto\n", 4,
     'unknown key "prot" in [myups] (did you mean "port"?)'),
    ("  desc = x\n  port = auto\n", 1, '[myups] has no "driver = ..." line'),
    ("  driver = nutdrv_qx\n  sdorder = 1\n", 1, '[myups] has no "port = ..." line'),
])
def test_ups_conf(tmp_path: Path, body: str, line: int, message: str) -> None:
    path = tmp_path / "ups.conf"
    path.write_text("[myups]\n" + body)
    with pytest.raises(ConfigError) as info:
        load_ups_conf(path)
    assert (info.value.line, info.value.message) == (line, message)


@pytest.mark.parametrize(("body", "line", "message"), [
    ('drvier = "nutdrv_qx"\nport = "auto"\n', 3,
     'unknown key "drvier" in [ups.myups] (did you mean "driver"?)'),
    ('driver = "nutdrv_qx"\nprot = "auto"\n', 4,
     'unknown key "prot" in [ups.myups] (did you mean "port"?)'),
    ('port = "auto"\n', 2, '[ups.myups] has no "driver = ..." line'),
    ('driver = ""\nport = "auto"\n', 3, '[ups.myups] needs a non-empty "driver"'),
])
def test_toml(body: str, line: int, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_toml("# upskit\n[ups.myups]\n" + body, "upskit.toml")
    assert (info.value.line, info.value.message) == (line, message)
