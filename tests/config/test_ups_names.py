"""UPS names and aliases the protocol cannot carry are refused when the file is loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from upskit.config.nutfiles import load_ups_conf
from upskit.config.settings import ConfigError
from upskit.config.toml import parse_toml

BAD = ["büro", "a=b", "a#b", 'a"b', "a'b", "a\\b", "a@b", "a\x01b", "a\x7fb", "ups\u00a0x",
       "日本"]
GOOD = ["ups", "UPS-1", "rack_2.a", "a:b", "a+b", "(x)", "a%b"]


def _conf(tmp_path: Path, header: str, alias: str | None = None) -> Path:
    path = tmp_path / "ups.conf"
    lines = [f"[{header}]", "  driver = dummy-ups", "  port = x.dev"]
    if alias is not None:
        lines.append(f'  alias = "{alias}"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("name", [n for n in BAD if n not in ('a"b', "a\\b", "a#b")])
def test_bad_section_name_is_refused_at_load(tmp_path: Path, name: str) -> None:
    path = _conf(tmp_path, name)
    with pytest.raises(ConfigError) as info:
        load_ups_conf(path)
    assert info.value.line == 1
    assert "bad UPS name" in info.value.message
    assert "printable ASCII" in info.value.message


@pytest.mark.parametrize("alias", [n for n in BAD if n not in ('a"b', "a\\b")])
def test_bad_alias_is_refused_at_load(tmp_path: Path, alias: str) -> None:
    path = _conf(tmp_path, "ups", alias)
    with pytest.raises(ConfigError) as info:
        load_ups_conf(path)
    assert info.value.line == 4
    assert "bad alias" in info.value.message


@pytest.mark.parametrize("name", BAD)
def test_bad_toml_name_is_refused(name: str) -> None:
    key = name.replace("\\", "\\\\").replace('"', '\\"').replace("\x01", "\\u0001").replace(
        "\x7f", "\\u007f")
    text = f'[ups."{key}"]\ndriver = "dummy-ups"\nport = "x.dev"\n'
    with pytest.raises(ConfigError) as info:
        parse_toml(text, "upskit.toml")
    assert "bad UPS name" in info.value.message


@pytest.mark.parametrize("name", GOOD)
def test_good_names_load(tmp_path: Path, name: str) -> None:
    conf = load_ups_conf(_conf(tmp_path, name, alias=f"{name}-alias"))
    assert list(conf.ups) == [name]
    assert conf.ups[name].aliases == [f"{name}-alias"]
