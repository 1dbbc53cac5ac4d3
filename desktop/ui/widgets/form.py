"""A form built from the domain schema, with each validation message under its field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QKeyEvent, QPainter, QPalette, QPen, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.cpr import is_free_text
from desktop.domain.dates import DateInputError, format_date, parse_typed_date
from desktop.domain.errors import ValidationError
from desktop.domain.schema import BOOL, CHOICE, DATE, ENTITIES, FLOAT, INT, MEDIUM, TEXT, FieldSpec
from desktop.domain.validation import clean_fields, parse_date
from desktop.ui import i18n
from desktop.ui.i18n import tr
from desktop.ui.widgets.cpr_guard import CprGuard
from desktop.ui.widgets.duration import DurationField
from desktop.ui.widgets.keys import opens_list

SINGLE_LINE = {"participants", "target_group"}  # long limits, but one line is what people write
TYPED_LENGTH = 40  # room for "DK 31 00 00 17" or "+45 98 23 45 67" before the rules tidy them
NARROW = 170  # dates and numbers need no full-width box
# Fields shown only while a check box is ticked: (entity, box) -> the fields it opens.
SHOWN_WHEN = {
    ("company", "is_centre"): ("centre_work_areas", "centre_target_groups", "centre_places",
                               "centre_visit_interval_days", "centre_agreement_start", "centre_agreement_end"),
}


_ICONS: dict[str, QIcon] = {}


def calendar_icon(color: QColor) -> QIcon:
    """A small calendar drawn in ``color`` (the text colour, so it suits light and dark mode); drawn once per colour."""
    if color.name() not in _ICONS:
        _ICONS[color.name()] = _draw_calendar(color)
    return _ICONS[color.name()]


def _draw_calendar(color: QColor) -> QIcon:
    pixmap = QPixmap(32, 32)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(color, 2.4))
    painter.drawRoundedRect(QRectF(4, 7, 24, 21), 3, 3)
    painter.drawLine(QPointF(4, 13), QPointF(28, 13))
    painter.drawLine(QPointF(10, 3), QPointF(10, 9))
    painter.drawLine(QPointF(22, 3), QPointF(22, 9))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    for x in (8, 14.5, 21):
        for y in (16.5, 22):
            painter.drawRect(QRectF(x, y, 3.5, 3))
    painter.end()
    return QIcon(pixmap)


class DateField(QLineEdit):
    """A date typed as a person types it (see desktop.domain.dates), with a calendar button.

    Empty shows nothing. Leaving the field tidies a readable date into
    ``dd-mm-åååå``; text that is not a date stays as typed so it can be fixed
    (the form shows why under the field). The calendar opens at the field's
    date, or at today's month when it is empty. Alt+Down or F4 opens it from
    the keyboard; Up and Down move the date a day.
    """

    picked = Signal()  # a date was chosen in the calendar or stepped with the arrow keys

    def __init__(self, today: Callable[[], date] = date.today) -> None:
        super().__init__()
        self.today = today
        self.setPlaceholderText(tr("dd-mm-yyyy"))
        self.setMaxLength(TYPED_LENGTH)
        self.calendar_action = self.addAction(calendar_icon(self.palette().color(QPalette.ColorRole.Text)),
                                              QLineEdit.ActionPosition.TrailingPosition)
        self.calendar_action.setToolTip(tr("Choose a date in the calendar (Alt+Down)"))
        self.calendar_action.triggered.connect(self.open_calendar)
        self._calendar: QCalendarWidget | None = None  # made when first opened: most fields never open it
        self.editingFinished.connect(self.tidy)

    @property
    def calendar(self) -> QCalendarWidget:
        """The drop-down calendar (a popup window under the field)."""
        if self._calendar is None:
            calendar = QCalendarWidget(self)
            calendar.setWindowFlags(Qt.WindowType.Popup)
            calendar.setObjectName("date_calendar")
            calendar.setGridVisible(True)
            calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.ISOWeekNumbers)
            calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)  # Danish weeks, in English mode too
            calendar.clicked.connect(self._chosen)
            calendar.activated.connect(self._chosen)
            self._calendar = calendar
        return self._calendar

    def parsed(self) -> date | None:
        """The date typed; None when empty; raises DateInputError for text that is not a date."""
        return parse_typed_date(self.text(), self.today())

    def value(self) -> date | str | None:
        """The date, None when empty, or the text as typed when it is not a date (the rules refuse it)."""
        try:
            return self.parsed()
        except DateInputError:
            return self.text().strip()

    def error(self) -> str:
        """Why the text is not a date, in the UI language ("" when it is one or empty)."""
        try:
            self.parsed()
        except DateInputError as bad:
            return bad.message(i18n.language())
        return ""

    def set_value(self, value: date | str | None) -> None:
        """Show a date (an ISO text such as a record from the wire is read first); None shows nothing."""
        if isinstance(value, str):
            try:
                value = parse_date(value)
            except ValueError:
                self.setText(value)  # shown as it is, so the rules name what is wrong with it
                return
        self.setText(format_date(value))

    def tidy(self) -> None:
        """Show a readable date the one way dates are shown (``7/12`` becomes ``07-12-2026``)."""
        try:
            value = self.parsed()
        except DateInputError:
            return
        if self.text() != format_date(value):
            self.setText(format_date(value))

    def setReadOnly(self, read_only: bool) -> None:  # noqa: N802 - Qt's name
        super().setReadOnly(read_only)
        self.calendar_action.setEnabled(not read_only)

    def open_calendar(self) -> None:
        """Drop the calendar down under the field, at its date or today."""
        if self.isReadOnly() or not self.isEnabled():
            return
        try:
            current = self.parsed() or self.today()
        except DateInputError:
            current = self.today()
        self.calendar.setSelectedDate(QDate(current.year, current.month, current.day))
        self.calendar.setCurrentPage(current.year, current.month)
        self.calendar.adjustSize()
        below = self.mapToGlobal(QPoint(0, self.height()))
        self.calendar.move(below)
        self.calendar.show()
        self.calendar.setFocus()

    def _chosen(self, chosen: QDate) -> None:
        if self._calendar is not None:
            self._calendar.hide()
        self.setText(format_date(date(chosen.year(), chosen.month(), chosen.day())))
        self.setFocus()
        self.picked.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        key = event.key()
        if opens_list(event):
            self.open_calendar()
            return
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and not self.isReadOnly():
            try:
                current = self.parsed()
            except DateInputError:
                current = None
            if current is None:
                current = self.today()
            else:
                current += timedelta(days=1 if key == Qt.Key.Key_Up else -1)
            self.setText(format_date(current))
            self.picked.emit()
            return
        super().keyPressEvent(event)


def format_number(value: float | None) -> str:
    """A number as a Dane writes it: ``7,5``, ``40`` ("" for none)."""
    if value is None:
        return ""
    return str(value) if isinstance(value, int) else f"{value:.10g}".replace(".", ",")


class EntityForm(QWidget):
    """Input widgets for some fields of an entity; ``edited`` fires on any change.

    Dates, numbers and checked text (CVR, phone, postcode, e-mail) are typed
    freely into line edits and read with the domain's own rules when the user
    leaves the field: a readable value is shown tidied (``31 00 00 17`` as
    ``31000017``, ``7.5`` as ``7,5``), anything else gets its reason under
    the field at once, and is handed on as typed so saving refuses it too
    (nothing typed is ever silently dropped or cut).
    """

    edited = Signal()
    rows_changed = Signal()  # rows were shown or hidden (the centre fields)

    def __init__(self, entity: str, fields: list[str], parent: QWidget | None = None,
                 today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self.entity = entity
        self.today = today
        self.specs: dict[str, FieldSpec] = {}
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name in fields:
            spec = ENTITIES[entity].field_map[name]
            widget = self._make(spec)
            widget.setObjectName(f"field_{name}")
            error = QLabel()
            error.setObjectName(f"error_{name}")
            error.setProperty("role", "error")
            error.setWordWrap(True)
            error.hide()
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(2)
            column.addWidget(widget)
            column.addWidget(error)
            if is_free_text(entity, name) and isinstance(widget, QPlainTextEdit | QLineEdit):
                column.addWidget(CprGuard(widget))  # a CPR number typed here is caught at once
            text = i18n.label(entity, name) + (" *" if spec.required else "")
            layout.addRow(text, box)
            widget.setAccessibleName(i18n.label(entity, name))  # what a screen reader says for the field
            self.specs[name] = spec
            self.widgets[name] = widget
            self.errors[name] = error
        self._rows = layout
        self._fitted = False
        for (form_entity, box_name), _shown in SHOWN_WHEN.items():
            box_widget = self.widgets.get(box_name)
            if form_entity == entity and isinstance(box_widget, QCheckBox):
                box_widget.toggled.connect(lambda _on: self._show_dependent_rows())
        self._show_dependent_rows()

    def _make(self, spec: FieldSpec) -> QWidget:
        if spec.kind == TEXT and spec.max_len >= MEDIUM and spec.name not in SINGLE_LINE:
            widget = QPlainTextEdit()
            widget.setTabChangesFocus(True)
            widget.setMinimumHeight(54)
            widget.setMaximumHeight(16777215 if spec.max_len > MEDIUM else 90)
            widget.textChanged.connect(self.edited)
            return widget
        if spec.kind == BOOL:
            widget = QCheckBox()
            widget.toggled.connect(self.edited)
            return widget
        if spec.kind == DATE:
            widget = DateField(self.today)
            widget.setMaximumWidth(NARROW)
            widget.textEdited.connect(self.edited)
            widget.picked.connect(self.edited)
            widget.picked.connect(lambda name=spec.name: self._show_own_error(name))
            widget.editingFinished.connect(lambda name=spec.name: self._show_own_error(name))
            return widget
        if spec.kind == CHOICE:
            widget = QComboBox()
            if not spec.required and spec.default is None:
                widget.addItem("", None)
            for value in spec.choices:
                widget.addItem(i18n.choice(self.entity, spec.name, value), value)
            widget.currentIndexChanged.connect(self.edited)
            return widget
        widget = DurationField() if spec.check == "weeks" else QLineEdit()
        if isinstance(widget, DurationField):
            widget.picked.connect(self.edited)
            widget.picked.connect(lambda name=spec.name: self._leave(name))
        if spec.kind in (INT, FLOAT):
            widget.setMaxLength(TYPED_LENGTH)
            widget.setMaximumWidth(NARROW)
        else:
            # Checked text is tidied by the rules (spaces, "DK", "+45" go), so the
            # limit is on the tidied value, never a cut in what is typed.
            widget.setMaxLength(max(spec.max_len, TYPED_LENGTH) if spec.check else spec.max_len)
        widget.textEdited.connect(self.edited)
        if spec.kind in (INT, FLOAT) or spec.check:
            widget.editingFinished.connect(lambda name=spec.name: self._leave(name))
        return widget

    def _show_dependent_rows(self) -> None:
        """Show the centre fields only while "Virksomhedscenter" is ticked (and the like)."""
        for (form_entity, box_name), shown in SHOWN_WHEN.items():
            box = self.widgets.get(box_name)
            if form_entity != self.entity or not isinstance(box, QCheckBox):
                continue
            for name in shown:
                if name in self.widgets:
                    self._rows.setRowVisible(self.widgets[name].parentWidget(), box.isChecked())
        self.rows_changed.emit()
        if self.isVisible():
            self.fit_dialog()

    def fit_dialog(self) -> None:
        """Make the dialog the form is in as tall as its shown rows need (a company that is no centre
        gets no empty space; ticking "Virksomhedscenter" makes room for the centre fields)."""
        dialog = self.window()
        if not isinstance(dialog, QDialog):
            return
        rows = self.shown_rows()
        extra = sum(80 for name in rows if isinstance(self.widgets[name], QPlainTextEdit))
        height = min(100 + 34 * len(rows) + extra, 720)
        if height > dialog.height() or not self._fitted:
            self._fitted = True
            dialog.resize(dialog.width(), height)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._fitted:
            self.fit_dialog()

    def shown_rows(self) -> list[str]:
        """The fields whose rows are shown now."""
        return [name for name in self.widgets if self.row_shown(name)]

    def row_shown(self, name: str) -> bool:
        """False while the field's row is hidden (e.g. a centre field of a company that is not a centre)."""
        return not self.widgets[name].parentWidget().isHidden()

    # -- reading what is typed ---------------------------------------------------------------

    def _checked(self, name: str) -> bool:
        spec = self.specs[name]
        return spec.kind in (INT, FLOAT) or bool(spec.check)

    def _read(self, name: str) -> tuple[Any, str]:
        """A line edit's value and, when the rules refuse the text, why (else "")."""
        widget = self.widgets[name]
        if isinstance(widget, DateField):
            return widget.value(), widget.error()
        assert isinstance(widget, QLineEdit)
        text = widget.text()
        if not self._checked(name):
            return text, ""
        try:
            return clean_fields(self.entity, {name: text})[name], ""
        except ValidationError as error:
            return text.strip(), error.by_field(i18n.language()).get(name, error.message(i18n.language()))

    def own_errors(self) -> dict[str, str]:
        """Fields whose text the rules refuse as typed (a date that does not exist, "40" hours), with why."""
        out = {}
        for name, widget in self.widgets.items():
            if isinstance(widget, QLineEdit) and (isinstance(widget, DateField) or self._checked(name)):
                message = self._read(name)[1]
                if message:
                    out[name] = message
        return out

    def _leave(self, name: str) -> None:
        """Leaving a number or checked field: tidy a good value, or say at once what is wrong."""
        widget = self.widgets[name]
        assert isinstance(widget, QLineEdit)
        value, message = self._read(name)
        if not message:
            shown = format_number(value) if self.specs[name].kind in (INT, FLOAT) else value or ""
            if shown != widget.text():
                widget.setText(shown)
        self._show_own_error(name)

    def _show_own_error(self, name: str) -> None:
        message = self._read(name)[1]
        label = self.errors[name]
        if message or label.property("own"):
            label.setText(message)
            label.setVisible(bool(message))
            label.setProperty("own", bool(message))

    def values(self) -> dict[str, Any]:
        """What the user typed, as raw values for the operations to validate.

        Dates and numbers come typed (``date``, ``int``, ``float``) when they
        can be read; text that cannot comes as typed, so the operations refuse
        it with a message instead of saving an empty field.
        """
        out: dict[str, Any] = {}
        for name, widget in self.widgets.items():
            if isinstance(widget, QPlainTextEdit):
                out[name] = widget.toPlainText()
            elif isinstance(widget, QLineEdit):
                out[name] = self._read(name)[0]
            elif isinstance(widget, QCheckBox):
                out[name] = widget.isChecked()
            elif isinstance(widget, QComboBox):
                out[name] = widget.currentData()
        return out

    def set_values(self, values: dict[str, Any]) -> None:
        """Fill the widgets without firing ``edited``."""
        self.blockSignals(True)
        for name, widget in self.widgets.items():
            if name not in values:
                continue
            value = values[name]
            widget.blockSignals(True)
            if isinstance(widget, QPlainTextEdit):
                widget.setPlainText(value or "")
            elif isinstance(widget, DateField):
                widget.set_value(value)
            elif isinstance(widget, QLineEdit):
                kind = self.specs[name].kind
                widget.setText(format_number(value) if kind in (INT, FLOAT) else "" if value is None else str(value))
            elif isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QComboBox):
                index = widget.findData(value)
                widget.setCurrentIndex(max(index, 0))
            widget.blockSignals(False)
            if self.errors[name].property("own"):
                self._show_own_error(name)
        for guard in self.findChildren(CprGuard):
            guard.check()  # a CPR number already in the record (the signals were blocked)
        self.blockSignals(False)
        self._show_dependent_rows()

    def show_errors(self, error: ValidationError | None) -> None:
        """Put each message under its field (clears the others).

        A field whose text cannot be read keeps its own, more exact reason
        ("31-02-2026 findes ikke ...") over the rules' general one.
        """
        messages = error.by_field(i18n.language()) if error else {}
        own = self.own_errors()
        messages.update(own)
        for name, label in self.errors.items():
            label.setText(messages.get(name, ""))
            label.setVisible(name in messages)
            label.setProperty("own", name in own)
        if messages:
            first = next((n for n in self.widgets if n in messages), None)
            if first:
                self.widgets[first].setFocus()

    def set_read_only(self, read_only: bool) -> None:
        """Lock every field (an approved visit)."""
        for widget in self.widgets.values():
            if isinstance(widget, QLineEdit | QPlainTextEdit):
                widget.setReadOnly(read_only)
            else:
                widget.setEnabled(not read_only)
