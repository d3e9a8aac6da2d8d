"""A TOML file nested thousands of levels deep is a configuration error, not a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from upskit.config.settings import ConfigError
from upskit.config.toml import load_toml

DEPTH = 5000


@pytest.mark.parametrize("text", [
    "x = " + "{a = " * DEPTH + "1" + "}" * DEPTH + "\n",
    "[ups.u]\nx = " + "[" * DEPTH + "]" * DEPTH + "\n",
    "[ups.u]\ndriver = \"dummy-ups\"\nport = \"x.dev\"\n" + ".".join(["k"] * DEPTH) + " = 1\n",
    "[ups.u]\ndriver = \"dummy-ups\"\nport = \"x.dev\"\n[ups.u." + ".".join(["t"] * DEPTH)
    + "]\nk = 1\n",
], ids=["inline-tables", "arrays", "dotted-key", "table-header"])
def test_deep_nesting_is_a_config_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "deep.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_toml(path)
    assert str(path) in str(info.value)
