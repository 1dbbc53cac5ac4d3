#!/usr/bin/env bash
# Install Feltbog into .venv (once; again only when the lock changes) and start the app
# (or, with "server", the sync server).
# Usage: scripts/run.sh [app args]      scripts/run.sh server [server args]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-venv.sh app
if [ "${1:-}" = "server" ]; then
  shift
  exec .venv/bin/python -m server "$@"
fi
# Linux: Qt's X11 plugin needs a few system libraries a fresh desktop may lack; say which.
case "${QT_QPA_PLATFORM:-xcb}" in
  xcb*)
    if ! bash scripts/check-qt-libs.sh; then
      if [ -z "${WAYLAND_DISPLAY:-}" ]; then exit 1; fi
      echo "(Trying Wayland instead.)" >&2
      export QT_QPA_PLATFORM=wayland
    fi
    ;;
esac
exec .venv/bin/python -m desktop "$@"
