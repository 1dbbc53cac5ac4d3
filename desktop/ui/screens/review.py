"""Gennemsyn: the supervisor's review queue and the overviews per consultant and centre."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.dates import DateInputError
from desktop.models.changes import Changes
from desktop.models.queries import list_openings
from desktop.models.record_queries import Record, get_record
from desktop.models.review_queries import (
    CentreOverview,
    ConsultantOverview,
    QueueRow,
    overview_by_centre,
    overview_by_consultant,
    review_queue,
)
from desktop.ui import i18n
from desktop.ui.context import AppContext
from desktop.ui.i18n import fmt_date, tr
from desktop.ui.operation import Op
from desktop.ui.widgets.bar_chart import BarChart
from desktop.ui.widgets.cpr_guard import CprGuard
from desktop.ui.widgets.form import NARROW, DateField
from desktop.ui.widgets.tables import fill_table, read_only_table

VERDICTS = (("approved", "Approve"), ("has_issues", "Has issues"), ("rejected", "Reject"))


@dataclass
class Reading:
    visit: Record
    company: Record | None
    openings: list


class ReviewQueue(QWidget):
    """Visits waiting for a verdict, a reading pane, and the three verdict buttons."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.rows: list[QueueRow] = []
        self.consultant = QComboBox()
        self.consultant.setObjectName("consultant_filter")
        self.consultant.currentIndexChanged.connect(lambda _i: self.refresh())
        self.list = QListWidget()
        self.list.setObjectName("queue")
        self.list.currentRowChanged.connect(self._select)
        self.reading = QTextBrowser()
        self.reading.setObjectName("reading")
        self.comment = QPlainTextEdit()
        self.comment.setObjectName("comment")
        self.comment.setPlaceholderText(tr("Comment to the consultant (shown on their Today screen)"))
        self.comment.setMaximumHeight(90)
        self.message = QLabel()
        self.message.setObjectName("review_message")
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        self.buttons: dict[str, QPushButton] = {}
        texts = {"approved": tr("Approve"), "has_issues": tr("Has issues"), "rejected": tr("Reject")}
        for state, _source in VERDICTS:
            button = QPushButton(texts[state])
            button.setObjectName(f"verdict_{state}")
            button.clicked.connect(lambda _c=False, s=state: self.give_verdict(s))
            buttons.addWidget(button)
            self.buttons[state] = button
        right = QWidget()
        column = QVBoxLayout(right)
        column.addWidget(self.reading, 1)
        column.addWidget(self.comment)
        column.addWidget(CprGuard(self.comment))  # a CPR number in a comment is caught as it is typed
        column.addLayout(buttons)
        splitter = QSplitter()
        splitter.addWidget(self.list)
        splitter.addWidget(right)
        splitter.setSizes([330, 700])
        filters = QHBoxLayout()
        filters.addWidget(QLabel(tr("Consultant")))
        filters.addWidget(self.consultant)
        filters.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        self._fill_consultants()
        ctx.events.changes_applied.connect(self._changed)
        ctx.events.account_changed.connect(self._fill_consultants)  # names arrive after a sign-in or sync

    def _fill_consultants(self, _account: object = None) -> None:
        current = self.consultant.currentData()
        self.consultant.blockSignals(True)
        self.consultant.clear()
        self.consultant.addItem(tr("Everyone"), None)
        for user_id, name in sorted(self.ctx.account.names.items(), key=lambda item: item[1]):
            self.consultant.addItem(name, user_id)
        self.consultant.setCurrentIndex(max(self.consultant.findData(current), 0))
        self.consultant.blockSignals(False)

    def _changed(self, changes: Changes) -> None:
        if changes.touches("visit", "review") and self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fill_consultants()
        self.refresh()

    def refresh(self) -> None:
        """Read the queue for the chosen consultant (on the worker)."""
        consultant = self.consultant.currentData()
        Op.read(self.ctx, lambda s: review_queue(s, consultant_id=consultant), self).success(self._show).run()

    def _show(self, rows: list[QueueRow]) -> None:
        names = self.ctx.account.names
        self.rows = rows
        self.list.clear()
        for row in rows:
            state = i18n.choice("review", "state", row.state)
            who = names.get(row.consultant_id or "", "")
            self.list.addItem(QListWidgetItem(f"{fmt_date(row.visited_at)} · {row.company_name}\n{who} · {state}"))
        if not rows:
            nothing = tr("No visits wait for review.")
            self.reading.setHtml(f"<p>{escape(nothing)}</p>")
        for button in self.buttons.values():
            button.setEnabled(bool(rows))
        if rows:
            self.list.setCurrentRow(0)

    def _current(self) -> QueueRow | None:
        index = self.list.currentRow()
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def _select(self, _index: int) -> None:
        row = self._current()
        if row is None:
            return

        def query(session: Any) -> Reading:
            return Reading(get_record(session, "visit", row.visit_id), get_record(session, "company", row.company_id),
                           list_openings(session, company_id=row.company_id, limit=50).items)

        Op.read(self.ctx, query, self).success(self._read).run()

    def _read(self, reading: Reading) -> None:
        if reading.visit is None:
            return
        v = reading.visit.fields
        company = reading.company.fields if reading.company else {}
        names = self.ctx.account.names
        parts = [f"<h2>{escape(company.get('name', ''))}</h2>",
                 f"<p><b>{escape(i18n.label('visit', 'visited_at'))}:</b> {fmt_date(v['visited_at'])} "
                 f"({i18n.week(v['visited_at'])}) · {escape(i18n.choice('visit', 'kind', v.get('kind')))} · "
                 f"{escape(names.get(v.get('consultant_id') or '', ''))}</p>"]
        for field in ("participants", "body", "needs", "next_step"):
            if v.get(field):
                parts.append(f"<h4>{escape(i18n.label('visit', field))}</h4><p>{escape(v[field])}</p>".replace(
                    "\n", "<br>"))
        if v.get("follow_up_on"):
            parts.append(f"<p><b>{escape(i18n.label('visit', 'follow_up_on'))}:</b> {fmt_date(v['follow_up_on'])}</p>")
        if reading.openings:
            heading = tr("Openings at the company")
            items = "".join(
                f"<li>{escape(o.title)} — {escape(i18n.choice('opening', 'kind', o.kind))}, "
                f"{'' if o.hours_per_week is None else f'{o.hours_per_week:g}'.replace('.', ',')} t/uge, "
                f"{escape(i18n.choice('opening', 'status', o.status))}</li>" for o in reading.openings)
            parts.append(f"<h4>{escape(heading)}</h4><ul>{items}</ul>")
        self.reading.setHtml("".join(parts))

    def give_verdict(self, state: str) -> None:
        """Send the verdict to the server (online only), then sync so it comes back."""
        row = self._current()
        if row is None:
            return
        comment = self.comment.toPlainText().strip()
        if state != "approved" and not comment:
            self.message.setText(tr("Write a comment so the consultant knows what to change."))
            self.comment.setFocus()
            return
        self.message.setText(tr("Sending…"))

        def done(_result: object) -> None:
            self.message.setText(tr("Sent."))
            self.comment.clear()
            if self.ctx.runner is not None:
                future = self.ctx.runner.request()
                # Called on the sync thread, which keeps the future: the callback must not hold this widget
                # (its last reference would then go on that thread; desktop/ui/tasks.py, _Job).
                future.add_done_callback(self.ctx.events.sync_finished.emit)

        def failed(error: BaseException) -> None:
            from desktop.ui.errors import user_message

            self.message.setText(user_message(error) or tr("The verdict could not be sent."))

        service = self.ctx.service
        Op.network(self.ctx, lambda: service.review(row.visit_id, state, comment), self).success(done).failure(
            failed).run()


class Overview(QWidget):
    """Per consultant and per company centre, for a period."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        # Typed as in every form ("1-11-26", "31.3"); a QDateEdit turned "31" typed into November's day into 30.
        today = ctx.today()
        self.start = DateField(lambda: ctx.today())
        self.end = DateField(lambda: ctx.today())
        self.start.set_value(today.replace(day=1))
        self.end.set_value(today)
        for widget, name in ((self.start, "overview_start"), (self.end, "overview_end")):
            widget.setObjectName(name)
            widget.setMaximumWidth(NARROW)
            widget.editingFinished.connect(self.refresh)
            widget.picked.connect(self.refresh)
        self.period_error = QLabel()
        self.period_error.setObjectName("period_error")
        self.period_error.setProperty("role", "error")
        self.consultants = read_only_table([tr("Consultant"), tr("Visits"), tr("Openings created"), tr("Filled"),
                                        tr("Hours per week placed")])
        self.consultants.setObjectName("by_consultant")
        self.centres = read_only_table([tr("Company centre"), tr("Places"), tr("Visits in period"), tr("Last visit"),
                                    tr("Next visit due"), tr("Open openings")])
        self.centres.setObjectName("by_centre")
        period = QHBoxLayout()
        period.addWidget(QLabel(tr("Period")))
        period.addWidget(self.start)
        period.addWidget(QLabel("–"))
        period.addWidget(self.end)
        period.addWidget(self.period_error)
        period.addStretch(1)
        # The charts of the supervisor report's PDF, drawn on screen.
        self.visits_chart = BarChart(tr("Visits per week"))
        self.visits_chart.setObjectName("visits_chart")
        self.openings_chart = BarChart(tr("Openings by kind and status"))
        self.openings_chart.setObjectName("openings_chart")
        self.hours_chart = BarChart(tr("Hours per week placed"))
        self.hours_chart.setObjectName("hours_chart")
        charts = QHBoxLayout()
        for chart in (self.visits_chart, self.openings_chart, self.hours_chart):
            chart.setFixedHeight(200)  # the tables below keep room for a few rows each
            charts.addWidget(chart, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(period)
        layout.addLayout(charts)
        layout.addWidget(QLabel(tr("Per consultant")))
        layout.addWidget(self.consultants, 1)
        layout.addWidget(QLabel(tr("Per company centre")))
        layout.addWidget(self.centres, 1)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        """Read the overviews for the chosen period (on the worker)."""
        today = self.ctx.today()
        try:
            start, end = self.start.parsed(), self.end.parsed()
        except DateInputError as error:
            self.period_error.setText(error.message(i18n.language()))  # the last figures stay until it is fixed
            return
        self.period_error.clear()
        start, end = start or today.replace(day=1), end or today  # an emptied field: this month so far
        start, end = min(start, end), max(start, end)
        names = self.ctx.account.names  # the snapshot, read on the GUI thread

        def query(session: Any) -> tuple[list[ConsultantOverview], list[CentreOverview], Any]:
            from desktop.reports.supervisor import supervisor_report_data  # the PDF's numbers, for its charts

            # Every team on this device, as the tables beside the charts.
            report = supervisor_report_data(session, None, start, end, names=names, today=today)
            return overview_by_consultant(session, start, end), overview_by_centre(session, start, end, today), report

        Op.read(self.ctx, query, self).success(self._show).run()

    def _show(self, data: tuple[list[ConsultantOverview], list[CentreOverview], Any]) -> None:
        consultants, centres, report = data
        self._charts(report)
        names = self.ctx.account.names
        overdue = tr("overdue")
        fill_table(self.consultants, [[names.get(c.consultant_id or "", c.consultant_id or tr("Unknown")), c.visits,
                                       c.openings_created, c.openings_filled,
                                       f"{c.filled_hours_per_week:g}".replace(".", ",")] for c in consultants])
        fill_table(self.centres, [[c.name, c.places, c.visits_in_period, fmt_date(c.last_visit),
                                   fmt_date(c.next_due) + (f" ({overdue})" if c.overdue else ""),
                                   c.open_openings] for c in centres])


    def _charts(self, report: Any) -> None:
        weeks = [i18n.week(w.monday) if len(report.weeks) <= 9 else str(w.week) for w in report.weeks]
        visiting = [c for c in report.consultants if c.visits]
        self.visits_chart.set_data(weeks, [(c.name, c.visits_per_week) for c in visiting], stacked=len(visiting) > 4,
                                   empty=tr("No visits in the period."))
        statuses = [i18n.choice("opening", "status", s) for s in report.statuses]
        self.openings_chart.set_data([i18n.choice("opening", "kind", r.kind) for r in report.openings_by_kind],
                                     [(name, [r.counts[i] for r in report.openings_by_kind])
                                      for i, name in enumerate(statuses)],
                                     stacked=True, empty=tr("No openings in the period."))
        self.hours_chart.set_data(weeks, [(tr("Hours per week"), report.hours_placed_per_week)],
                                  empty=tr("No openings filled in the period."))


class ReviewScreen(QWidget):
    """Shown to supervisors and admins."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        title = QLabel(tr("Review"))
        title.setProperty("role", "title")
        self.queue = ReviewQueue(ctx)
        self.overview = Overview(ctx)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.queue, tr("Review queue"))
        self.tabs.addTab(self.overview, tr("Overview"))
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.tabs, 1)

