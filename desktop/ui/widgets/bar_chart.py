"""A small bar chart drawn with QPainter: the supervisor report's charts on screen (no QtCharts).

The same look as the PDF's (desktop.reports.charts): grouped or stacked bars,
one colour per series from the same colour-blind-friendly palette, round
gridline steps, a legend. Text and lines take the palette's colours, so the
chart reads in light and dark mode.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

# desktop.reports.charts.PALETTE (Okabe-Ito, then Paul Tol's muted set), kept here so the UI needs no reportlab.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#332288", "#882255", "#44AA99",
           "#999933", "#AA4499", "#117733", "#6699CC", "#000000", "#F0E442")
LEFT, BOTTOM, TOP, LEGEND_ROW = 34, 22, 22, 16


def nice_step(maximum: float, ticks: int = 4) -> float:
    """A round step (1, 2, 5 x 10^n) giving about ``ticks`` gridlines up to ``maximum`` (as the PDF's charts)."""
    if maximum <= ticks:
        return 1
    raw = maximum / ticks
    magnitude = 10.0 ** math.floor(math.log10(raw))
    return next(f * magnitude for f in (1, 2, 5, 10) if raw <= f * magnitude)


class BarChart(QWidget):
    """``categories`` along the bottom, one bar (or stack part) per series in each."""

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.categories: list[str] = []
        self.series: list[tuple[str, list[float]]] = []
        self.stacked = False
        self.empty_text = ""
        self.setMinimumHeight(190)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def sizeHint(self) -> QSize:
        return QSize(360, 220)

    def set_data(self, categories: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], *,
                 stacked: bool = False, empty: str = "") -> None:
        """Show new values (``empty`` is said when there is nothing to draw)."""
        self.categories = list(categories)
        self.series = [(name, [float(v) for v in values]) for name, values in series]
        self.stacked = stacked
        self.empty_text = empty
        self.setAccessibleName(self.title)
        self.setAccessibleDescription(self.describe())
        self.update()

    def describe(self) -> str:
        """The chart in words (for a screen reader, and the tests): "uge 47: Mette 2, Søren 1; ..."."""
        if not self.has_values():
            return self.empty_text
        parts = []
        for i, category in enumerate(self.categories):
            values = ", ".join(f"{name} {_number(values[i])}" for name, values in self.series if values[i])
            if values:
                parts.append(f"{category}: {values}")
        return "; ".join(parts)

    def has_values(self) -> bool:
        """True when any bar is taller than zero."""
        return any(v for _name, values in self.series for v in values)

    def top(self) -> float:
        """The highest bar (or stack)."""
        if self.stacked:
            return max((sum(col) for col in zip(*(v for _n, v in self.series), strict=True)), default=0)
        return max((max(v, default=0) for _n, v in self.series), default=0)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        muted = QColor(text)
        muted.setAlpha(150)
        grid = QColor(text)
        grid.setAlpha(45)
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(text)
        painter.drawText(QRectF(0, 0, self.width(), TOP - 4), Qt.AlignmentFlag.AlignLeft, self.title)
        font.setBold(False)
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        painter.setFont(font)
        if not self.has_values():
            painter.setPen(muted)
            painter.drawText(QRectF(0, TOP, self.width(), self.height() - TOP), Qt.AlignmentFlag.AlignCenter,
                             self.empty_text)
            return
        legend_rows = math.ceil(len(self.series) / 3) if len(self.series) > 1 else 0
        legend = legend_rows * LEGEND_ROW
        plot = QRectF(LEFT, TOP + 4, self.width() - LEFT - 6, self.height() - TOP - 4 - BOTTOM - legend)
        step = nice_step(self.top())
        maximum = step * max(4, math.ceil(self.top() / step))
        y_of = lambda value: plot.bottom() - plot.height() * value / maximum  # noqa: E731
        value = 0.0
        while value <= maximum + 1e-9:
            y = y_of(value)
            painter.setPen(QPen(grid, 1))
            painter.drawLine(int(plot.left()), int(y), int(plot.right()), int(y))
            painter.setPen(muted)
            right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            painter.drawText(QRectF(0, y - 8, LEFT - 4, 16), right, _number(value))
            value += step
        slot = plot.width() / max(1, len(self.categories))
        per_group = 1 if self.stacked else len(self.series)
        bar = min(22.0, slot * 0.78 / per_group)
        label_every = max(1, math.ceil(len(self.categories) * 40 / max(plot.width(), 1)))
        for i, category in enumerate(self.categories):
            left = plot.left() + i * slot + (slot - bar * per_group) / 2
            base = 0.0
            for s, (_name, values) in enumerate(self.series):
                color = QColor(PALETTE[s % len(PALETTE)])
                if self.stacked:
                    rect = QRectF(left, y_of(base + values[i]), bar, y_of(base) - y_of(base + values[i]))
                    base += values[i]
                else:
                    rect = QRectF(left + s * bar, y_of(values[i]), bar - 1, plot.bottom() - y_of(values[i]))
                painter.fillRect(rect, color)
            if i % label_every == 0:
                painter.setPen(text)
                painter.drawText(QRectF(plot.left() + i * slot - 20, plot.bottom() + 2, slot + 40, BOTTOM - 4),
                                 Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, category)
        painter.setPen(QPen(muted, 1))
        painter.drawLine(int(plot.left()), int(plot.bottom()), int(plot.right()), int(plot.bottom()))
        if legend_rows:
            width = (self.width() - LEFT) / 3
            for s, (name, _values) in enumerate(self.series):
                x = LEFT + (s % 3) * width
                y = plot.bottom() + BOTTOM + (s // 3) * LEGEND_ROW
                painter.fillRect(QRectF(x, y + 3, 9, 9), QColor(PALETTE[s % len(PALETTE)]))
                painter.setPen(text)
                painter.drawText(QRectF(x + 13, y, width - 16, LEGEND_ROW), Qt.AlignmentFlag.AlignLeft |
                                 Qt.AlignmentFlag.AlignVCenter, painter.fontMetrics().elidedText(
                                     name, Qt.TextElideMode.ElideRight, int(width - 16)))


def _number(value: float) -> str:
    """7,5 and 40 as a Dane writes them."""
    return f"{value:g}".replace(".", ",")
