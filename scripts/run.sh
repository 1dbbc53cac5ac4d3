#!/usr/bin/env bash
# Install Feltbog into .venv and start the app (or, with "server", the sync server).
# Usage: scripts/run.sh [app args]      scripts/run.sh server [server args]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-venv.sh
if [ "${1:-}" = "server" ]; then
  shift
  exec .venv/bin/python -m server "$@"
fi
exec .venv/bin/python -m desktop "$@"
