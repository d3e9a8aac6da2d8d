"""Where a C compiler is at hand, the install must have built the native fast path.

The extension is optional so that an install without a compiler still works; this
keeps a failed build from going unnoticed (every native test would be skipped).
"""

from __future__ import annotations

import shutil
import sys

import pytest

from tests.server.conftest import NATIVE_BUILT


@pytest.mark.skipif(not sys.platform.startswith("linux") or shutil.which("gcc") is None,
                    reason="the extension is only built on Linux with a C compiler")
def test_the_native_fast_path_was_built() -> None:
    assert NATIVE_BUILT, "reinstall upskit (pip install -e .) to build upskit/server/_fastpath.c"
