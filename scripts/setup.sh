#!/usr/bin/env bash
# Create .venv (if missing) and install rencai into it. Sourced by demo.sh and test.sh.
# Usage: scripts/setup.sh [extra]   e.g. "test" installs the test dependencies too.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "rencai 需要 Python 3.11 或更高版本（当前：$("$PYTHON" --version 2>&1)）" >&2
  exit 2
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
spec="."
[ -n "${1:-}" ] && spec=".[$1]"
stamp=".venv/.installed-${1:-base}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e "$spec"
  touch "$stamp"
fi
