#!/usr/bin/env bash
# Refresh the Danish translation from the source and compile it.
#   1. pyside6-lupdate collects every tr("...") in desktop/ui into resources/translations/feltbog_da.ts
#      (existing translations are kept; new strings come in as "unfinished").
#   2. Translate the unfinished ones (Qt Linguist: .venv/bin/pyside6-linguist, or edit the XML).
#   3. pyside6-lrelease compiles feltbog_da.qm, which the app loads (commit both files).
# tests/ui/test_translations.py fails while any visible string lacks a Danish translation.
set -euo pipefail
cd "$(dirname "$0")/.."
ts=resources/translations/feltbog_da.ts
.venv/bin/pyside6-lupdate $(find desktop/ui -name '*.py' | sort) -ts "$ts" -no-obsolete -locations none
.venv/bin/pyside6-lrelease "$ts" -qm resources/translations/feltbog_da.qm
