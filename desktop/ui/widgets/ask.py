"""The one yes/no question box of the app, with its buttons in the UI language.

``QMessageBox.question`` labels its buttons with Qt's own "&Yes"/"&No",
which no translation of ours reaches; :func:`ask` sets "Ja"/"Nej" (or
"Yes"/"No" in English) itself. Use it for every confirmation::

    if ask(self, tr("Delete company"), question):
        ...
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.ui.i18n import tr


def question_box(parent: QWidget | None, title: str, text: str, *, yes: str = "", no: str = "",
                 default_yes: bool = False) -> QMessageBox:
    """The question box :func:`ask` shows, built but not shown (for tests and non-modal use).

    ``yes``/``no`` replace the button texts ("Slet", "Behold" say more than
    "Ja"/"Nej" when the question allows it). "No" is the default button
    unless ``default_yes``: Enter never deletes anything by accident.
    """
    box = QMessageBox(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setObjectName("ask")
    box.button(QMessageBox.StandardButton.Yes).setText(yes or tr("Yes"))
    box.button(QMessageBox.StandardButton.No).setText(no or tr("No"))
    box.setDefaultButton(QMessageBox.StandardButton.Yes if default_yes else QMessageBox.StandardButton.No)
    box.setEscapeButton(QMessageBox.StandardButton.No)
    return box


def ask(parent: QWidget | None, title: str, text: str, *, yes: str = "", no: str = "",
        default_yes: bool = False) -> bool:
    """Ask a yes/no question with buttons in the UI language; True when the answer is yes."""
    box = question_box(parent, title, text, yes=yes, no=no, default_yes=default_yes)
    return box.exec() == QMessageBox.StandardButton.Yes
