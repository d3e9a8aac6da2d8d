# Shared set-up for scripts/demo and scripts/test: a virtual environment in .venv
# with upskit installed (editable; reinstalled when the build files or the C source of
# the server's native fast path change).  Sourced, not executed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${UPSKIT_VENV:-$ROOT/.venv}"
PY="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
fi
stamp="$VENV/.upskit-installed-$1"
stale=""
for file in "$ROOT/pyproject.toml" "$ROOT/setup.py" "$ROOT"/upskit/server/*.c; do
    [ -f "$stamp" ] && [ ! "$file" -nt "$stamp" ] || stale=1
done
if [ -n "$stale" ]; then
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null || true
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e "$ROOT$2"
    touch "$stamp"
fi
export PATH="$VENV/bin:$PATH"
