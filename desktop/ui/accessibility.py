"""Accessible names for every input, so a screen reader says what a field is.

The form builder (desktop.ui.widgets.form) names its fields from their labels.
Inputs in hand-built layouts get their name here, from what a sighted user
reads next to them: the label of their row in a form layout, a label whose
buddy they are, the label just before them in a row, or else their placeholder
or tooltip. :func:`install` names the inputs of every window the moment it is
first shown (one application event filter), so new dialogs need nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QStackedWidget,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from desktop.ui.i18n import tr

INPUTS = (QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QAbstractSpinBox, QCheckBox, QAbstractItemView)


def is_input(widget: QWidget) -> bool:
    """Something a user types into, picks from or ticks (a check box with its own text is named by it)."""
    if isinstance(widget, QLineEdit) and isinstance(widget.parentWidget(), QComboBox | QAbstractSpinBox):
        return False  # the editor inside a combo or spin box: the box is the input
    if isinstance(widget, QCheckBox):
        return not widget.text()
    if isinstance(widget, QHeaderView) or (isinstance(widget, QAbstractItemView) and _inside(widget, QComboBox)):
        return False  # a table's header, a combo's drop-down list: part of the table or combo
    return isinstance(widget, INPUTS)


def _inside(widget: QWidget, kind: type) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, kind):
            return True
        parent = parent.parentWidget()
    return False


def label_text(label: QWidget | None) -> str:
    """A label's words without the mnemonic "&", the required-field " *" and a trailing colon."""
    if not isinstance(label, QLabel):
        return ""
    text = label.text()
    if label.textFormat() != Qt.TextFormat.PlainText and "<" in text:
        text = QTextDocumentFragment.fromHtml(text).toPlainText()
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").removesuffix(" *").strip().rstrip(":").strip()


def _inputs_in(item_widget: QWidget | None, layout: QLayout | None) -> list[QWidget]:
    found: list[QWidget] = []
    if item_widget is not None:
        if is_input(item_widget):
            found.append(item_widget)
        found += [w for w in item_widget.findChildren(QWidget) if is_input(w)]
    if layout is not None:
        for i in range(layout.count()):
            item = layout.itemAt(i)
            found += _inputs_in(item.widget(), item.layout())
    return found


def _name(widget: QWidget, name: str) -> None:
    if name and not widget.accessibleName():
        widget.setAccessibleName(name)


def name_inputs(root: QWidget) -> None:
    """Give every input under ``root`` without an accessible name one, from the label a sighted user reads."""
    layouts = [root.layout()] if root.layout() is not None else []
    layouts += root.findChildren(QLayout)
    for layout in layouts:
        if isinstance(layout, QFormLayout):
            for row in range(layout.rowCount()):
                label = layout.itemAt(row, QFormLayout.ItemRole.LabelRole)
                field = layout.itemAt(row, QFormLayout.ItemRole.FieldRole)
                if label is not None and field is not None:
                    text = label_text(label.widget())
                    for widget in _inputs_in(field.widget(), field.layout()):
                        _name(widget, text)
        elif isinstance(layout, QGridLayout):
            for i in range(layout.count()):
                widget = layout.itemAt(i).widget()
                if widget is None or not is_input(widget):
                    continue
                row, column, _rows, _columns = layout.getItemPosition(i)
                for above in ((row - 1, column), (row, column - 1)):
                    item = layout.itemAtPosition(*above) if min(above) >= 0 else None
                    if item is not None and isinstance(item.widget(), QLabel):
                        _name(widget, label_text(item.widget()))
                        break
        elif isinstance(layout, QBoxLayout):
            previous = ""
            for i in range(layout.count()):
                widget = layout.itemAt(i).widget()
                if isinstance(widget, QLabel):
                    previous = label_text(widget)
                elif widget is not None and is_input(widget) and previous:
                    _name(widget, previous)
                    previous = ""
    for label in root.findChildren(QLabel):
        buddy = label.buddy()
        if buddy is not None:
            _name(buddy, label_text(label))
    for widget in unnamed_inputs(root):
        hint = widget.placeholderText() if isinstance(widget, QLineEdit | QPlainTextEdit) else ""
        first = widget.itemText(0) if isinstance(widget, QComboBox) and widget.count() else ""
        _name(widget, hint or widget.toolTip() or widget.whatsThis() or _qt_part(widget) or
              _surrounding_title(widget) or first)


def _qt_part(widget: QWidget) -> str:
    """Qt's own inputs inside a calendar: the days and the year."""
    return {"qt_calendar_calendarview": tr("Calendar"), "qt_calendar_yearedit": tr("Year")}.get(widget.objectName(), "")


def _surrounding_title(widget: QWidget) -> str:
    """The title of the group box or tab the widget sits in (a list under "Opfølgninger der forfalder")."""
    child, parent = widget, widget.parentWidget()
    while parent is not None and not child.isWindow():
        if isinstance(parent, QGroupBox) and parent.title():
            return parent.title()
        if isinstance(parent, QStackedWidget) and isinstance(parent.parentWidget(), QTabWidget):
            tabs = parent.parentWidget()
            return tabs.tabText(tabs.indexOf(child)).split(" (")[0].replace("&", "")
        child, parent = parent, parent.parentWidget()
    return ""


def unnamed_inputs(root: QWidget) -> list[QWidget]:
    """The inputs under ``root`` (itself included) that a screen reader would read no name for."""
    widgets = [root, *root.findChildren(QWidget)]
    return [w for w in widgets if is_input(w) and not w.accessibleName()]


class _NameOnShow(QObject):
    """Names the inputs of a window when it is shown (a dialog, the main window, a popup)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QWidget) and watched.isWindow() \
                and not isinstance(watched, QAbstractButton):
            name_inputs(watched)
        return False


def install(app: QApplication) -> None:
    """Name the inputs of every window as it is shown, for the rest of the run."""
    if getattr(install, "_filter", None) is None:
        shown = _NameOnShow(app)
        app.installEventFilter(shown)
        install._filter = shown  # type: ignore[attr-defined]  # one filter per run, kept alive here
