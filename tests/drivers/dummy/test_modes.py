from pathlib import Path

import pytest

from upskit.drivers.dummy.modes import (
    BadUpstream,
    Upstream,
    choose_mode,
    guess_mode,
    parse_upstream,
    resolve_data_path,
)


def test_mode_from_port() -> None:
    assert guess_mode("evolution500.seq") == "dummy-loop"
    assert guess_mode("/etc/nut/epdu.DEV") == "dummy-once"
    assert guess_mode("states.txt") == "dummy"
    assert guess_mode("ups@server") == "repeater"


def test_mode_option_wins_and_bad_mode_falls_back() -> None:
    assert choose_mode("a.dev", "dummy-loop") == ("dummy-loop", None)
    assert choose_mode("a.seq", " Dummy-Once ") == ("dummy-once", None)
    mode, problem = choose_mode("a.seq", "fancy")
    assert mode == "dummy-loop" and problem and "fancy" in problem


def test_parse_upstream() -> None:
    assert parse_upstream("ups1@remotehost") == Upstream("ups1", "remotehost", 3493)
    assert parse_upstream("ups1@10.0.0.2:3500") == Upstream("ups1", "10.0.0.2", 3500)
    assert parse_upstream("u@[::1]:3494") == Upstream("u", "::1", 3494)
    assert str(Upstream("u", "::1", 3494)) == "u@[::1]:3494"
    for bad in ("ups1", "@host", "ups@", "ups@host:99999", "ups@host:x", "a@b@c"):
        with pytest.raises(BadUpstream):
            parse_upstream(bad)


def test_relative_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_data_path("x.dev", str(tmp_path)) == tmp_path / "x.dev"
    assert resolve_data_path("/abs/x.dev", str(tmp_path)) == Path("/abs/x.dev")
    monkeypatch.chdir(tmp_path)
    assert resolve_data_path("sub/x.seq", None) == tmp_path / "sub" / "x.seq"


def test_confdir_may_name_the_config_file(tmp_path: Path) -> None:
    conf = tmp_path / "upskit.toml"
    conf.write_text("")
    assert resolve_data_path("x.dev", str(conf)) == tmp_path / "x.dev"
