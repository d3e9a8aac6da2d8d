"""A NUT file that is a dangling or looping symbolic link is an error, as in NUT: never a
silent "no file" (which for upsmon.conf would mean a run with no monitor)."""

from __future__ import annotations

from pathlib import Path

import pytest

from upskit.config.nutfiles import NUT_FILES, load_nut_dir
from upskit.config.settings import ConfigError
from upskit.config.toml import load_any


@pytest.mark.parametrize("name", NUT_FILES)
def test_dangling_link_is_an_error(tmp_path: Path, name: str) -> None:
    (tmp_path / name).symlink_to(tmp_path / "gone" / name)
    with pytest.raises(ConfigError) as info:
        load_nut_dir(tmp_path)
    assert info.value.file == str(tmp_path / name)
    assert "missing file" in info.value.message


@pytest.mark.parametrize("name", ["ups.conf", "upsmon.conf"])
def test_link_loop_is_an_error(tmp_path: Path, name: str) -> None:
    (tmp_path / name).symlink_to(tmp_path / f"{name}.other")
    (tmp_path / f"{name}.other").symlink_to(tmp_path / name)
    with pytest.raises(ConfigError) as info:
        load_any(tmp_path)
    assert info.value.file == str(tmp_path / name)
    assert "loop" in info.value.message


def test_link_to_a_file_is_read(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "upsmon.conf").write_text("MONITOR ups@localhost 1 mon pass primary\n"
                                      "SHUTDOWNCMD /bin/true\n")
    conf = tmp_path / "conf"
    conf.mkdir()
    (conf / "upsmon.conf").symlink_to(real / "upsmon.conf")
    settings = load_nut_dir(conf)
    assert settings.upsmon is not None and settings.upsmon.monitors[0].ups == "ups"
