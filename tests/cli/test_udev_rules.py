"""``upskit udev-rules``: refuses values that would corrupt the rules; the docs name the
file the generator names."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from upskit.cli.main import main
from upskit.cli.udev_rules import RULES_FILE, rules

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("argv", [
    ["--mode", "0x664"], ["--mode", "888"], ["--mode", "rw-rw-r--"], ["--mode", '0664", RUN+="x'],
    ["--group", "nut users"], ["--group", 'nut", RUN+="/bin/sh'], ["--group", ""],
    ["--group", "9nut"], ["--group", "a" * 40],
])
def test_invalid_mode_or_group_is_refused(argv: list[str],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["udev-rules", *argv])
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert argv[0] in captured.err


@pytest.mark.parametrize(("group", "mode"), [("nut", "0664"), ("_ups-admins.2", "660")])
def test_valid_values_reach_every_rule(group: str, mode: str,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["udev-rules", "--group", group, "--mode", mode]) == 0
    out = capsys.readouterr().out
    rule_lines = [line for line in out.splitlines() if line.startswith("ATTR{idVendor}")]
    hidraw_lines = [line for line in out.splitlines()
                    if line.startswith('SUBSYSTEM=="hidraw", ATTRS{idVendor}')]
    assert rule_lines and hidraw_lines
    rule_lines += hidraw_lines
    assert all(f'MODE="{mode}", GROUP="{group}"' in line for line in rule_lines)


def test_docs_name_the_generated_rules_file() -> None:
    assert RULES_FILE in rules("nut", "0664")
    for doc in ("README.md", "docs/usb.md"):
        text = (ROOT / doc).read_text()
        named = set(re.findall(r"/etc/udev/rules\.d/[\w.-]+\.rules", text))
        assert named == {RULES_FILE}, (doc, named)


EXTRA_SOURCE = '''
    def usb_ids():
        return [(0x1234, 0x5678, "Acme HID UPS"),
                (0x0665, 0x5161, "Acme rebadge\\nRUN+=\\"/bin/sh\\""),
                (0x12345, 1, "too wide"), ("0665", 1, "text id")]

    def failing():
        raise RuntimeError("no table today")
'''


def test_an_installed_source_adds_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        caplog: pytest.LogCaptureFixture) -> None:
    from tests.support import install_fake_distribution

    install_fake_distribution(tmp_path, "acme_udev", EXTRA_SOURCE, {"upskit.udev_sources": {
        "acme": "acme_udev:usb_ids", "failing": "acme_udev:failing",
        "missing": "acme_udev:nothing"}})
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        text = rules("nut", "0664")
    finally:
        sys.modules.pop("acme_udev", None)
    assert '# Acme HID UPS\nATTR{idVendor}=="1234", ATTR{idProduct}=="5678"' in text
    merged = [line for line in text.splitlines() if "Acme rebadge" in line]
    assert len(merged) == 1 and merged[0].startswith("# ")  # one comment line, no injection
    assert text.count('ATTR{idVendor}=="0665", ATTR{idProduct}=="5161"') == 1
    assert "too wide" not in text and "text id" not in text
    assert "udev source 'acme': bad row (74565, 1, 'too wide') left out" in caplog.text
    assert "udev source 'failing' failed: no table today" in caplog.text
    assert "udev source 'missing': acme_udev has no attribute 'nothing'" in caplog.text
