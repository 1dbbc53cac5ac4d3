#!/usr/bin/env bash
# Install Debian's headless-capable Chromium for the web admin console's browser test
# (tests/server/test_admin_console_browser.py drives it with Playwright, pointed at /usr/bin/chromium;
# Playwright never downloads a browser of its own). Without apt (or without root) nothing is installed
# and the browser test skips, naming the reason.
set -u
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
      echo "Chromium is missing and apt-get needs root: the admin console's browser test will be skipped." >&2
      exit 0
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y --no-install-recommends chromium fonts-dejavu-core >/dev/null \
    || { $SUDO apt-get update -qq >/dev/null && $SUDO apt-get install -y --no-install-recommends chromium fonts-dejavu-core >/dev/null; } \
    || echo "Could not install chromium with apt-get: the admin console's browser test will be skipped." >&2
else
  echo "Chromium is missing and there is no apt-get: the admin console's browser test will be skipped." >&2
fi
exit 0
