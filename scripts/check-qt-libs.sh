#!/usr/bin/env bash
# Linux: are the system libraries Qt's X11 window plugin (xcb) needs installed? Names the Debian/Ubuntu
# packages to install when some are missing (Qt itself only says "could not load the Qt platform plugin").
# Usage: scripts/check-qt-libs.sh [python]   exit 0: all there (or not Linux); 1: some missing.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${1:-.venv/bin/python}
[ "$(uname -s)" = "Linux" ] || exit 0
qt=$("$python" -c "import PySide6, os; print(os.path.join(os.path.dirname(PySide6.__file__), 'Qt'))" 2>/dev/null) || exit 0
plugin=$qt/plugins/platforms/libqxcb.so
[ -f "$plugin" ] || exit 0
# The library each Debian/Ubuntu package provides (PySide6 6.11's xcb plugin, read with ldd).
declare -A package=(
  [libxcb-cursor.so.0]=libxcb-cursor0 [libxcb-icccm.so.4]=libxcb-icccm4 [libxcb-keysyms.so.1]=libxcb-keysyms1
  [libxcb-image.so.0]=libxcb-image0 [libxcb-randr.so.0]=libxcb-randr0 [libxcb-render-util.so.0]=libxcb-render-util0
  [libxcb-shape.so.0]=libxcb-shape0 [libxcb-shm.so.0]=libxcb-shm0 [libxcb-sync.so.1]=libxcb-sync1
  [libxcb-xfixes.so.0]=libxcb-xfixes0 [libxcb-xkb.so.1]=libxcb-xkb1 [libxcb-util.so.1]=libxcb-util1
  [libxcb-render.so.0]=libxcb-render0 [libxcb.so.1]=libxcb1 [libX11-xcb.so.1]=libx11-xcb1 [libX11.so.6]=libx11-6
  [libxkbcommon.so.0]=libxkbcommon0 [libxkbcommon-x11.so.0]=libxkbcommon-x11-0 [libEGL.so.1]=libegl1
  [libGL.so.1]=libgl1 [libfontconfig.so.1]=libfontconfig1 [libfreetype.so.6]=libfreetype6
  [libdbus-1.so.3]=libdbus-1-3 [libglib-2.0.so.0]=libglib2.0-0 [libgthread-2.0.so.0]=libglib2.0-0
)
missing=$( { ldd "$plugin"; ldd "$qt/lib/libQt6XcbQpa.so.6" 2>/dev/null || true; } |
  awk '/not found/ {print $1}' | sort -u)
[ -z "$missing" ] && exit 0
packages=$(for lib in $missing; do echo "${package[$lib]:-$lib}"; done | sort -u | tr '\n' ' ')
echo "Qt's window needs system libraries that are missing: $(echo $missing | tr '\n' ' ')" >&2
echo "On Debian or Ubuntu install them with:" >&2
echo "  sudo apt-get install ${packages% }" >&2
exit 1
