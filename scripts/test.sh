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
# Everything but the windows, then the windows in a process of their own. The UI tests' process has
# crashed natively now and then (SIGSEGV in Qt's timer dispatch inside pytest-qt's wait, about 1 whole
# tests/ui run in 5; docs/performance.md, "Start-up and search-as-you-type"). Until its cause is found, a
# run that dies by a signal is run once more, with the crash's stack printed (-X faulthandler); a test
# that fails fails at once.
.venv/bin/python -X faulthandler -m pytest --ignore=tests/ui
for attempt in 1 2; do
    status=0
    .venv/bin/python -X faulthandler -m pytest tests/ui || status=$?
    if [ "$status" -lt 128 ] || [ "$attempt" -eq 2 ]; then
        exit "$status"
    fi
    echo "!!! tests/ui died by signal $((status - 128)) (a native crash, stack above); running tests/ui once more" >&2
done
