#!/usr/bin/env bash
# Build the PyInstaller one-folder bundle on Linux and smoke-test the frozen binary.
# Usage: bash installers/build_linux.sh     (run from anywhere; output in dist/Feltbog/)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-venv.sh dev
export QT_QPA_PLATFORM=offscreen
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN installers/feltbog.spec
.venv/bin/python installers/smoke_test.py dist/Feltbog/Feltbog
echo "bundle size: $(du -sh dist/Feltbog | cut -f1)  (dist/Feltbog)"
