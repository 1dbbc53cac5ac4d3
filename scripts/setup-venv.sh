#!/usr/bin/env bash
# Create .venv (if missing) and install Feltbog into it from the lock files (exact versions, hashes checked).
# Usage: scripts/setup-venv.sh [set]   set: "app" (default: the desktop app and the server), "test", "dev",
#        "server" (no Qt) or "desktop"; requirements/<set>.txt is the lock (scripts/lock.sh moves it forward).
# Nothing is installed again while the lock and pyproject.toml are unchanged since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
set_name=${1:-app}
lock=requirements/$set_name.txt
[ -f "$lock" ] || { echo "setup-venv: no lock file $lock (sets: $(ls requirements | sed 's/\.txt//' | tr '\n' ' '))" >&2; exit 2; }
case $set_name in
  app) extras=desktop,server ;;
  dev) extras=test,dev ;;
  *) extras=$set_name ;;
esac
stamp=.venv/.feltbog-installed-$set_name
if [ -x .venv/bin/python ] && [ -f "$stamp" ] && [ "$stamp" -nt "$lock" ] && [ "$stamp" -nt pyproject.toml ]; then
  exit 0
fi
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
# The locked versions only, each file checked against its hash; then Feltbog itself (editable, no
# dependencies of its own to resolve: the lock has them all).
.venv/bin/python -m pip install --quiet --require-hashes -r "$lock"
.venv/bin/python -m pip install --quiet --no-deps -e ".[$extras]"
touch "$stamp"
