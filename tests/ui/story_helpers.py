"""What the story tests (test_story_*.py) do as a user does: click, type, answer modal dialogs, take screenshots.

Modal dialogs (``exec()``) block the test until they close, so a test says
what to do in the next one *before* the click that opens it::

    answer_modal(qtbot, LoginDialog, lambda dialog: click(qtbot, dialog.findChild(QPushButton, "offline")))
    window.sign_in()

If the handler fails, the dialog is closed (so the test does not hang) and
the error is raised again by :func:`raise_modal_errors` (called by the next
``answer_modal`` and by the fixtures at the end).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QStyle,
    QStyleOptionButton,
    QTableView,
    QWidget,
)

SHOTS = Path("/tmp/story-shots")
_errors: list[BaseException] = []


class Clock:
    """A movable ``ctx.today`` (the story takes months; the clock moves, the app does not restart)."""

    def __init__(self, today: date) -> None:
        self.today = today

    def __call__(self) -> date:
        return self.today

    def set(self, today: date) -> None:
        self.today = today


def click(qtbot: Any, widget: QWidget) -> None:
    """A left click on a visible, enabled widget (a button, a check box)."""
    assert widget is not None, "no such widget"
    assert widget.isVisible(), f"{widget.objectName() or widget} is not visible"
    assert widget.isEnabled(), f"{widget.objectName() or widget} is disabled"
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def click_box(qtbot: Any, box: QCheckBox) -> None:
    """A click on a check box's square (a form's boxes have no text: the row's label names them)."""
    assert box.isVisible() and box.isEnabled(), box.objectName()
    option = QStyleOptionButton()
    box.initStyleOption(option)
    square = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=square.center())


def button(parent: QObject, name: str) -> QAbstractButton:
    """The button called ``name`` under ``parent``."""
    found = parent.findChild(QAbstractButton, name)
    assert found is not None, f"no button {name}"
    return found


def button_with_text(parent: QWidget, text: str) -> QAbstractButton:
    """A button by its (translated) text, for the few buttons without an object name."""
    for candidate in parent.findChildren(QAbstractButton):
        if candidate.text().replace("&", "") == text and candidate.isVisible():
            return candidate
    raise AssertionError(f"no visible button {text!r} in {[b.text() for b in parent.findChildren(QAbstractButton)]}")


def type_into(qtbot: Any, widget: QWidget, text: str, *, replace: bool = True) -> None:
    """Click into the field, (select what is there,) type, and leave it with Tab, as a person does."""
    window = widget.window()
    if not window.isActiveWindow():  # clicking into a field brings its window to the front
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    widget.setFocus()
    if replace and isinstance(widget, QLineEdit | QPlainTextEdit):
        widget.selectAll()
        if text == "":
            qtbot.keyClick(widget, Qt.Key.Key_Delete)
    if text:
        qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Tab)


def choose(combo: QComboBox, data: Any) -> None:
    """Pick the entry whose data is ``data`` in a drop-down (as picking it from the list does)."""
    index = combo.findData(data)
    assert index >= 0, f"{data!r} is not in {combo.objectName()}"
    combo.setCurrentIndex(index)


def fill(qtbot: Any, form: Any, values: dict[str, Any]) -> None:
    """Fill an EntityForm as a user: type text, dates and numbers, tick boxes, pick choices."""
    for name, value in values.items():
        widget = form.widgets[name]
        if isinstance(widget, QCheckBox):
            if widget.isChecked() != bool(value):
                click_box(qtbot, widget)
        elif isinstance(widget, QComboBox):
            choose(widget, value)
        else:
            type_into(qtbot, widget, str(value))


def ok_button(dialog: QDialog) -> QAbstractButton:
    """The OK ("Gem") button of an EntityDialog."""
    return dialog.buttons.button(dialog.buttons.StandardButton.Ok)


def raise_modal_errors() -> None:
    """Raise what a modal handler raised (its dialog was closed so the test could go on)."""
    if _errors:
        error = _errors.pop(0)
        _errors.clear()
        raise error


def answer_modal(qtbot: Any, kind: type[QWidget], handle: Callable[[Any], None], *, timeout_ms: int = 10000) -> None:
    """When a modal ``kind`` opens (next), call ``handle(dialog)`` on it; it should close the dialog."""
    raise_modal_errors()
    waited = {"ms": 0}

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            waited["ms"] += 20
            if waited["ms"] < timeout_ms:
                QTimer.singleShot(20, poll)
            return
        dialog.activateWindow()
        try:
            qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)  # typing and Tab need the focus
            handle(dialog)
        except BaseException as error:  # re-raised by raise_modal_errors
            _errors.append(error)
            if isinstance(dialog, QDialog):
                dialog.reject()
            else:
                dialog.close()

    QTimer.singleShot(0, poll)


def menu_action(window: QWidget, name: str, text: str = "") -> QAction:
    """A menu action by its object name ("action_sign_in"); ``text`` is what the menu must say."""
    action = window.findChild(QAction, name)
    assert action is not None, f"no action {name}"
    assert not text or action.text().replace("&", "") == text, action.text()
    return action


def go_to(qtbot: Any, window: Any, row: int) -> None:
    """Click a sidebar entry."""
    sidebar = window.sidebar
    item = sidebar.item(row)
    assert not item.isHidden(), item.text()
    rect = sidebar.visualItemRect(item)
    qtbot.mouseClick(sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert sidebar.currentRow() == row


def list_texts(widget: QListWidget) -> list[str]:
    """The lines of a list widget."""
    return [widget.item(i).text() for i in range(widget.count())]


def select_row(qtbot: Any, view: QTableView, matches: Callable[[str], bool], column: int = 0) -> int:
    """Click the first row of a table view whose text in ``column`` matches."""
    model = view.model()
    for row in range(model.rowCount()):
        if matches(str(model.index(row, column).data() or "")):
            rect = view.visualRect(model.index(row, column))
            qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            assert view.currentIndex().row() == row
            return row
    raise AssertionError(f"no matching row in {[model.index(r, column).data() for r in range(model.rowCount())]}")


def answer_question(qtbot: Any, yes: bool = True) -> None:
    """Answer the next question box (``ask``) with yes or no."""
    answer_modal(qtbot, QMessageBox, lambda box: click(qtbot, box.button(
        QMessageBox.StandardButton.Yes if yes else QMessageBox.StandardButton.No)))


def shoot(widget: QWidget, name: str) -> Path:
    """A screenshot of a window or dialog into /tmp/story-shots/<name>.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    path = SHOTS / f"{name}.png"
    assert widget.grab().save(str(path)), path
    return path


def dark_palette() -> QPalette:
    """What Qt gives a window when the operating system is in dark mode (Windows 11, macOS)."""
    palette = QPalette()
    dark, text = QColor(45, 45, 45), QColor(230, 230, 230)
    for role, color in (
        (QPalette.ColorRole.Window, dark), (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, QColor(30, 30, 30)), (QPalette.ColorRole.AlternateBase, dark),
        (QPalette.ColorRole.Text, text), (QPalette.ColorRole.Button, dark),
        (QPalette.ColorRole.ButtonText, text), (QPalette.ColorRole.ToolTipBase, dark),
        (QPalette.ColorRole.ToolTipText, text), (QPalette.ColorRole.Highlight, QColor(42, 130, 218)),
        (QPalette.ColorRole.HighlightedText, QColor(0, 0, 0)), (QPalette.ColorRole.PlaceholderText,
                                                                QColor(140, 140, 140)),
    ):
        palette.setColor(role, color)
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(120, 120, 120))  # greyed out, as the OS does
    return palette


def tour(qtbot: Any, ctx: Any, prefix: str, *, company_id: str | None = None, visit_id: str | None = None,
         dialogs: tuple[Callable[[QWidget], QWidget], ...] = ()) -> list[Path]:
    """A new main window on ``ctx`` (in the language and palette set now): every screen, a company's page, a
    visit and some dialogs (made by ``dialogs``, shown without blocking), each saved as a screenshot."""
    from desktop.ui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    qtbot.waitUntil(lambda: window.sidebar.item(window.sidebar.count() - 1).isHidden() != ctx.account.supervisor,
                    timeout=5000)
    shots = []
    for row in range(window.sidebar.count()):
        item = window.sidebar.item(row)
        if item.isHidden():
            continue
        go_to(qtbot, window, row)
        settle(qtbot, ctx)
        shots.append(shoot(window, f"{prefix}-{row:02d}-{item.text().lower()}"))
    if company_id:
        window.open_company(company_id)
        qtbot.waitUntil(lambda: window.companies.page.data is not None, timeout=5000)
        settle(qtbot, ctx)
        shots.append(shoot(window, f"{prefix}-20-company-page"))
    if visit_id:
        window.open_visit(visit_id)
        qtbot.waitUntil(lambda: window.visits.editor.record is not None, timeout=5000)
        settle(qtbot, ctx)
        shots.append(shoot(window, f"{prefix}-21-visit"))
    for number, make in enumerate(dialogs, start=30):
        dialog = make(window)
        dialog.show()
        qtbot.wait(30)
        shots.append(shoot(dialog, f"{prefix}-{number}-{type(dialog).__name__.lower()}"))
        dialog.close()
    window.close()
    return shots


def settle(qtbot: Any, ctx: Any) -> None:
    """Let a screen's reads finish on the database worker and their results reach the window."""
    qtbot.wait(20)  # the read is queued
    ctx.tasks.wait_idle()
    qtbot.wait(40)  # its result is delivered and painted


def in_language_and_palette(language: str, dark: bool) -> Callable[[], None]:
    """Switch the UI language (and the OS palette); returns how to switch back to Danish and light."""
    from desktop.ui import i18n

    app = QApplication.instance()
    before = app.palette()
    i18n.set_language(language, app)
    if dark:
        app.setPalette(dark_palette())

    def back() -> None:
        i18n.set_language("da", app)
        app.setPalette(before)

    return back


# The server's database: SQLite here; FELTBOG_STORY_DB=postgres walks the stories on PostgreSQL (production).
STORY_DB = os.environ.get("FELTBOG_STORY_DB", "sqlite")
# The sidebar's rows, in order.
TODAY, COMPANIES, VISITS, OPENINGS, MENTORS, FOLLOW_UPS, CONFLICTS, REPORTS, REVIEW = range(9)


def open_window(ctx: Any, qtbot: Any) -> Any:
    """The real main window on ``ctx``, shown and active (typing needs the focus)."""
    from desktop.ui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window


def sync_by_button(qtbot: Any, window: Any) -> None:
    """The status bar's "Synkronisér nu"; waits until nothing is left unsent and the runner is idle
    (a change the server refused counts as sent here: the status bar names it, and the caller checks that)."""
    ctx = window.ctx
    before = ctx.runner.status().last_success
    click(qtbot, window.sync_widget.button)
    qtbot.waitUntil(lambda: ctx.runner.status().last_success not in (None, before)
                    and not ctx.runner.status().syncing, timeout=20000)
    qtbot.waitUntil(lambda: "ikke sendt" not in window.sync_widget.pending.text(), timeout=5000)


def sign_in(qtbot: Any, dialog: Any, server_url: str, username: str, shot_name: str) -> None:
    """Type the server address, username and password into the sign-in dialog and sign in.

    ``shot_name`` names the screenshot of the filled-in dialog (the story's prefix included).
    """
    from server.seeding import PASSWORD

    type_into(qtbot, dialog.server, server_url)
    type_into(qtbot, dialog.username, username)
    type_into(qtbot, dialog.password, PASSWORD)
    shoot(dialog, shot_name)
    click(qtbot, dialog.sign_in)
    qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted, timeout=15000)


def sign_in_on_first_start(qtbot: Any, ctx: Any, window: Any, server_url: str, username: str,
                           shot_name: str) -> None:
    """The first start's sign-in dialog, answered by typing (:func:`sign_in`); waits until signed in."""
    from desktop.ui.app import offer_sign_in_on_first_start
    from desktop.ui.dialogs.login import LoginDialog

    answer_modal(qtbot, LoginDialog, lambda dialog: sign_in(qtbot, dialog, server_url, username, shot_name))
    offer_sign_in_on_first_start(ctx, window)
    qtbot.waitUntil(lambda: ctx.account.signed_in, timeout=15000)
    raise_modal_errors()
