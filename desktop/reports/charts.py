"""Bar charts for the PDF reports, drawn with reportlab's own graphics (no Qt, no matplotlib).

Each function returns a :class:`reportlab.graphics.shapes.Drawing` that is a
Platypus flowable: it goes straight into a story.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from desktop.domain.formatting import dk_number

FONT = "DejaVuSans"
INK = colors.HexColor("#1F2933")
MUTED = colors.HexColor("#616E7C")
GRID = colors.HexColor("#D9DEE4")
# Colour-blind-friendly: Okabe-Ito, then Paul Tol's muted set for teams of more than seven;
# the pale yellow goes last as it barely shows on white paper.
PALETTE = [colors.HexColor(c) for c in (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#332288", "#882255", "#44AA99",
    "#999933", "#AA4499", "#117733", "#6699CC", "#000000", "#F0E442",
)]
LEGEND_ROW = 13  # points per legend row


def nice_step(maximum: float, ticks: int = 5) -> float:
    """A round axis step (1, 2, 5 x 10^n) giving about ``ticks`` gridlines up to ``maximum``."""
    if maximum <= ticks:
        return 1  # counts and hours: whole-number steps
    raw = maximum / ticks
    magnitude = 10.0 ** math.floor(math.log10(raw))
    return next(f * magnitude for f in (1, 2, 5, 10) if raw <= f * magnitude)


def thin_labels(labels: Sequence[str], room: int) -> list[str]:
    """Keep every n-th label so at most ``room`` are shown; the others stay blank."""
    step = max(1, math.ceil(len(labels) / room))
    return [label if i % step == 0 else "" for i, label in enumerate(labels)]


def bar_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    width: float,
    height: float = 190,
    stacked: bool = False,
    value_unit: str = "",
) -> Drawing:
    """A vertical bar chart: one group (or stack) per category, one colour per series, legend below.

    ``value_unit`` is printed above the value axis (e.g. "besøg" or "timer").
    """
    legend_rows = math.ceil(len(series) / 3) if len(series) > 1 else 0
    legend_height = legend_rows * LEGEND_ROW + (8 if legend_rows else 0)
    drawing = Drawing(width, height + legend_height)
    chart = VerticalBarChart()
    chart.x, chart.y = 34, legend_height + 26
    chart.width, chart.height = width - chart.x - 6, height - 26 - 16  # type: ignore[assignment]  # the stubs say int; reportlab takes points as floats
    chart.data = [list(values) for _, values in series] or [[0] * len(categories)]
    if stacked:
        chart.categoryAxis.style = "stacked"
        top = max((sum(col) for col in zip(*chart.data, strict=True)), default=0)
    else:
        top = max((max(values, default=0) for values in chart.data), default=0)
    step = nice_step(top)
    chart.valueAxis.valueMin = 0
    # At least four gridlines: one visit in a week must not fill the whole height.
    chart.valueAxis.valueMax = step * max(4, math.ceil(top / step))
    chart.valueAxis.valueStep = step
    chart.valueAxis.labelTextFormat = dk_number
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labels.fillColor = MUTED
    chart.valueAxis.strokeColor = GRID
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRID
    chart.valueAxis.gridStrokeWidth = 0.4
    chart.categoryAxis.categoryNames = thin_labels(list(categories), room=max(4, int(chart.width // 34)))
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.fillColor = INK
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.categoryAxis.labels.dy = -3
    chart.categoryAxis.strokeColor = MUTED
    chart.categoryAxis.tickDown = 2
    # Bar sizes are relative; set them in points so a bar is never wider than
    # 22 pt, however few weeks or consultants there are.
    bars_per_group = 1 if stacked else len(chart.data)
    slot = chart.width / max(1, len(categories))
    chart.barSpacing = 1 if bars_per_group > 1 else 0
    chart.barWidth = min(22.0, slot * 0.78 / bars_per_group)  # type: ignore[assignment]  # the stubs say int; reportlab takes points as floats
    chart.groupSpacing = slot - bars_per_group * chart.barWidth - (bars_per_group - 1) * chart.barSpacing  # type: ignore[assignment]  # the stubs say int; reportlab takes points as floats
    chart.bars.strokeColor = None
    for i in range(len(chart.data)):
        chart.bars[i].fillColor = PALETTE[i % len(PALETTE)]
    drawing.add(chart)
    if value_unit:
        # Above the value axis, starting at the drawing's left edge so a long unit is never clipped.
        drawing.add(String(0, chart.y + chart.height + 9, value_unit, fontName=FONT, fontSize=7,
                           fillColor=MUTED, textAnchor="start"))
    if legend_rows:
        drawing.add(_legend(series, chart.x, legend_height - 4, width - chart.x))
    return drawing


def _legend(series: Sequence[tuple[str, Sequence[float]]], x: float, top: float, width: float) -> Legend:
    legend = Legend()
    legend.x, legend.y = x, top  # type: ignore[assignment]  # the stubs say int; reportlab takes points as floats
    legend.alignment = "right"
    legend.fontName = FONT
    legend.fontSize = 7.5
    legend.fillColor = INK
    legend.boxAnchor = "nw"
    legend.columnMaximum = math.ceil(len(series) / 3)
    legend.deltax = width / 3  # type: ignore[assignment]  # the stubs say int; reportlab takes points as floats
    legend.deltay = LEGEND_ROW
    legend.dx = legend.dy = 7
    legend.dxTextSpace = 5
    legend.strokeColor = None
    legend.strokeWidth = 0
    legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], name) for i, (name, _) in enumerate(series)]
    return legend
