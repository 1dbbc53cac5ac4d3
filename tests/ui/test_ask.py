"""Confirmation questions have Danish buttons ("Ja"/"Nej"), English ones in English mode (issue 15, finding 4)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.ui.widgets.ask import ask, question_box


def button_texts(box: QMessageBox) -> list[str]:
    return sorted(b.text() for b in box.buttons())


def answer_when_shown(qtbot, choose: str, seen: list):
    """Click the button called ``choose`` on the question box once it is on screen."""

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        seen.append(button_texts(box))
        [button] = [b for b in box.buttons() if b.text() == choose]
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, click)


@pytest.mark.parametrize(("choose", "expected"), [("Ja", True), ("Nej", False)])
def test_ask_has_danish_buttons_and_returns_the_answer(app, qtbot, choose, expected):
    seen: list = []
    answer_when_shown(qtbot, choose, seen)
    assert ask(None, "Slet virksomhed", "Slet Brovst Bageri?") is expected
    assert seen == [["Ja", "Nej"]]


def test_ask_speaks_english_in_english_mode(app, qtbot):
    from desktop.ui import i18n

    i18n.set_language("en", app)
    try:
        seen: list = []
        answer_when_shown(qtbot, "Yes", seen)
        assert ask(None, "Delete company", "Delete Brovst Bageri?") is True
        assert seen == [["No", "Yes"]]
    finally:
        i18n.set_language("da", app)


def test_no_is_the_default_so_enter_deletes_nothing(app, qtbot):
    box = question_box(None, "Slet", "Slet?")
    qtbot.addWidget(box)
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.No)
    assert not any("&" in text for text in button_texts(box))
    kept = question_box(None, "Fortsæt", "Fortsæt?", yes="Fortsæt", default_yes=True)
    qtbot.addWidget(kept)
    assert button_texts(kept) == ["Fortsæt", "Nej"]
    assert kept.defaultButton() is kept.button(QMessageBox.StandardButton.Yes)


def test_qts_own_texts_are_danish_too(app, qtbot):
    """Standard buttons, a text field's right-click menu and "Show details" come from Qt's own translation."""
    from PySide6.QtCore import QCoreApplication

    from desktop.ui import i18n

    box = QMessageBox(QMessageBox.Icon.Question, "Feltbog", "?",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    qtbot.addWidget(box)
    assert button_texts(box) == ["&Ja", "&Nej"]
    assert QCoreApplication.translate("QLineEdit", "Select All") == "Markér alt"
    i18n.set_language("en", app)
    try:
        assert QCoreApplication.translate("QLineEdit", "Select All") == "Select All"
    finally:
        i18n.set_language("da", app)
