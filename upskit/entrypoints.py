"""Installed entry points, read straight from the ``entry_points.txt`` files on ``sys.path``.

``importlib.metadata`` answers the same question but loads the email, zipfile, csv and
inspect machinery and reads every distribution's metadata: about 3 MB of resident
memory for a daemon that only wants a few plugin names.  Here each ``*.dist-info`` and
``*.egg-info`` directory on ``sys.path`` is looked at once (the first distribution of a
name wins, as with ``importlib.metadata``), and only its ``entry_points.txt`` is read.
"""

from __future__ import annotations

import os
import re
import sys

_NAME_SEPARATORS = re.compile(r"[-_.]+")
#: sys.path (as a tuple) -> group -> [(name, value)], so several registries scan once.
_scanned: dict[tuple[str, ...], dict[str, list[tuple[str, str]]]] = {}


def entry_points(group: str) -> list[tuple[str, str]]:
    """``(name, value)`` of every installed entry point of ``group``, in ``sys.path`` order.

    ``value`` is the entry point's text as written (``module:attribute``).  A directory
    that cannot be read is skipped.
    """
    key = tuple(sys.path)
    found = _scanned.get(key)
    if found is None:
        found = _scan(key)
        _scanned.clear()  # only the current sys.path is worth keeping
        _scanned[key] = found
    return list(found.get(group, ()))


def forget() -> None:
    """Read the files again on the next call (a distribution was installed meanwhile)."""
    _scanned.clear()


def _scan(paths: tuple[str, ...]) -> dict[str, list[tuple[str, str]]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    seen: set[str] = set()
    for entry in paths:
        try:
            names = sorted(os.listdir(entry or "."))
        except OSError:
            continue
        for name in names:
            stem, dot, kind = name.rpartition(".")
            if not dot or kind not in ("dist-info", "egg-info"):
                continue
            project = _NAME_SEPARATORS.sub("_", stem.split("-", 1)[0]).lower()
            if project in seen:
                continue
            seen.add(project)
            try:
                with open(os.path.join(entry or ".", name, "entry_points.txt"),
                          encoding="utf-8") as fh:
                    text = fh.read()
            except (OSError, UnicodeDecodeError):
                continue
            _parse(text, groups)
    return groups


def _parse(text: str, groups: dict[str, list[tuple[str, str]]]) -> None:
    group: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line[0] == "[" and line[-1] == "]":
            group = line[1:-1].strip()
            continue
        name, sep, value = line.partition("=")
        if sep and group is not None and name.strip():
            groups.setdefault(group, []).append((name.strip(), value.strip()))
