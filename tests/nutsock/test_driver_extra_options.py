"""``upskit driver -x VAR=VALUE``: options given on the command line as NUT's drivers
take them, over the ups.conf section (and kept across a reload)."""

from __future__ import annotations

from pathlib import Path

import pytest

from upskit.cli.driver import _extra_options, _prepare, _Refused


def test_words_become_options() -> None:
    assert _extra_options(["pollinterval=7", "mode = dummy-loop", "flag"]) == {
        "pollinterval": "7", "mode": "dummy-loop", "flag": True}
    for bad, message in (("=x", "VAR=VALUE"), ("driver=qx", "the section's")):
        with pytest.raises(_Refused, match=message):
            _extra_options([bad])


def test_options_override_the_section(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "unit.dev").write_text("ups.status: OL\n")
    (tmp_path / "ups.conf").write_text(
        f"[dummy]\n  driver = dummy-ups\n  port = {tmp_path}/unit.dev\n  pollinterval = 3\n")
    monkeypatch.setenv("NUT_CONFPATH", str(tmp_path))
    _ups, plain = _prepare("dummy")
    assert plain.poll_interval == 3
    ups, driver = _prepare("dummy", extra=_extra_options(["pollinterval=7"]))
    assert driver.poll_interval == 7
    assert ups.options["pollinterval"] == "7"
    with pytest.raises(_Refused, match="bogus"):
        _prepare("dummy", extra={"bogus": "1"})
