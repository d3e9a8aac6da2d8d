"""The light entry-point reader finds what importlib.metadata finds, without loading it."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points as metadata_entry_points
from pathlib import Path

import pytest

from tests.support import install_fake_distribution
from upskit.entrypoints import entry_points, forget


@pytest.mark.parametrize("group", ["console_scripts", "pytest11"])
def test_same_entry_points_as_importlib_metadata(group: str) -> None:
    ours = sorted(entry_points(group))
    theirs = sorted((ep.name, ep.value) for ep in metadata_entry_points(group=group))
    assert ours == theirs and ours


def test_a_distribution_on_a_new_path_entry_is_found(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    install_fake_distribution(tmp_path, "light_plugin", "VALUE = 1\n",
                              {"upskit.light": {"one": "light_plugin:VALUE"}})
    assert entry_points("upskit.light") == []
    monkeypatch.syspath_prepend(str(tmp_path))
    assert entry_points("upskit.light") == [("one", "light_plugin:VALUE")]
    # the first distribution of a name wins, as with importlib.metadata
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    install_fake_distribution(shadow, "light_plugin", "VALUE = 2\n",
                              {"upskit.light": {"two": "light_plugin:VALUE"}})
    monkeypatch.setattr(sys, "path", [*sys.path, str(shadow)])
    assert entry_points("upskit.light") == [("one", "light_plugin:VALUE")]
    forget()


def test_comments_blank_lines_and_odd_sections(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    info = tmp_path / "odd-2.0.dist-info"
    info.mkdir()
    (info / "entry_points.txt").write_text(
        "# a comment\n\n[upskit.odd]\n  a = m:x  \n; another\nnot an entry\n=nameless\n"
        "[other]\nb = m:y\n")
    (tmp_path / "unreadable-1.0.dist-info").mkdir()  # no entry_points.txt
    monkeypatch.syspath_prepend(str(tmp_path))
    assert entry_points("upskit.odd") == [("a", "m:x")]
    assert entry_points("other") == [("b", "m:y")]


def test_reading_entry_points_does_not_load_importlib_metadata() -> None:
    code = ("import sys; from upskit.entrypoints import entry_points; "
            "entry_points('console_scripts'); print('importlib.metadata' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
