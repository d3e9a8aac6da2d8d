"""``upskit get`` / ``list`` start fast: guarded by what they import, not by timing."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.support import free_port

#: Modules a client command has no use for, each several milliseconds at start-up:
#: logging (and threading, traceback), shutil (and bz2, lzma, zlib, through argparse's
#: terminal width), json (only for --json), getpass (only for a prompt), asyncio, and
#: the idna codec (a host name given to getaddrinfo as str).
UNWANTED = ("logging", "shutil", "json", "getpass", "asyncio", "encodings.idna",
            "upskit.config.settings")

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
    out = subprocess.run([sys.executable, "-c", _PROBE, *words], capture_output=True,
                         text=True, timeout=60, check=True)
    code, modules = json.loads(out.stdout)
    assert code == 1  # connection refused, reported as upsc does
    assert not [name for name in UNWANTED if name in modules]
