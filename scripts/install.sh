#!/usr/bin/env bash
# Installs the project into ./.venv from nothing (idempotent). `--dev` adds test tools and Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
DEV=0
[ "${1:-}" = "--dev" ] && DEV=1
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
. .venv/bin/activate
python -m pip install -q --upgrade pip
# torch first, pinned: the local CPU wheel (a bare "torch" would pull GBs of CUDA packages).
python -m pip install -q torch==2.13.0
if [ "$DEV" = 1 ]; then
  python -m pip install -q -e ".[dev]"
  if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
        || echo "warning: could not install Debian chromium; browser tests will be skipped" >&2
    else
      echo "warning: chromium not found and not root; browser tests will be skipped" >&2
    fi
  fi
else
  python -m pip install -q -e .
fi
