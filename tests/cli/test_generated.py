"""Writing a generated module and its test: existing files kept unless forced, an
unwritable directory one message."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from upskit.cli.generated import WriteRefused, read_input, write_module_and_test


def test_writes_both_files_and_keeps_them_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "new" / "dir"
    module, test = write_module_and_test(out, "acme", "M = 1\n", "T = 1\n", force=False)
    assert (module, test) == (out / "acme.py", out / "test_acme.py")
    assert module.read_text() == "M = 1\n" and test.read_text() == "T = 1\n"
    with pytest.raises(WriteRefused, match="exists"):
        write_module_and_test(out, "acme", "M = 2\n", "T = 2\n", force=False)
    assert module.read_text() == "M = 1\n"
    write_module_and_test(out, "acme", "M = 2\n", "T = 2\n", force=True)
    assert module.read_text() == "M = 2\n" and test.read_text() == "T = 2\n"


def test_an_unwritable_directory_is_one_message(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(WriteRefused, match="cannot write to"):
        write_module_and_test(blocker / "sub", "acme", "", "", force=False)


def test_input_from_a_file_or_standard_input(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "walk"
    path.write_bytes(b"a\xffb\n")
    assert read_input(str(path)) == "a\ufffdb\n"
    monkeypatch.setattr("sys.stdin", io.StringIO("from stdin\n"))
    assert read_input("-") == "from stdin\n"
    with pytest.raises(OSError):
        read_input(str(tmp_path / "missing"))
