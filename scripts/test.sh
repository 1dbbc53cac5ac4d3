#!/usr/bin/env bash
# Install Feltbog with its test tools into .venv and run every check:
# lint, the import contracts, strict types on the clean packages, and the whole pytest suite (offscreen Qt).
# Extra arguments go to pytest (and run just that). FELTBOG_SLOW=1 adds the long suites.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-venv.sh test
bash scripts/ensure-postgres.sh
bash scripts/ensure-chromium.sh  # the web admin console's browser test
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check desktop server tests bench
.venv/bin/lint-imports
# Strict type checking ([tool.mypy] in pyproject.toml); a package joins this list once it is clean.
.venv/bin/mypy desktop/domain desktop/reports desktop/exchange desktop/models desktop/sync server
if [ "$#" -gt 0 ]; then
    exec .venv/bin/python -X faulthandler -m pytest "$@"
fi
# Everything but the windows, then the windows in a process of their own (a native crash prints its
# stack: -X faulthandler). The UI tests' process used to crash now and then (SIGSEGV in Qt's timer
# dispatch): the database worker destroyed closed dialogs; see docs/performance.md, "The UI tests' native
# crash".
.venv/bin/python -X faulthandler -m pytest --ignore=tests/ui
exec .venv/bin/python -X faulthandler -m pytest tests/ui
