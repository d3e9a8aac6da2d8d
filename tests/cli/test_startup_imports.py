"""``upskit get`` / ``list`` start fast: guarded by what they import, not by timing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import upskit
from tests.support import free_port

#: Modules a client command has no use for, each up to several milliseconds at
#: start-up: logging (and threading, traceback), shutil (and bz2, lzma, zlib, through
#: argparse's terminal width), json (only for --json), getpass (only for a prompt),
#: asyncio, the idna codec (a host name given to getaddrinfo as str), the daemon's
#: settings; argparse (and gettext, locale) for the plain forms, which main.quick_args
#: reads; dataclasses (and inspect, ast, dis, tokenize: upskit.lean.Frozen instead);
#: typing, re and enum (upskit.lean's stand-ins; no regular expression on the way);
#: socket.py (and selectors; the client opens its connection with _socket);
#: collections; importlib and the plugin registry (and importlib.metadata).
UNWANTED = ("logging", "threading", "shutil", "json", "getpass", "asyncio", "encodings.idna",
            "upskit.config.settings", "argparse", "gettext", "locale", "dataclasses",
            "inspect", "ast", "dis", "tokenize", "typing", "re", "enum", "socket",
            "selectors", "collections", "contextlib", "functools", "importlib",
            "upskit.plugins", "importlib.metadata")

#: All a client command loads from the standard library beyond the interpreter's own
#: start: ``from __future__ import annotations`` is a real import, _socket is built in.
STDLIB_USED = {"__future__", "_socket"}

_PROBE = """
import sys
from upskit.cli.main import main
code = main(sys.argv[1:])
modules = sorted(sys.modules)
import json
sys.stdout.write(json.dumps([code, modules]))
"""


@pytest.mark.parametrize("argv", [["get", "ups@localhost:{port}", "ups.status"],
                                  ["get", "ups@localhost:{port}"],
                                  ["list", "localhost:{port}"]])
def test_client_commands_import_only_what_they_use(argv: list[str]) -> None:
    port = free_port()  # nothing listens: the command fails after its start-up
    words = [word.format(port=port) for word in argv]
    # -S: no site, so no .pth file (an editable install's finder) loads modules first
    env = {**os.environ, "PYTHONPATH": str(Path(upskit.__file__).parent.parent)}
    out = subprocess.run([sys.executable, "-S", "-c", _PROBE, *words], capture_output=True,
                         text=True, timeout=60, check=True, env=env)
    code, modules = json.loads(out.stdout)
    assert code == 1  # connection refused, reported as upsc does
    assert not [name for name in UNWANTED if name in modules]
    # the interpreter's own start: site (left out here) always loads os
    bare = subprocess.run([sys.executable, "-S", "-c", "import os, sys; print(*sys.modules)"],
                          capture_output=True, text=True, timeout=60, check=True, env=env)
    loaded = {name for name in modules if name.partition(".")[0] != "upskit"}
    assert loaded - set(bare.stdout.split()) <= STDLIB_USED
