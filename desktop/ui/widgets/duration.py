"""A duration in weeks that can be typed or picked in months ("3 måneder" writes 13)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QKeyEvent, QPainter, QPalette, QPixmap, QPolygonF
from PySide6.QtWidgets import QLineEdit, QMenu, QStyle

from desktop.domain.durations import PRESETS
from desktop.ui import i18n
from desktop.ui.i18n import tr
from desktop.ui.widgets.keys import opens_list


def _arrow_icon(color: QColor) -> QIcon:
    """A small down arrow in the text colour (suits light and dark mode)."""
    pixmap = QPixmap(16, 16)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawPolygon(QPolygonF([QPointF(3, 6), QPointF(13, 6), QPointF(8, 11)]))
    painter.end()
    return QIcon(pixmap)


class DurationField(QLineEdit):
    """Weeks, typed ("13", "3 måneder", "½ år") or chosen from the usual periods in months.

    The form reads and tidies the text with the domain's rules
    (desktop.domain.durations), so "3 måneder" is shown as 13 when the field is left.
    """

    picked = Signal()  # a period was chosen in the list

    def __init__(self) -> None:
        super().__init__()
        self.setPlaceholderText(tr("weeks, or e.g. 3 months"))
        self.setToolTip(tr("Type weeks, or months such as \u201c3 months\u201d (13 weeks); or choose a period "
                           "in the list (Alt+Down)."))
        self.menu = QMenu(self)
        self.menu.setObjectName("duration_presets")
        english = i18n.language() == "en"
        for preset in PRESETS:
            label = preset.label_en if english else preset.label_da
            action = QAction(tr("%1 (%2 weeks)").replace("%1", label).replace("%2", str(preset.weeks)), self.menu)
            action.setData(preset.weeks)
            action.triggered.connect(lambda _checked=False, weeks=preset.weeks: self.choose(weeks))
            self.menu.addAction(action)
        self.list_action = self.addAction(_arrow_icon(self.palette().color(QPalette.ColorRole.Text)),
                                          QLineEdit.ActionPosition.TrailingPosition)
        self.list_action.setToolTip(tr("Choose a period (Alt+Down)"))
        self.list_action.triggered.connect(self.open_list)

    def open_list(self) -> None:
        """Drop the list of periods down under the field."""
        if self.isReadOnly() or not self.isEnabled():
            return
        width = self.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth)
        self.menu.popup(self.mapToGlobal(QPoint(width, self.height())))

    def choose(self, weeks: int) -> None:
        """Write ``weeks`` into the field as if typed, and tell the form."""
        self.setText(str(weeks))
        self.picked.emit()

    def setReadOnly(self, read_only: bool) -> None:
        super().setReadOnly(read_only)
        self.list_action.setEnabled(not read_only)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if opens_list(event):
            self.open_list()
            return
        super().keyPressEvent(event)
