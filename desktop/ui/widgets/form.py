"""A form built from the domain schema, with each validation message under its field."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.errors import ValidationError
from desktop.domain.schema import BOOL, CHOICE, DATE, ENTITIES, FLOAT, INT, MEDIUM, TEXT, FieldSpec
from desktop.ui import i18n

EMPTY_DATE = QDate(1900, 1, 1)
SINGLE_LINE = {"participants", "target_group"}  # long limits, but one line is what people write


class DateField(QDateEdit):
    """A date box that can be empty (shown blank), in Danish format."""

    def __init__(self) -> None:
        super().__init__()
        self.setCalendarPopup(True)
        self.setDisplayFormat("dd-MM-yyyy")
        self.setMinimumDate(EMPTY_DATE)
        self.setSpecialValueText(" ")
        self.setDate(EMPTY_DATE)

    def value(self) -> date | None:
        d = self.date()
        return None if d == EMPTY_DATE else date(d.year(), d.month(), d.day())

    def set_value(self, value: date | None) -> None:
        self.setDate(QDate(value.year, value.month, value.day) if value else EMPTY_DATE)


class EntityForm(QWidget):
    """Input widgets for some fields of an entity; ``edited`` fires on any change."""

    edited = Signal()

    def __init__(self, entity: str, fields: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entity = entity
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
            text = i18n.label(entity, name) + (" *" if spec.required else "")
            layout.addRow(text, box)
            self.widgets[name] = widget
            self.errors[name] = error

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
        if spec.kind == INT:
            widget = QSpinBox()
            widget.setRange(int(spec.minimum or 0) - 1, int(spec.maximum or 100000))
            widget.setSpecialValueText(" ")  # the lowest value means "empty"
            widget.setValue(widget.minimum())
            widget.valueChanged.connect(self.edited)
            return widget
        if spec.kind == FLOAT:
            widget = QDoubleSpinBox()
            widget.setDecimals(1)
            widget.setRange(float(spec.minimum or 0) - 1, float(spec.maximum or 100000))
            widget.setSpecialValueText(" ")
            widget.setValue(widget.minimum())
            widget.valueChanged.connect(self.edited)
            return widget
        if spec.kind == DATE:
            widget = DateField()
            widget.dateChanged.connect(self.edited)
            return widget
        if spec.kind == CHOICE:
            widget = QComboBox()
            if not spec.required and spec.default is None:
                widget.addItem("", None)
            for value in spec.choices:
                widget.addItem(i18n.choice(self.entity, spec.name, value), value)
            widget.currentIndexChanged.connect(self.edited)
            return widget
        widget = QLineEdit()
        widget.setMaxLength(spec.max_len)
        widget.textEdited.connect(self.edited)
        return widget

    def values(self) -> dict[str, Any]:
        """What the user typed, as raw values for the operations to validate."""
        out: dict[str, Any] = {}
        for name, widget in self.widgets.items():
            if isinstance(widget, QPlainTextEdit):
                out[name] = widget.toPlainText()
            elif isinstance(widget, QLineEdit):
                out[name] = widget.text()
            elif isinstance(widget, QCheckBox):
                out[name] = widget.isChecked()
            elif isinstance(widget, QSpinBox | QDoubleSpinBox):
                out[name] = None if widget.value() == widget.minimum() else widget.value()
            elif isinstance(widget, DateField):
                out[name] = widget.value()
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
            elif isinstance(widget, QLineEdit):
                widget.setText("" if value is None else str(value))
            elif isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QSpinBox | QDoubleSpinBox):
                widget.setValue(widget.minimum() if value is None else value)
            elif isinstance(widget, DateField):
                widget.set_value(value)
            elif isinstance(widget, QComboBox):
                index = widget.findData(value)
                widget.setCurrentIndex(max(index, 0))
            widget.blockSignals(False)
        self.blockSignals(False)

    def show_errors(self, error: ValidationError | None) -> None:
        """Put each message under its field (clears the others)."""
        messages = error.by_field(i18n.language()) if error else {}
        for name, label in self.errors.items():
            label.setText(messages.get(name, ""))
            label.setVisible(name in messages)
        if messages:
            first = next((n for n in messages if n in self.widgets), None)
            if first:
                self.widgets[first].setFocus()

    def set_read_only(self, read_only: bool) -> None:
        """Lock every field (an approved visit)."""
        for widget in self.widgets.values():
            if isinstance(widget, QLineEdit | QPlainTextEdit):
                widget.setReadOnly(read_only)
            else:
                widget.setEnabled(not read_only)
