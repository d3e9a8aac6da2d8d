# Shared set-up for scripts/demo and scripts/test: a virtual environment in .venv
# with upskit installed (editable).  Sourced, not executed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${UPSKIT_VENV:-$ROOT/.venv}"
PY="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
fi
stamp="$VENV/.upskit-installed-$1"
if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null || true
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e "$ROOT$2"
    touch "$stamp"
fi
export PATH="$VENV/bin:$PATH"
