"""The layer contracts in .importlinter hold, and they would catch an upward import."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed")


def lint(where: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(where)}
    return subprocess.run([str(LINT), "--no-cache", "--config", str(where / ".importlinter")],
                          cwd=where, env=env, capture_output=True, text=True, timeout=120)


def copy_tree(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "upskit", tmp_path / "upskit",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def test_the_tree_keeps_every_contract(tmp_path: Path) -> None:
    result = lint(copy_tree(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


@pytest.mark.parametrize(("module", "imported", "contract"), [
    ("transport/base.py", "upskit.drivers.base", "Layers import only downward"),
    ("model/device.py", "upskit.server.server", "Layers import only downward"),
    ("sim/physics.py", "upskit.drivers.base", "Simulators stand beside the ports"),
    ("drivers/dummy/driver.py", "upskit.drivers.qx.driver", "Driver families are independent"),
    ("runtime/process.py", "upskit.sim.ports", "Nothing but the CLI imports the simulators"),
])
def test_an_upward_import_breaks_a_contract(tmp_path: Path, module: str, imported: str,
                                            contract: str) -> None:
    tree = copy_tree(tmp_path)
    target = tree / "upskit" / module
    target.write_text(target.read_text() + f"\nimport {imported}  # deliberate\n")
    result = lint(tree)
    assert result.returncode != 0
    broken = [line for line in result.stdout.splitlines() if line.endswith("BROKEN")]
    assert any(line.startswith(contract) for line in broken), result.stdout
