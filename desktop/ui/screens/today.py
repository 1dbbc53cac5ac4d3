"""I dag: follow-ups due, centres due for a visit, recent visits, and the supervisor's comments on my notes
(for a supervisor: the visits that wait for review)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from desktop.models.centre_queries import centres_due
from desktop.models.changes import Changes
from desktop.models.queries import CompanyRow, FollowUpRow, VisitRow, list_follow_ups, list_visits
from desktop.models.record_queries import ReviewRow, record_title, reviews_on_my_visits
from desktop.models.review_queries import QueueRow, review_queue
from desktop.ui import i18n
from desktop.ui.context import AppContext
from desktop.ui.i18n import fmt_date, tr, week
from desktop.ui.operation import Op
from desktop.ui.visit_state import visit_state_text
from desktop.ui.widgets.counts import counted
from desktop.ui.widgets.waiting_visits import WaitingVisitsBanner


@dataclass
class TodayData:
    follow_ups: list[FollowUpRow]
    centres: list[tuple[CompanyRow, object]]
    visits: list[VisitRow]
    reviews: list[tuple[ReviewRow, str]]
    queue: list[QueueRow] | None = None  # a supervisor's: the visits waiting for review


class TodayScreen(QWidget):
    """The consultant's start page."""

    def __init__(self, ctx: AppContext, open_company: Callable[[str], None],
                 open_visit: Callable[[str], None], open_review: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.open_company = open_company
        self.open_visit = open_visit
        self.open_review = open_review
        self._planned_on = ctx.today()  # the centres' follow-ups were planned at start-up
        self.heading = QLabel()
        self.heading.setProperty("role", "title")
        self.groups: dict[str, QGroupBox] = {}
        self.follow_ups = self._box("follow_ups")
        self.centres = self._box("centres")
        self.visits = self._box("visits")
        self.reviews = self._box("reviews")
        grid = QGridLayout()
        for i, (title, widget) in enumerate((
            (tr("Follow-ups due"), self.follow_ups), (tr("Company centres due for a visit"), self.centres),
            (tr("Recent visits"), self.visits), (tr("Comments from your supervisor"), self.reviews),
        )):
            group = QGroupBox(title)
            group.setObjectName(f"group_{widget.objectName()}")
            self.groups[widget.objectName()] = group
            QVBoxLayout(group).addWidget(widget)
            grid.addWidget(group, i // 2, i % 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        self.waiting = WaitingVisitsBanner(ctx, open_visit)  # visits more than a day without the server
        layout.addWidget(self.waiting)
        layout.addLayout(grid, 1)
        self.centres.itemActivated.connect(lambda item: self.open_company(item.data(256)))
        self.visits.itemActivated.connect(lambda item: self.open_visit(item.data(256)))
        self.reviews.itemActivated.connect(self._open_review_item)
        self.follow_ups.itemActivated.connect(self._open_follow_up)
        ctx.events.changes_applied.connect(self._changed)
        ctx.events.account_changed.connect(self._changed)  # signed in as someone: their follow-ups

    def _box(self, name: str) -> QListWidget:
        widget = QListWidget()
        widget.setObjectName(name)
        widget.setWordWrap(True)
        return widget

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def _changed(self, _what: Changes | object) -> None:
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        """Read today's lists on the worker (the user and date captured here).

        On a new day (the app left open overnight) the centres whose visit interval ran out get their
        follow-up first, as at start-up (desktop.ui.app.run_app), so it is on the list without a restart.
        """
        today, user, supervisor = self.ctx.today(), self.ctx.account.user_id, self.ctx.account.supervisor
        if today != self._planned_on:
            self._planned_on = today
            Op.write(self.ctx, lambda ops: ops.plan_centre_follow_ups(), self).run()  # what it plans refreshes us

        def query(session: Any) -> TodayData:
            reviews = [(r, record_title(session, "visit", r.visit_id)) for r in reviews_on_my_visits(session, user)] \
                if user else []
            return TodayData(
                list_follow_ups(session, done=False, due_until=today, assignee_id=user, limit=100).items,
                # A consultant sees the centres they are responsible for (and unassigned ones);
                # a supervisor, or a laptop never signed in, sees every centre due.
                [(c, last) for c, last in centres_due(session, today)
                 if supervisor or not user or c.responsible_user_id in (user, None)],
                list_visits(session, consultant_id=user, limit=15).items,
                reviews,
                review_queue(session) if supervisor else None,
            )

        Op.read(self.ctx, query, self).success(self._show).run()
        self.waiting.refresh()

    def _show(self, data: TodayData) -> None:
        today = self.ctx.today()
        overdue = tr("overdue")
        self.heading.setText(tr("Today, %1").replace("%1", f"{fmt_date(today)} ({week(today)})"))
        self._fill(self.follow_ups, [
            (" · ".join(filter(None, [fmt_date(f.due_on), f.company_name, _concerns(f)]))
             + (f" — {f.note}" if f.note else "") + (f"  ({overdue})" if f.due_on < today else ""),
             f"{f.subject_kind}:{f.subject_id}")
            for f in data.follow_ups
        ], tr("Nothing due. Well done."))
        self._fill(self.centres, [
            (f"{c.name} — " + (tr("last visit %1").replace("%1", fmt_date(last)) if last else tr("never visited")),
             c.id) for c, last in data.centres
        ], tr("All centres have been visited in time."))
        self._fill(self.visits, [
            (f"{fmt_date(v.visited_at)} · {v.company_name} · {visit_state_text(v.status, v.review_state)}", v.id)
            for v in data.visits
        ], tr("No visits yet."))
        group = self.groups["reviews"]
        if data.queue is not None:  # a supervisor: what waits for me, not comments from a supervisor
            names = self.ctx.account.names
            group.setTitle(counted(len(data.queue), tr("1 visit waits for review"), tr("%1 visits wait for review")))
            self._fill(self.reviews, [
                (" · ".join(filter(None, [fmt_date(q.visited_at), q.company_name, names.get(q.consultant_id or "", ""),
                                          i18n.choice("review", "state", q.state)])), f"queue:{q.visit_id}")
                for q in data.queue
            ], tr("No visits wait for review."))
            return
        group.setTitle(tr("Comments from your supervisor"))
        self._fill(self.reviews, [
            (f"{title}: {i18n.choice('review', 'state', r.state)}" + (f" — {r.comment}" if r.comment else ""),
             r.visit_id) for r, title in data.reviews
        ], tr("No comments."))

    @staticmethod
    def _fill(widget: QListWidget, items: list[tuple[str, str]], empty: str) -> None:
        widget.clear()
        for text, record_id in items:
            item = QListWidgetItem(text)
            item.setData(256, record_id)
            widget.addItem(item)
        if not items:
            item = QListWidgetItem(empty)
            item.setFlags(item.flags() & ~item.flags().ItemIsEnabled)
            widget.addItem(item)

    def _open_review_item(self, item: QListWidgetItem) -> None:
        """A comment opens the visit; a supervisor's waiting visit opens the review queue."""
        data = item.data(256) or ""
        if data.startswith("queue:"):
            if self.open_review is not None:
                self.open_review()
        elif data:
            self.open_visit(data)

    def _open_follow_up(self, item: QListWidgetItem) -> None:
        kind, _, subject = (item.data(256) or "").partition(":")
        if kind == "company":
            self.open_company(subject)
        elif kind == "visit":
            self.open_visit(subject)


def _concerns(follow_up: FollowUpRow) -> str:
    """What the follow-up is about, unless the company or the note says it already ("Midtvejsopfølgning: Rengøring"
    named the opening twice in one line)."""
    title = follow_up.subject_title or ""
    return "" if title == follow_up.company_name or title in (follow_up.note or "") else title
