"""The look of every PDF report: embedded fonts, paragraph styles, tables and rules.

Text is set in DejaVu Sans embedded from ``resources/fonts`` (the PDF base
fonts cannot print every Danish name reliably, and an embedded font looks the
same on every machine).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, HRFlowable, Paragraph, Spacer, Table, TableStyle

from desktop.paths import resource

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
PAGE = A4
MARGIN = 2 * cm
FRAME_WIDTH = PAGE[0] - 2 * MARGIN

INK = colors.HexColor("#1F2933")
ACCENT = colors.HexColor("#1F4E79")
MUTED = colors.HexColor("#616E7C")
RULE = colors.HexColor("#BCC6D0")
HEADER_BG = colors.HexColor("#E8EEF4")
ZEBRA = colors.HexColor("#F6F8FA")
WARN_HEX = "#B42318"
WARN = colors.HexColor(WARN_HEX)


@cache
def register_fonts() -> None:
    """Register the embedded DejaVu fonts once per process (bold as the <b> face)."""
    pdfmetrics.registerFont(TTFont(FONT, str(resource("fonts", "DejaVuSans.ttf"))))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(resource("fonts", "DejaVuSans-Bold.ttf"))))
    # No italic face ships with the app: italics print upright rather than fail.
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


@cache
def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles of all reports, by name."""
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13.5, textColor=INK, spaceAfter=5)
    return {
        "body": body,
        "title": ParagraphStyle("title", body, fontName=FONT_BOLD, fontSize=20, leading=24, textColor=ACCENT,
                                spaceAfter=2),
        "subtitle": ParagraphStyle("subtitle", body, fontSize=12, leading=16, textColor=INK, spaceAfter=2),
        "h2": ParagraphStyle("h2", body, fontName=FONT_BOLD, fontSize=12.5, leading=16, textColor=ACCENT,
                             spaceBefore=12, spaceAfter=5, keepWithNext=1),
        "h3": ParagraphStyle("h3", body, fontName=FONT_BOLD, fontSize=11.5, leading=14.5, textColor=INK,
                             spaceBefore=0, spaceAfter=1, keepWithNext=1),
        "meta": ParagraphStyle("meta", body, fontSize=8.5, leading=11.5, textColor=MUTED, spaceAfter=0),
        "label": ParagraphStyle("label", body, fontSize=8.5, leading=12, textColor=MUTED, spaceAfter=0),
        "cell": ParagraphStyle("cell", body, fontSize=8.5, leading=11.5, spaceAfter=0),
        "cell_right": ParagraphStyle("cell_right", body, fontSize=8.5, leading=11.5, spaceAfter=0,
                                     alignment=TA_RIGHT),
        "kpi": ParagraphStyle("kpi", body, fontName=FONT_BOLD, fontSize=17, leading=21, textColor=ACCENT,
                              spaceAfter=0),
        "kpi_label": ParagraphStyle("kpi_label", body, fontSize=8, leading=10.5, textColor=MUTED, spaceAfter=0),
        "note": ParagraphStyle("note", body, fontSize=8, leading=11, textColor=MUTED, spaceBefore=4),
        "empty": ParagraphStyle("empty", body, textColor=MUTED),
    }


_BLANK_LINES = re.compile(r"\n\s*\n")


def esc(text: object) -> str:
    """User text made safe for a Paragraph: markup characters escaped, line breaks kept."""
    return escape(str(text if text is not None else "")).replace("\r\n", "\n").replace("\n", "<br/>")


def para(text: object, style: str = "body", markup: bool = False) -> Paragraph:
    """One paragraph of (escaped, unless ``markup``) text in a named style."""
    return Paragraph(str(text) if markup else esc(text), styles()[style])


def paragraphs(text: str | None, style: str = "body", empty: str = "") -> list[Flowable]:
    """Free text as paragraphs: a blank line starts a new one, a single line break stays a break."""
    parts = [p.strip() for p in _BLANK_LINES.split(text or "") if p.strip()]
    if not parts:
        return [para(empty, "empty")] if empty else []
    return [para(p, style) for p in parts]


def title_block(title: str, subtitle: str = "", meta: str = "") -> list[Flowable]:
    """The report's title, an optional subtitle and meta line, and a rule under them."""
    out: list[Flowable] = [para(title, "title")]
    if subtitle:
        out.append(para(subtitle, "subtitle"))
    if meta:
        out.append(para(meta, "meta"))
    out += [Spacer(1, 4), rule(ACCENT, 1.2), Spacer(1, 6)]
    return out


def rule(color: colors.Color = RULE, thickness: float = 0.6, space: float = 2) -> HRFlowable:
    """A thin full-width horizontal rule."""
    return HRFlowable(width="100%", thickness=thickness, color=color, spaceBefore=space, spaceAfter=space)


def heading(text: str) -> Paragraph:
    """A section heading (kept with what follows it)."""
    return para(text, "h2")


def kv_table(rows: Sequence[tuple[str, object]], label_width: float = 4.2 * cm,
             width: float = FRAME_WIDTH) -> Table:
    """Label / value pairs in two columns; rows with an empty value are left out.

    A value may be a string (escaped) or a ready flowable or list of them.
    """
    data = []
    for label, value in rows:
        if value in (None, "", [], ()):
            continue
        cell = value if isinstance(value, Flowable | list) else para(value, "cell")
        data.append([para(label, "label"), cell])
    table = Table(data or [["", ""]], colWidths=[label_width, width - label_width], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]))
    return table


def data_table(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    col_widths: Sequence[float | None],
    *,
    right: Sequence[int] = (),
    total_row: bool = False,
    highlight: Sequence[int] = (),
) -> Table:
    """A list with a bold header row repeated on every page, light zebra stripes and thin rules.

    ``right``: column indexes aligned right (numbers). ``total_row``: the last row
    is a sum and prints bold above a rule. ``highlight``: row indexes (0 = first
    data row) printed in the warning colour, e.g. overdue follow-ups.
    """
    all_styles = styles()
    widths = fit_widths(header, rows, col_widths)
    last = len(rows) - 1 if total_row else -1
    warn = set(highlight)

    def cell(value: object, row: int, col: int) -> object:
        if isinstance(value, Flowable):
            return value
        style = all_styles["cell_right" if col in right else "cell"]
        text = esc(value)
        if row == -1 or row == last:
            text = f"<b>{text}</b>"
        if row in warn:
            text = f'<font color="{WARN_HEX}">{text}</font>'
        return Paragraph(text, style)

    data = [[cell(h, -1, i) for i, h in enumerate(header)]]
    data += [[cell(v, r, i) for i, v in enumerate(row)] for r, row in enumerate(rows)]
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    commands += [("BACKGROUND", (0, i), (-1, i), ZEBRA) for i in range(2, len(data), 2)]
    if total_row and rows:
        commands += [("LINEABOVE", (0, -1), (-1, -1), 0.8, INK), ("BACKGROUND", (0, -1), (-1, -1), colors.white)]
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    return table


FIT = None  # a column as wide as its widest text
FLEX = -1.0  # the column that takes the width the others leave
_CELL_PADDING = 8


def fit_widths(header: Sequence[str], rows: Sequence[Sequence[object]], spec: Sequence[float | None],
               width: float = FRAME_WIDTH) -> list[float]:
    """Column widths from a spec of fixed widths, FIT columns (measured) and one FLEX column.

    Measuring short columns (dates, numbers, kinds) keeps them on one line whatever
    the words; the long text goes in the FLEX column, which wraps.
    """
    size = styles()["cell"].fontSize
    out: list[float] = []
    for col, want in enumerate(spec):
        if want is FIT:
            texts = [str(row[col]) for row in rows if not isinstance(row[col], Flowable)]
            natural = max((pdfmetrics.stringWidth(t, FONT, size) for t in texts), default=0)
            natural = max(natural, pdfmetrics.stringWidth(str(header[col]), FONT_BOLD, size))
            out.append(natural + _CELL_PADDING + 0.5)
        else:
            out.append(want)
    if FLEX in out:
        i = out.index(FLEX)
        out[i] = 0
        out[i] = max(width - sum(out), 2 * cm)
    return out


def kpi_row(figures: Sequence[tuple[str, str]], width: float = FRAME_WIDTH) -> Table:
    """Key figures side by side: a big number over a small label, in light boxes."""
    cells = [[[para(value, "kpi"), para(label, "kpi_label")] for value, label in figures]]
    table = Table(cells, colWidths=[width / len(figures)] * len(figures), hAlign="LEFT")
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), HEADER_BG),
        ("LINEAFTER", (0, 0), (-2, -1), 3, colors.white),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
    ]))
    return table
