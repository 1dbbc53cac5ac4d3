"""Rapporter: the centre catalogue, the supervisor report and the follow-up list as PDF."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.cancel import CancelToken, Progress
from desktop.domain.dates import DateInputError
from desktop.ui import i18n
from desktop.ui.context import AppContext
from desktop.ui.i18n import tr
from desktop.ui.operation import Op
from desktop.ui.widgets.form import NARROW, DateField
from desktop.ui.widgets.team import choosing_team, fill_teams, team_combo

KINDS = ("catalogue", "supervisor", "follow_ups", "digest")


def save_pdf(ctx: AppContext, parent: QWidget, suggested: str, build: Callable[[Any], Any],
             open_after: bool = True) -> None:
    """Ask where to save, build the report data and render it in the background, then open it."""
    path, _ = QFileDialog.getSaveFileName(parent, tr("Save as PDF"), str(Path.home() / suggested), "PDF (*.pdf)")
    if not path:
        return
    from desktop.reports import render_pdf

    db = ctx.db

    def work(progress: Progress, cancel: CancelToken) -> Path:
        with db.read() as session:
            data = build(session)
        return render_pdf(data, path, progress, cancel)

    def done(written: Path) -> None:
        parent.setProperty("last_pdf", str(written))
        if open_after:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(written)))

    Op.long(ctx, work, tr("Making the PDF…"), parent).success(done).run()


class ReportsScreen(QWidget):
    """Pick a report and a period; "Gem som PDF" writes and opens it."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        title = QLabel(tr("Reports"))
        title.setProperty("role", "title")
        self.kind = QComboBox()
        self.kind.setObjectName("report_kind")
        for kind, text in zip(KINDS, (tr("Company centre catalogue"), tr("Supervisor report for a period"),
                                      tr("My follow-ups for a period"),
                                      tr("Weekly digest for the week of the start date")), strict=True):
            self.kind.addItem(text, kind)
        # Typed as in every form ("1-11-26", "7/12", "i morgen"), with the same calendar button.
        self.start = DateField(lambda: ctx.today())
        self.end = DateField(lambda: ctx.today())
        self._suggested: tuple[str, str] | None = None
        self._suggest_period()
        for widget, name in ((self.start, "report_start"), (self.end, "report_end")):
            widget.setObjectName(name)
            widget.setMaximumWidth(NARROW)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("report_message")
        self.message.setProperty("role", "error")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(tr("Report"), self.kind)
        form.addRow(tr("From"), self.start)
        form.addRow(tr("To"), self.end)
        # A user in two teams says which team the supervisor report is for.
        self.team = team_combo(ctx.account, self)
        form.addRow(tr("Team"), self.team)
        self.form = form
        ctx.events.account_changed.connect(self._account_changed)
        save = QPushButton(tr("Save as PDF…"))
        save.setObjectName("save_pdf")
        save.clicked.connect(self.save)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(save)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.explain)
        layout.addWidget(self.message)
        layout.addLayout(row)
        layout.addStretch(1)
        self.kind.currentIndexChanged.connect(self._explain)
        self._explain()

    def _account_changed(self, account: Any) -> None:
        fill_teams(self.team, account)
        self._explain()

    def _suggest_period(self) -> None:
        """This month from its first day, to 30 days ahead; a period the user typed is kept."""
        if self._suggested is not None and (self.start.text(), self.end.text()) != self._suggested:
            return
        today = self.ctx.today()
        self.start.set_value(today.replace(day=1))
        self.end.set_value(today + timedelta(days=30))
        self._suggested = (self.start.text(), self.end.text())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._suggest_period()  # the app left open over the month's end suggests the new month

    def _explain(self) -> None:
        kind = self.kind.currentData()
        texts = {
            "catalogue": tr("All company centres with work areas, target groups, places, agreement and contacts, "
                            "as case workers use it."),
            "supervisor": tr("Visits per week per consultant, openings by kind and status, and hours per week "
                             "placed, for your team in the period."),
            "follow_ups": tr("Your follow-ups due in the period, by date and week."),
            "digest": tr("The team's week per consultant: visits written and waiting for review, openings created "
                         "and filled, internships starting and ending, overdue follow-ups and centres."),
        }
        self.explain.setText(texts[kind])
        period = kind != "catalogue"
        self.start.setEnabled(period)
        self.end.setEnabled(period and kind != "digest")
        self.form.setRowVisible(self.team, kind in ("supervisor", "digest") and choosing_team(self.ctx.account))

    def save(self) -> None:
        """Build the chosen report for the period and save it as PDF."""
        from desktop.reports import centre_catalogue_data, follow_up_list_data, supervisor_report_data

        kind = self.kind.currentData()
        account = self.ctx.account  # the snapshot: no database or keychain read on the GUI thread
        names = account.names
        start = end = self.ctx.today()
        if kind != "catalogue":
            try:
                start, end = self.start.parsed(), self.end.parsed()
            except DateInputError as error:
                self.message.setText(error.message(i18n.language()))
                return
            today = self.ctx.today()
            start, end = start or today.replace(day=1), end or today  # an emptied field: this month so far
            start, end = min(start, end), max(start, end)
        self.message.clear()
        if kind == "catalogue":
            build = lambda s: centre_catalogue_data(s, names=names)  # noqa: E731
            suggested = "virksomhedscenterkatalog.pdf"
        elif kind == "digest":
            from desktop.reports import weekly_digest_data

            chosen = next((t for t in account.teams if t.id == self.team.currentData()), account.default_team)
            team, team_name = (chosen.id, chosen.name) if chosen else (None, "")
            monday, today = start - timedelta(days=start.weekday()), self.ctx.today()
            build = lambda s: weekly_digest_data(s, team, week_start=monday, today=today, names=names,  # noqa: E731
                                                 team_name=team_name)
            suggested = f"ugens-overblik-{monday:%Y-%m-%d}.pdf"
        elif kind == "supervisor":
            chosen = next((t for t in account.teams if t.id == self.team.currentData()), account.default_team)
            team = chosen.id if chosen else None
            team_name = chosen.name if chosen else ""
            today = self.ctx.today()  # the app's day (centres overdue), not the clock's
            build = lambda s: supervisor_report_data(s, team, start, end, names=names, team_name=team_name,  # noqa: E731
                                                     today=today)
            suggested = f"lederrapport-{start:%Y-%m-%d}.pdf"
        else:
            user = account.user_id
            build = lambda s: follow_up_list_data(s, user, start, end, names=names)  # noqa: E731
            suggested = f"opfoelgninger-{start:%Y-%m-%d}.pdf"
        save_pdf(self.ctx, self, suggested, build)
