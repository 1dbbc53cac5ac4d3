"""The status bar's sync corner: online or not, unsent changes, last sync, Sync now."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from desktop.sync.runner import SyncStatus
from desktop.ui.i18n import fmt_datetime, tr


class SyncStatusWidget(QWidget):
    """Shows a SyncStatus; the button asks for a sync now."""

    def __init__(self, on_sync_now: Callable[[], None]) -> None:
        super().__init__()
        self.state = QLabel()
        self.state.setObjectName("sync_state")
        self.pending = QLabel()
        self.pending.setObjectName("pending")
        self.last = QLabel()
        self.last.setObjectName("last_sync")
        self.busy = QProgressBar()
        self.busy.setObjectName("busy")
        self.busy.setRange(0, 0)  # an indeterminate bar: the spinner
        self.busy.setMaximumWidth(90)
        self.busy.setMaximumHeight(14)
        self.busy.hide()
        self.button = QPushButton(tr("Sync now"))
        self.button.setObjectName("sync_now")
        self.button.clicked.connect(on_sync_now)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(18)
        for widget in (self.state, self.busy, self.pending, self.last, self.button):
            layout.addWidget(widget)

    def show_status(self, status: SyncStatus, signed_in: bool) -> None:
        """Render one status (called on the GUI thread)."""
        if not signed_in:
            self.state.setText(tr("Offline (not signed in)"))
        elif status.syncing:
            self.state.setText(tr("Syncing…"))
        elif status.online is False:
            self.state.setText(tr("Offline"))
        elif status.last_error:
            self.state.setText(tr("Sync problem"))
        else:
            self.state.setText(tr("Online"))
        self.state.setToolTip(status.last_error or "")
        self.busy.setVisible(status.syncing)
        if status.pending:
            self.pending.setText(tr("%n change(s) not sent").replace("%n", str(status.pending)))
        else:
            self.pending.setText(tr("All changes sent"))
        text = tr("Last sync: %1").replace("%1", fmt_datetime(status.last_success)) if status.last_success \
            else tr("Not synced yet")
        if status.clock_warning:
            text += " · " + tr("The computer's clock is wrong")
        self.last.setText(text)
