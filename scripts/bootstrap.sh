#!/usr/bin/env bash
# Sourced by scripts/run and scripts/test: makes .venv (Python >= 3.12) from uv.lock.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export UV_PYTHON_DOWNLOADS=never
export UV_LINK_MODE=copy

find_python() {
  local candidate version
  for candidate in "${PORTAL_PYTHON:-}" python3.12 python3.13 \
      "$HOME"/.pyenv/versions/3.12*/bin/python3 "$HOME"/.pyenv/versions/3.13*/bin/python3 \
      /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9] python3; do
    [ -n "$candidate" ] || continue
    command -v "$candidate" >/dev/null 2>&1 || [ -x "$candidate" ] || continue
    version=$("$candidate" -c 'import sys; print(sys.version_info >= (3, 12))' 2>/dev/null) || continue
    if [ "$version" = "True" ]; then
      command -v "$candidate" 2>/dev/null || echo "$candidate"
      return 0
    fi
  done
  return 1
}

PYTHON="$(find_python)" || {
  echo "Python 3.12 or newer is needed. Install it (e.g. 'pyenv install 3.12') or set PORTAL_PYTHON." >&2
  exit 1
}

if ! command -v uv >/dev/null 2>&1; then
  echo "Installing uv (the Python package installer) ..."
  "$PYTHON" -m pip install --quiet --disable-pip-version-check uv
  UV="$("$PYTHON" -c 'import uv, sys; print(uv.find_uv_bin())')"
else
  UV="$(command -v uv)"
fi

# One lock for running and testing, so the two commands never undo each other's installs.
"$UV" sync --frozen --quiet --python "$PYTHON" --project "$ROOT"
export PATH="$ROOT/.venv/bin:$PATH"
