"""Forberedelse til besøg: the briefing on screen, with its one-page PDF ready to open, print or save.

Everything is read from the local database, so it works in the car with no
network. The PDF is written to a private temporary folder (never next to an
encrypted database) and removed when the app quits; "Gem som…" keeps a copy.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QFileDialog, QTextBrowser, QVBoxLayout, QWidget

from desktop.cancel import CancelToken, Progress
from desktop.reports.briefing import Briefing
from desktop.ui.context import AppContext
from desktop.ui.i18n import tr
from desktop.ui.operation import Op
from desktop.ui.widgets.buttons import button_row


@cache
def _private_folder() -> Path:
    """A folder only this user can read (mkdtemp makes it 0700), removed at exit."""
    folder = Path(tempfile.mkdtemp(prefix="feltbog-forberedelse-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def _file_name(name: str) -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in name).strip("-")[:60] or "virksomhed"
    return f"forberedelse-{safe}.pdf"


def show_briefing(ctx: AppContext, company_id: str, parent: QWidget) -> None:
    """Build the briefing and its PDF in the background, then show it (the company page's button)."""
    from desktop.reports import briefing_data, render_pdf

    db, names, today = ctx.db, ctx.account.names, ctx.today()  # plain values, read on the GUI thread

    def work(progress: Progress, cancel: CancelToken) -> tuple[Briefing, Path]:
        with db.read() as session:
            data = briefing_data(session, company_id, names=names, today=today)
        return data, render_pdf(data, _private_folder() / _file_name(data.company.name), progress, cancel)

    def done(result: tuple[Briefing, Path]) -> None:
        dialog = BriefingDialog(ctx, *result, parent)
        parent.setProperty("briefing_dialog", dialog)  # tests (and the next click) find it
        dialog.show()

    Op.long(ctx, work, tr("Making the briefing…"), parent).success(done).run()


class BriefingDialog(QDialog):
    """The briefing as readable text, with buttons to open (print) or save the PDF."""

    def __init__(self, ctx: AppContext, data: Briefing, pdf: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        from desktop.reports.briefing_html import briefing_html

        self.data = data
        self.pdf = pdf
        self.setWindowTitle(tr("Before the visit: %1").replace("%1", data.company.name))
        self.resize(760, 820)
        self.text = QTextBrowser()
        self.text.setObjectName("briefing_text")
        self.text.setAccessibleName(tr("Briefing"))
        self.text.setOpenExternalLinks(False)
        self.text.setHtml(briefing_html(data))
        buttons = button_row([(tr("Open PDF to print"), self.open_pdf, "open_pdf"),
                              (tr("Save PDF as…"), self.save_pdf, "save_briefing_pdf"),
                              (tr("Close"), self.accept, "close")])
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addLayout(buttons)

    def open_pdf(self) -> None:
        """Open the PDF in the system's viewer (to print it or take it along)."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.pdf)))

    def save_pdf(self) -> None:
        """Keep a copy of the PDF where the user chooses."""
        path, _ = QFileDialog.getSaveFileName(self, tr("Save as PDF"), str(Path.home() / self.pdf.name),
                                              "PDF (*.pdf)")
        if path:
            source = self.pdf
            Op.network(self.ctx, lambda: shutil.copyfile(source, path), self).success(
                lambda written: self.setProperty("saved_pdf", str(written))).run()
