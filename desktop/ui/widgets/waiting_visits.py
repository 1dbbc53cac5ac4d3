"""I dag's flag for visits that have waited more than a day without reaching the server.

A consultant who wrote a visit offline on Monday should not find out on
Friday that it never left the laptop: this banner names such visits (each a
link that opens it) until the server has answered for them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from html import escape

from PySide6.QtWidgets import QLabel, QWidget

from desktop.models.receipts import WaitingVisit, waiting_visits
from desktop.ui.context import AppContext
from desktop.ui.i18n import fmt_date, tr
from desktop.ui.operation import Op
from desktop.ui.widgets.counts import counted
from desktop.ui.widgets.receipt import short_time


class WaitingVisitsBanner(QLabel):
    """A banner listing the visits waiting more than a day for the server (hidden when there are none)."""

    def __init__(self, ctx: AppContext, open_visit: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("waiting_visits")
        self.setProperty("role", "banner")
        self.setProperty("state", "has_issues")
        self.setWordWrap(True)
        self.setOpenExternalLinks(False)
        self.linkActivated.connect(open_visit)
        self.visits: list[WaitingVisit] = []
        self.hide()
        ctx.events.sync_status.connect(self._synced)

    def _synced(self, status: object) -> None:
        if not getattr(status, "syncing", False) and self.parentWidget() is not None \
                and self.parentWidget().isVisible():
            self.refresh()

    def refresh(self) -> None:
        """Read the waiting visits on the worker (now, in UTC, as the outbox stamps)."""
        now = datetime.now(UTC)
        Op.read(self.ctx, lambda session: waiting_visits(session, now), self).success(self._show).run()

    def _show(self, visits: list[WaitingVisit]) -> None:
        self.visits = visits
        if not visits:
            self.hide()
            return
        heading = counted(len(visits), tr("1 visit has waited more than a day without reaching the server"),
                          tr("%1 visits have waited more than a day without reaching the server"))
        lines = [f'<a href="{v.visit_id}">{escape(" · ".join(filter(None, [fmt_date(v.visited_at), v.company])))}</a>'
                 + " — " + escape(tr("saved %1").replace("%1", short_time(v.waiting_since))) for v in visits]
        advice = tr("Connect to the network and press Sync now; the visits are safe on this computer meanwhile.")
        self.setText("<b>" + escape(heading) + "</b><br>" + "<br>".join(lines) + "<br>" + escape(advice))
        self.show()
