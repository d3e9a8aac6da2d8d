"""Reading the input of ``snmp generate`` and ``hid generate`` and writing the module
and test they make."""

from __future__ import annotations

import sys
from pathlib import Path


def read_input(path: str) -> str:
    """The text of file ``path`` (undecodable bytes replaced), standard input for ``-``;
    raises ``OSError``."""
    if path == "-":
        return sys.stdin.read()
    return Path(path).read_text(encoding="utf-8", errors="replace")


class WriteRefused(Exception):
    """The pair was not written; the message is the one line to show the user."""


def write_module_and_test(directory: Path, name: str, module: str, test: str, *,
                          force: bool) -> tuple[Path, Path]:
    """Write ``NAME.py`` and ``test_NAME.py`` into ``directory``; return their paths.

    Existing files are kept unless ``force``; an unwritable directory is a
    :class:`WriteRefused`, never a traceback.
    """
    module_path = directory / f"{name}.py"
    test_path = directory / f"test_{name}.py"
    if not force:
        for path in (module_path, test_path):
            if path.exists():
                raise WriteRefused(f"{path} exists (use --force to overwrite)")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        module_path.write_text(module, encoding="utf-8")
        test_path.write_text(test, encoding="utf-8")
    except OSError as exc:
        raise WriteRefused(f"cannot write to {directory}: {exc.strerror or exc}") from exc
    return module_path, test_path
