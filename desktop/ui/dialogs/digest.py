"""Ugens overblik: the supervisor's weekly digest on screen, offered once a week and on demand.

On the first start in a new week (Monday or later) a supervisor is shown last
week's digest once; the week it was offered is remembered in the local
database (``digest.offered_week``), so the next start that week stays quiet.
Work > "Ugens overblik…" shows it any time; "Gem som PDF…" saves it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QTextBrowser, QVBoxLayout, QWidget

from desktop.domain.digest import last_week, week_key
from desktop.reports.digest import WeeklyDigest
from desktop.ui.context import AppContext
from desktop.ui.i18n import tr
from desktop.ui.operation import Op
from desktop.ui.widgets.bar_chart import BarChart
from desktop.ui.widgets.buttons import button_row

OFFERED_KEY = "digest.offered_week"


def show_digest(ctx: AppContext, parent: QWidget, week_start: date | None = None) -> None:
    """Count last week (or the week beginning ``week_start``) for the user's team and show it."""
    from desktop.reports import weekly_digest_data

    account, today = ctx.account, ctx.today()  # plain values, read on the GUI thread
    team = account.default_team
    team_id, team_name = (team.id, team.name) if team else (None, "")
    names = account.names

    def query(session: Any) -> WeeklyDigest:
        return weekly_digest_data(session, team_id, week_start=week_start, today=today, names=names,
                                  team_name=team_name)

    def done(digest: WeeklyDigest) -> None:
        dialog = DigestDialog(ctx, digest, parent)
        parent.setProperty("digest_dialog", dialog)  # tests (and the next call) find it
        dialog.show()

    Op.read(ctx, query, parent).success(done).run()


def offer_weekly_digest(ctx: AppContext, parent: QWidget) -> None:
    """Show last week's digest if the user is a supervisor and it was not offered yet this week."""
    if not ctx.account.supervisor:
        return
    db, this_week = ctx.db, week_key(ctx.today())

    def claim() -> bool:
        from desktop.models.state_store import claim as claim_value

        with db.write() as session:
            return claim_value(session, OFFERED_KEY, this_week)

    Op.call(ctx, claim, parent).success(lambda first: show_digest(ctx, parent) if first else None).run()


class DigestDialog(QDialog):
    """The digest's figures per consultant, with "Gem som PDF…" for the full page with charts."""

    def __init__(self, ctx: AppContext, digest: WeeklyDigest, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from desktop.reports.digest_html import digest_html

        self.ctx = ctx
        self.digest = digest
        self.setWindowTitle(tr("Weekly digest: week %1").replace("%1", str(digest.counts.week)))
        self.resize(920, 640)
        self.text = QTextBrowser()
        self.text.setObjectName("digest_text")
        self.text.setAccessibleName(tr("Weekly digest"))
        self.text.setHtml(digest_html(digest))
        # The table is as wide as the view: a horizontal scroll bar would only ever scroll a pixel or two.
        self.text.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # The PDF's two charts, drawn on screen: the week per consultant, and visits per week for eight weeks.
        self.week_chart = BarChart(tr("The week per consultant"))
        self.week_chart.setObjectName("digest_week_chart")
        self.trend_chart = BarChart(tr("Visits per week"))
        self.trend_chart.setObjectName("digest_trend_chart")
        rows = digest.rows
        self.week_chart.set_data([name for name, _ in rows], [
            (label, [figures[i] for _, figures in rows]) for i, label in
            ((0, tr("Visits written")), (2, tr("Openings created")), (3, tr("Openings filled")))], empty=tr("Nothing."))
        trend = [(name, c.visits_per_week) for name, c in digest.named() if any(c.visits_per_week)]
        weeks = [tr("week %1").replace("%1", str(monday.isocalendar()[1])) for monday in digest.counts.trend_mondays]
        self.trend_chart.set_data(weeks, trend, stacked=len(trend) > 4, empty=tr("No visits yet."))
        charts = QHBoxLayout()
        for chart in (self.week_chart, self.trend_chart):
            chart.setFixedHeight(220)
            charts.addWidget(chart, 1)
        buttons = button_row([(tr("Previous week"), self.previous_week, "previous_week"),
                              (tr("Save as PDF…"), self.save_pdf, "save_digest_pdf"),
                              (tr("Close"), self.accept, "close")])
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addLayout(charts)
        layout.addLayout(buttons)

    def save_pdf(self) -> None:
        """Save this digest, with its charts, as a PDF and open it."""
        from desktop.ui.screens.reports import save_pdf

        digest = self.digest
        save_pdf(self.ctx, self, f"ugens-overblik-uge-{digest.counts.week}.pdf", lambda _session: digest)

    def previous_week(self) -> None:
        """The week before this one (a supervisor back from holiday)."""
        parent = self.parentWidget() or self
        show_digest(self.ctx, parent, last_week(self.digest.counts.start))
        self.accept()
