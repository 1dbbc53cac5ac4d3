"""The Virksomhedscenterkatalog story: one block per company centre, built for speed.

A catalogue of 500 centres must render in well under 3 s (DESIGN.md §7). A
block made of Paragraphs in a KeepTogether is parsed once and wrapped three
times per cell, which alone took ~4 s for 500 centres. So each centre is one
Table of plain strings, wrapped to lines here with ``simpleSplit`` (no markup
parsing), that moves to the next page whole instead of splitting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.lib.units import cm
from reportlab.lib.utils import simpleSplit
from reportlab.platypus import Flowable, Table, TableStyle

from desktop.domain.formatting import dk_number, interval_label, span_label
from desktop.reports.data import CentreCatalogue, CentreEntry
from desktop.reports.layout import (
    FONT,
    FONT_BOLD,
    FRAME_WIDTH,
    INK,
    MARGIN,
    MUTED,
    PAGE,
    RULE,
    para,
    title_block,
)

LABEL_WIDTH = 3.7 * cm
VALUE_WIDTH = FRAME_WIDTH - LABEL_WIDTH
SIZE, LEADING = 8.5, 11.5
NAME_SIZE, NAME_LEADING = 11.5, 14.5
FRAME_HEIGHT = PAGE[1] - 2 * MARGIN
_PAD = 6  # right padding of the value column


class KeptBlock(Table):
    """A table that goes to the next page whole rather than split; only a block
    taller than a whole page is split (by rows), so nothing is ever lost."""

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803 - reportlab's names
        if getattr(self, "_height", 0) <= FRAME_HEIGHT:
            return []
        return super().split(availWidth, availHeight)


def _lines(text: str, width: float, font: str = FONT, size: float = SIZE) -> str:
    # Keep the user's own line breaks, and wrap each line to the column.
    out: list[str] = []
    for line in str(text).splitlines() or [""]:
        out += simpleSplit(line, font, size, width) or [""]
    return "\n".join(out)


def centre_block(entry: CentreEntry) -> KeptBlock:
    """One centre: name, how to reach it, then label / value rows and a rule under it."""
    rows: list[list[str]] = [[_lines(entry.name, FRAME_WIDTH, FONT_BOLD, NAME_SIZE), ""]]
    commands: list[tuple[Any, ...]] = [
        ("SPAN", (0, 0), (1, 0)),
        ("FONT", (0, 0), (1, 0), FONT_BOLD, NAME_SIZE, NAME_LEADING),
        ("FONT", (0, 1), (-1, -1), FONT, SIZE, LEADING),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("TEXTCOLOR", (0, 1), (0, -1), MUTED),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), _PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, 0), 1),
    ]
    reach = " · ".join(x for x in (
        entry.address_line, f"CVR {entry.cvr}" if entry.cvr else "", f"tlf. {entry.phone}" if entry.phone else "",
        entry.email or "") if x)
    if reach:
        rows.append([_lines(reach, FRAME_WIDTH), ""])
        commands += [("SPAN", (0, 1), (1, 1)), ("TEXTCOLOR", (0, 1), (1, 1), MUTED),
                     ("BOTTOMPADDING", (0, 1), (1, 1), 5)]
    mentors = entry.active_mentors
    for label, value in (
        ("Arbejdsområder", entry.work_areas),
        ("Målgrupper", entry.target_groups),
        ("Pladser", dk_number(entry.places)),
        ("Besøg", interval_label(entry.visit_interval_days)),
        ("Aftaleperiode", span_label(entry.agreement_start, entry.agreement_end)),
        ("Ansvarlig konsulent", entry.responsible),
    ):
        if value:
            rows.append([label, _lines(value, VALUE_WIDTH - _PAD)])
    for i, contact in enumerate(entry.contacts):
        label = ("Kontaktpersoner" if len(entry.contacts) > 1 else "Kontaktperson") if i == 0 else ""
        head = contact.name + (f", {contact.title}" if contact.title else "")
        rows.append([label, _lines(head, VALUE_WIDTH - _PAD)])
        if i:
            commands.append(("TOPPADDING", (0, len(rows) - 1), (-1, len(rows) - 1), 4))
        reach = " · ".join(x for x in (f"tlf. {contact.phone}" if contact.phone else "", contact.email or "") if x)
        if reach:
            rows.append(["", _lines(reach, VALUE_WIDTH - _PAD)])
            commands += [("TEXTCOLOR", (1, len(rows) - 1), (1, len(rows) - 1), MUTED),
                         ("TOPPADDING", (0, len(rows) - 1), (-1, len(rows) - 1), 0)]
    if mentors:
        rows.append(["Virksomhedsmentorer", f"{mentors} aktiv{'e' if mentors != 1 else ''}"])
    if entry.municipality:
        rows.append(["Kommune", _lines(entry.municipality, VALUE_WIDTH - _PAD)])
    # A thin rule under the block and air before the next one.
    commands += [("LINEBELOW", (0, -1), (-1, -1), 0.6, RULE), ("BOTTOMPADDING", (0, -1), (-1, -1), 9)]
    table = KeptBlock(rows, colWidths=[LABEL_WIDTH, VALUE_WIDTH], hAlign="LEFT", spaceAfter=10)
    table.setStyle(TableStyle(commands))
    return table


def centre_catalogue(data: CentreCatalogue, checkpoint: Callable[[str], None]) -> list[Flowable]:
    """One readable block per company centre, in name order, never split over two pages."""
    count = len(data.centres)
    story = title_block(
        data.title,
        f"{count} virksomhedscent{'re' if count != 1 else 'er'} · {data.total_places} pladser i alt",
        "Faste aftaler om arbejdsområder, målgrupper og pladser. Kontakt den ansvarlige konsulent før en "
        "borger henvises.",
    )
    if not data.centres:
        return [*story, para("Der er ingen virksomhedscentre.", "empty")]
    for i, entry in enumerate(data.centres):
        if i % 25 == 0:
            checkpoint(f"Virksomhedscenter {i + 1} af {count}")
        story.append(centre_block(entry))
    return story
