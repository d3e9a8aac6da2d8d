"""Values that would break a notification, a timer or the shutdown are refused when the
file is loaded, with file and line, in NUT's files and in the TOML form."""

from __future__ import annotations

from pathlib import Path

import pytest

from upskit.config.nutfiles import load_nut_dir
from upskit.config.settings import ConfigError
from upskit.config.toml import load_toml

MON = "MONITOR ups@localhost 1 mon pw secondary\n"

NUT_CASES = [
    ("upssched.conf", "CMDSCRIPT \"/bin/echo it's\"\n", 1, "CMDSCRIPT has an unbalanced quote"),
    ("upssched.conf", 'CMDSCRIPT ""\n', 1, "CMDSCRIPT is empty"),
    ("upsmon.conf", MON + "NOTIFYCMD \"/bin/echo it's\"\n", 2, "NOTIFYCMD has an unbalanced quote"),
    ("upsmon.conf", MON + 'NOTIFYCMD "  "\n', 2, "NOTIFYCMD is empty"),
    ("upsmon.conf", MON + "SHUTDOWNCMD \"/sbin/shutdown -h 'now\"\n", 2,
     "SHUTDOWNCMD has an unbalanced quote"),
    ("upsmon.conf", MON + 'SHUTDOWNCMD ""\n', 2, "SHUTDOWNCMD is empty"),
    ("upsmon.conf", MON + "POWERDOWNFLAG killpower\n", 2,
     'POWERDOWNFLAG needs an absolute path, got "killpower"'),
    ("upsmon.conf", MON + "POWERDOWNFLAG /\n", 2, "POWERDOWNFLAG names a directory"),
]


@pytest.mark.parametrize(("name", "text", "line", "message"), NUT_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(NUT_CASES)])
def test_nut_files(tmp_path: Path, name: str, text: str, line: int, message: str) -> None:
    (tmp_path / name).write_text(text)
    with pytest.raises(ConfigError) as info:
        load_nut_dir(tmp_path)
    assert (info.value.file, info.value.line) == (str(tmp_path / name), line)
    assert message in info.value.message


def test_certpath_missing_with_forcessl(tmp_path: Path) -> None:
    (tmp_path / "upsmon.conf").write_text(MON + f"CERTPATH {tmp_path / 'nothere.pem'}\n"
                                          "FORCESSL 1\n")
    with pytest.raises(ConfigError) as info:
        load_nut_dir(tmp_path)
    assert (info.value.file, info.value.line) == (str(tmp_path / "upsmon.conf"), 2)
    assert "CERTPATH" in info.value.message and "does not exist" in info.value.message


def test_certpath_not_pem_with_certhost_forcessl(tmp_path: Path) -> None:
    bad = tmp_path / "ca.pem"
    bad.write_text("this is not a certificate\n")
    (tmp_path / "upsmon.conf").write_text(MON + "CERTHOST localhost ups 0 1\n"
                                          f"CERTPATH {bad}\n")
    with pytest.raises(ConfigError) as info:
        load_nut_dir(tmp_path)
    assert info.value.line == 3
    assert "CERTPATH" in info.value.message and "PEM" in info.value.message


def test_certpath_without_tls_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "upsmon.conf").write_text(MON + "CERTPATH /no/such/dir\n")
    upsmon = load_nut_dir(tmp_path).upsmon
    assert upsmon is not None and upsmon.certpath == "/no/such/dir"


def test_good_values_load(tmp_path: Path) -> None:
    (tmp_path / "upsmon.conf").write_text(
        MON + "NOTIFYCMD \"/bin/echo \\\"it's\\\"\"\nSHUTDOWNCMD \"/sbin/shutdown -h +0\"\n"
        f"POWERDOWNFLAG {tmp_path / 'killpower'}\n")
    (tmp_path / "upssched.conf").write_text('CMDSCRIPT /bin/cmd --tag "a b"\n')
    settings = load_nut_dir(tmp_path)
    assert settings.upsmon is not None and settings.upssched is not None
    assert settings.upsmon.notifycmd == "/bin/echo \"it's\""
    assert settings.upssched.cmdscript == "/bin/cmd --tag 'a b'"


TOML_CASES = [
    ("[monitor]\nnotifycmd = \"/bin/echo it's\"\n", 2, "monitor.notifycmd has an unbalanced"),
    ("[monitor]\nshutdowncmd = ''\n", 2, "monitor.shutdowncmd is empty"),
    ("[monitor]\npowerdownflag = 'rel/flag'\n", 2, "monitor.powerdownflag needs an absolute"),
    ("[upssched]\ncmdscript = \"/bin/echo it's\"\n", 2, "upssched.cmdscript has an unbalanced"),
    ("[monitor]\nforcessl = true\ncertpath = '/no/such/ca.pem'\n", 3,
     "monitor.certpath /no/such/ca.pem does not exist"),
]


@pytest.mark.parametrize(("text", "line", "message"), TOML_CASES)
def test_toml(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = tmp_path / "upskit.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_toml(path)
    assert info.value.line == line
    assert message in info.value.message
