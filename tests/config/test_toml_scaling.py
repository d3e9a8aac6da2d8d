"""The TOML loader does work linear in the file: guarded by counting lines scanned."""

from __future__ import annotations

import pytest

import upskit.config.toml_lines as toml_lines
from upskit.config.toml import parse_toml


def _config(count: int) -> str:
    sections = [f'[ups.ups{n}]\ndriver = "dummy-ups"\nport = "sim://megatec"\n'
                f'desc = "unit {n}"\npollinterval = 2\n' for n in range(count)]
    return '[server]\nmaxage = 15\n\n[users.admin]\npassword = "x"\n\n' + "\n".join(sections)


def _lines_scanned(count: int, monkeypatch: pytest.MonkeyPatch) -> int:
    scanned = 0
    real = toml_lines.key_lines

    def counting(text: str) -> list[tuple[tuple[toml_lines.PathPart, ...], int]]:
        nonlocal scanned
        scanned += text.count("\n") + 1
        return real(text)

    monkeypatch.setattr(toml_lines, "key_lines", counting)
    settings = parse_toml(_config(count), "many.toml")
    assert len(settings.ups.ups) == count
    assert settings.ups.ups[f"ups{count - 1}"].origin.line > 0
    return scanned


def test_loading_is_linear_in_the_number_of_sections(monkeypatch: pytest.MonkeyPatch) -> None:
    small = _lines_scanned(100, monkeypatch)
    large = _lines_scanned(1000, monkeypatch)
    # Ten times the sections: ten times the work when linear, a hundred when quadratic.
    assert large <= 15 * small, (small, large)
    assert large <= 3 * len(_config(1000).splitlines()), large


def test_lines_still_point_at_each_section() -> None:
    settings = parse_toml(_config(50), "many.toml")
    text = _config(50).splitlines()
    for name, ups in settings.ups.ups.items():
        assert text[ups.origin.line - 1] == f"[ups.{name}]"
        assert text[ups.option_lines["pollinterval"] - 1] == "pollinterval = 2"
