"""Danish is the default; a visible string without a Danish translation fails here."""

from __future__ import annotations

import html
import re
from pathlib import Path

from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QListWidget, QTableView, QTabWidget

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "feltbog_da.ts"
# Words that are the same in Danish ("Note" is also the follow-up field's Danish label in the schema).
SAME_IN_BOTH = {"Feltbog", "Server", "Online", "Offline", "Type", "Note", "Team"}


def messages() -> dict[str, str]:
    text = TS.read_text(encoding="utf-8")
    pairs = re.findall(r"<source>(.*?)</source>\s*<translation(?: type=\"(\w+)\")?>(.*?)</translation>", text, re.S)
    return {html.unescape(s): (kind, html.unescape(t)) for s, kind, t in pairs}


def test_every_source_string_has_a_finished_danish_translation():
    found = messages()
    assert found, "no messages in the .ts file"
    missing = [s for s, (kind, t) in found.items() if kind in ("unfinished", "vanished", "obsolete") or not t]
    assert missing == []
    assert (TS.with_suffix(".qm")).stat().st_mtime >= TS.stat().st_mtime - 5, "run scripts/translations.sh"


def test_every_tr_call_in_the_ui_is_in_the_ts_file():
    found = messages()
    calls = set()
    for path in (ROOT / "desktop" / "ui").rglob("*.py"):
        calls |= {html.unescape(m) for m in re.findall(r'\btr\("((?:[^"\\]|\\.)*)"\)', path.read_text("utf-8"))}
    calls.discard("...")  # the example in i18n.tr's docstring
    assert calls - set(found) == set(), "run scripts/translations.sh and translate the new strings"


def visible_texts(widget) -> list[str]:
    out = []
    for child in [widget, *widget.findChildren(object)]:
        if isinstance(child, QLabel | QAbstractButton):
            out.append(child.text())
        elif isinstance(child, QGroupBox):
            out.append(child.title())
        elif isinstance(child, QTabWidget):
            out += [child.tabText(i).split(" (")[0] for i in range(child.count())]
        elif isinstance(child, QListWidget) and child.objectName() == "sidebar":
            out += [child.item(i).text() for i in range(child.count())]
        elif isinstance(child, QTableView) and child.model() is not None:
            model = child.model()
            out += [str(model.headerData(i, __import__("PySide6.QtCore").QtCore.Qt.Orientation.Horizontal))
                    for i in range(model.columnCount())]
    return [t.replace("&", "") for t in out if t and t.strip()]


def test_no_english_source_text_is_visible_in_the_danish_ui(window, seeded, qtbot):
    english = {s.replace("&", "") for s in messages()} - SAME_IN_BOTH
    seen = []
    for row in range(window.sidebar.count()):
        window.sidebar.setCurrentRow(row)
        qtbot.wait(30)
    window.open_company(seeded["company"])
    window.open_visit(seeded["visit"])
    qtbot.wait(100)
    seen += visible_texts(window)
    seen += [a.text().replace("&", "") for a in window.menuBar().actions()]
    from desktop.ui.dialogs.login import LoginDialog

    seen += visible_texts(LoginDialog(window.ctx, window))
    leaks = sorted({t for t in seen if t in english})
    assert leaks == []
    assert "Synkronisér nu" in seen and "Virksomheder" in seen
