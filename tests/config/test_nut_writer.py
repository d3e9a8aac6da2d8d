"""Writing ``ups.conf`` with NUT's quoting, and the UPS part of the TOML file."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tests.config.test_toml import FULL, without_origins
from upskit.config.nut_writer import dump_ups_conf, nut_key, nut_word
from upskit.config.nutfiles import load_nut_dir
from upskit.config.parser import tokenize
from upskit.config.settings import UpsConf, UpsSettings
from upskit.config.toml import dump_toml, parse_toml
from upskit.config.toml_writer import dump_ups_toml
from upskit.config.ups_conf import load_ups_conf, parse_ups_conf

ODD = ['two words', 'a "quote"', "back\\slash", "#hash", "a=b", "", "tab\there",
       "trailing\\", "=", '"']


def _read_back(text: str) -> UpsConf:
    return parse_ups_conf(list(tokenize(text, "ups.conf")), "ups.conf")


@pytest.mark.parametrize("text", ["auto", "/dev/ttyUSB0", "megatec/old", "0665", "ünï", *ODD])
def test_a_word_reads_back_as_written(text: str) -> None:
    word = nut_word(text)
    statements = list(tokenize(f"key = {word}\n"))
    assert [str(w) for w in statements[0].words[2:]] == [text]
    if text in ("auto", "/dev/ttyUSB0", "megatec/old", "0665", "ünï"):
        assert word == text
    else:
        assert word.startswith('"')
    assert nut_word("plain", quote=True) == '"plain"'


def test_line_breaks_and_odd_keys_are_refused() -> None:
    for text in ("one\ntwo", "cr\r"):
        with pytest.raises(ValueError, match="line break"):
            nut_word(text)
    with pytest.raises(ValueError, match="option name"):
        nut_key("two words")


def test_ups_conf_of_the_full_example_reads_back_the_same(tmp_path: Path) -> None:
    conf = load_nut_dir(FULL).ups
    text = dump_ups_conf(conf)
    (tmp_path / "ups.conf").write_text(text)
    assert without_origins(load_ups_conf(tmp_path / "ups.conf")) == without_origins(conf)


def test_odd_values_flags_aliases_and_comments_read_back() -> None:
    options: dict[str, str | bool] = {f"opt{n}": value for n, value in enumerate(ODD)}
    options |= {"novendor": True, "norating": False, "sdorder": "2"}
    conf = UpsConf(globals={"maxretry": "3", "nowait": True},
                   ups={"u1": UpsSettings("u1", "nutdrv_qx", "auto", desc='the "big" one',
                                          options=options, aliases=["alias1"]),
                        "u2": UpsSettings("u2", "dummy-ups", "a file.dev", sdorder=-1)})
    text = dump_ups_conf(conf, comments={"u1": "first line\nsecond line"}, quote=("opt0",))
    assert text.startswith("maxretry = 3\nnowait\n\n[u1]\n    # first line\n    # second line\n")
    assert "    opt0 = \"two words\"\n" in text and "norating" not in text
    again = _read_back(text)
    expected = {k: v for k, v in options.items() if v is not False}
    assert again.ups["u1"].options == {"port": "auto", **expected}
    assert (again.ups["u1"].desc, again.ups["u1"].aliases) == ('the "big" one', ["alias1"])
    assert (again.ups["u2"].port, again.ups["u2"].sdorder) == ("a file.dev", -1)
    assert again.globals == {"maxretry": "3", "nowait": True}


def test_ups_toml_is_the_ups_part_of_the_whole_file() -> None:
    settings = load_nut_dir(FULL)
    text = dump_ups_toml(settings.ups)
    tomllib.loads(text)
    assert text.strip() in dump_toml(settings)
    again = parse_toml(text, "ups.toml")
    assert without_origins(again.ups) == without_origins(settings.ups)
