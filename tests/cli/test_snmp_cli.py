"""upskit snmp generate: files written from a walk file (with names) or a recording, the
generated test passes under pytest, existing files kept unless --force."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.drivers.snmp.test_generate import named_walk, numeric_walk, recording
from tests.support import run_upskit


def test_generate_writes_a_module_and_a_test_that_passes(tmp_path: Path) -> None:
    (tmp_path / "acme.walk").write_text(numeric_walk())
    (tmp_path / "acme.names").write_text(named_walk())
    out = tmp_path / "out"
    done = run_upskit("snmp", "generate", str(tmp_path / "acme.walk"), "--names",
                      str(tmp_path / "acme.names"), "--name", "acme", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "ups.model" in done.stdout and "battery.runtime" in done.stdout
    assert (out / "acme.py").exists() and (out / "test_acme.py").exists()
    tested = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             str(out / "test_acme.py")], capture_output=True, text=True,
                            timeout=120, cwd=out, check=False)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "2 passed" in tested.stdout

    again = run_upskit("snmp", "generate", str(tmp_path / "acme.walk"), "--name", "acme",
                       "-o", str(out))
    assert again.returncode == 2 and "exists" in again.stderr
    forced = run_upskit("snmp", "generate", str(tmp_path / "acme.walk"), "--name", "acme",
                        "-o", str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    assert "mapped: none" in forced.stdout


def test_generate_from_a_recording_on_standard_input(tmp_path: Path) -> None:
    done = run_upskit("snmp", "generate", "-", "--type", "pdu", "-o", str(tmp_path),
                      input=recording())
    assert done.returncode == 0, done.stderr
    module = (tmp_path / "enterprise_99997.py").read_text()
    assert 'device_type="pdu"' in module and "standard input" in module
