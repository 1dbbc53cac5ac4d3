"""Render report data to an A4 PDF with reportlab Platypus.

``render_pdf(data, path)`` picks the layout from the data's type. The PDF is
written in reportlab's invariant mode (fixed creation date and document id),
so the same data always gives the same bytes, and to a temporary file that
replaces ``path`` only when complete: a cancelled or failed render never
leaves a half-written PDF behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from desktop.cancel import CancelToken, Progress
from desktop.domain.formatting import dk_date
from desktop.reports import briefing_pdf, catalogue, digest_pdf, stories
from desktop.reports.briefing import Briefing
from desktop.reports.data import CentreCatalogue, FollowUpList, SupervisorReport, VisitSummary
from desktop.reports.digest import WeeklyDigest
from desktop.reports.layout import FONT, MARGIN, MUTED, PAGE, RULE, register_fonts

ReportData = VisitSummary | CentreCatalogue | SupervisorReport | FollowUpList | Briefing | WeeklyDigest
Story = Callable[[Any, Callable[[str], None]], list[Flowable]]

# data type -> (story builder, title used in the footer and the PDF's metadata)
LAYOUTS: dict[type, tuple[Story, str]] = {
    VisitSummary: (stories.visit_summary, "Besøgsreferat"),
    CentreCatalogue: (catalogue.centre_catalogue, "Virksomhedscenterkatalog"),
    SupervisorReport: (stories.supervisor_report, "Rapport til leder"),
    FollowUpList: (stories.follow_up_list, "Opfølgninger"),
    Briefing: (briefing_pdf.briefing_story, "Forberedelse til besøg"),
    WeeklyDigest: (digest_pdf.digest_story, "Ugens overblik"),
}


def footer_canvas(left_text: str) -> type[Canvas]:
    """A canvas class that prints a rule, ``left_text`` and "Side n af N" at the foot of every page.

    The total page count is only known at the end, so each finished page is
    kept and the footers are drawn when the document is saved (one layout
    pass, instead of building the document twice).
    """

    class FooterCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]  # reportlab internals the stubs leave out

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            super().save()

        def _footer(self, total: int) -> None:
            width, _ = PAGE
            y = MARGIN * 0.55
            self.saveState()
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(MARGIN, y + 11, width - MARGIN, y + 11)
            self.setFont(FONT, 7.5)
            self.setFillColor(MUTED)
            self.drawString(MARGIN, y, left_text)
            self.drawRightString(width - MARGIN, y, f"Side {self._pageNumber} af {total}")  # type: ignore[attr-defined]
            self.restoreState()

    return FooterCanvas


def render_pdf(
    data: ReportData,
    path: str | os.PathLike[str],
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> Path:
    """Write ``data`` as a PDF report at ``path`` and return the path.

    ``progress(done, total, message)`` is told how far the layout has come;
    ``cancel`` is checked between sections and while pages are laid out, and
    raises :class:`desktop.errors.Cancelled` (no file is left behind).
    """
    layout = LAYOUTS.get(type(data))
    if layout is None:
        raise TypeError(f"no PDF layout for {type(data).__name__}")
    build_story, title = layout
    register_fonts()

    def checkpoint(message: str) -> None:
        if cancel is not None:
            cancel.check()
        if progress is not None:
            progress(0, 0, message)

    story = build_story(data, checkpoint)
    checkpoint("Sætter siderne op")
    target = Path(path)
    handle, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".pdf.tmp", dir=target.parent)
    os.close(handle)
    doc = BaseDocTemplate(
        tmp_name, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN, title=_document_title(data, title), author="Feltbog", creator="Feltbog",
        subject=title, lang="da-DK", invariant=1,
    )
    # A frame without padding: text, tables and the rules line up with the margins exactly.
    frame = Frame(MARGIN, MARGIN, doc.width, doc.height, leftPadding=0, rightPadding=0, topPadding=0,
                  bottomPadding=0, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.setProgressCallBack(_layout_progress(progress, cancel))
    try:
        doc.build(story, canvasmaker=footer_canvas(f"Feltbog · {title} · udskrevet {dk_date(data.generated_on)}"))
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return target


def _document_title(data: Any, title: str) -> str:
    if isinstance(data, VisitSummary):
        return f"{title}: {data.company.name} {dk_date(data.visited_at)}"
    if isinstance(data, Briefing):
        return f"{title}: {data.company.name}"
    return title


def _layout_progress(progress: Progress | None, cancel: CancelToken | None) -> Callable[[str, int], None]:
    """Adapt reportlab's progress callback to ours, and check for cancel as flowables are placed."""
    state = {"total": 0}

    def on_progress(kind: str, value: int) -> None:
        if kind == "SIZE_EST":
            state["total"] = value
        elif kind == "PROGRESS":
            if cancel is not None:
                cancel.check()
            if progress is not None:
                progress(value, state["total"], "Sætter siderne op")
        elif kind == "PAGE" and cancel is not None:
            cancel.check()

    return on_progress
