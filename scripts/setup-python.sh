#!/usr/bin/env bash
# Sets up the Python environment of the MALT Workbench training runner (resources/python). Idempotent: when every pin
# is already installed it only runs the check. This is the script the app offers to run; nothing installs silently.
#
#   scripts/setup-python.sh            create/update the venv, then print the environment report (JSON, on stdout)
#   scripts/setup-python.sh --check    only print the report; exit 1 if something is missing
#
# Environment:
#   MALT_PYTHON_VENV      the venv folder (default: resources/python/.venv)
#   MALT_PYTHON           the interpreter to create it with (default: the newest python3.x >= 3.10 on PATH)
#   MALT_TORCH_INDEX_URL  a pip index for torch, e.g. https://download.pytorch.org/whl/cu128 for a given CUDA build
#                         (default: pip's configured index, which gives the CUDA build on Linux x86_64 from PyPI)
#
# Exit codes: 0 ready; 1 something failed (the message says what), 2 bad usage.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY_DIR="$ROOT/resources/python"
VENV="${MALT_PYTHON_VENV:-$PY_DIR/.venv}"
VENV_PY="$VENV/bin/python"
CHECK_ONLY=0

case "${1:-}" in
  "") ;;
  --check) CHECK_ONLY=1 ;;
  -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
  *) echo "setup-python: unknown option '$1' (use --check or --help)" >&2; exit 2 ;;
esac

say() { echo "setup-python: $*" >&2; }
fail() { say "ERROR: $*"; exit 1; }

env_report() {  # prints the JSON report on stdout; exit status 0 when nothing is missing
  (cd "$PY_DIR" && "$VENV_PY" -m malt_runner env)
}

if [[ $CHECK_ONLY == 1 ]]; then
  [[ -x "$VENV_PY" ]] || fail "no venv at $VENV; run scripts/setup-python.sh without --check to create it"
  env_report
  exit $?
fi

# 1. An interpreter for the venv.
if [[ ! -x "$VENV_PY" ]]; then
  PYTHON=""
  for candidate in ${MALT_PYTHON:-} python3.13 python3.12 python3.11 python3.10 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' 2>/dev/null; then
      PYTHON="$(command -v "$candidate")"
      break
    fi
  done
  [[ -n "$PYTHON" ]] || fail "no Python >= 3.10 found on PATH (set MALT_PYTHON to one)"
  "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null ||
    fail "$PYTHON cannot create virtual environments (on Debian/Ubuntu: apt install python3-venv)"
  say "creating $VENV with $PYTHON ($("$PYTHON" --version 2>&1))"
  "$PYTHON" -m venv "$VENV" || fail "could not create the venv at $VENV"
fi
"$VENV_PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' ||
  fail "$VENV uses $("$VENV_PY" --version 2>&1); the runner needs Python >= 3.10 (remove the folder and run again)"

# 2. Fast path: everything already pinned and installed.
if env_report >/dev/null 2>&1; then
  say "all requirements already satisfied in $VENV"
  env_report
  exit 0
fi

# 3. torch first (its own index may be needed for a CUDA build), then the exact pins.
PIP=("$VENV_PY" -m pip install --disable-pip-version-check)
TORCH_ARGS=(-r "$PY_DIR/requirements-torch.txt")
[[ -n "${MALT_TORCH_INDEX_URL:-}" ]] && TORCH_ARGS+=(--index-url "$MALT_TORCH_INDEX_URL")
say "installing torch ($(grep -E '^torch==' "$PY_DIR/requirements-torch.txt"))"
"${PIP[@]}" "${TORCH_ARGS[@]}" >&2 || fail "installing torch failed (see pip's output above)"
say "installing $PY_DIR/requirements.txt"
"${PIP[@]}" -r "$PY_DIR/requirements.txt" >&2 || fail "installing the requirements failed (see pip's output above)"

# 4. The check decides.
if env_report; then
  say "ready: $VENV"
else
  fail "the environment check still reports missing or mismatched packages (see the JSON above)"
fi
