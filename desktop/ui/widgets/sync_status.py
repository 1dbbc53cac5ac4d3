"""The status bar's sync corner: online or not, unsent changes, last sync, Sync now.

A sync that hears nothing from the server for ``WAIT_HINT_S`` seconds (a
frozen server, a captive portal) says "Venter på serveren…" with how long,
instead of "Synkroniserer…" until the client's read timeout gives up: the
user sees that the work is safe and that the server, not the app, is slow.
"""

from __future__ import annotations

from collections.abc import Callable
from time import monotonic

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from desktop.sync.runner import SyncStatus
from desktop.ui.i18n import fmt_datetime, tr
from desktop.ui.widgets.counts import counted

WAIT_HINT_S = 5.0  # no answer (and no progress) for this long: "waiting for the server"


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
        self._status = SyncStatus()
        self._signed_in = False
        self._heard_at = 0.0  # when the running sync last moved (started, or reported progress)
        self._ticker = QTimer(self, interval=1000)
        self._ticker.timeout.connect(self._render_state)

    def show_status(self, status: SyncStatus, signed_in: bool) -> None:
        """Render one status (called on the GUI thread)."""
        syncing = signed_in and status.syncing
        if syncing and (not self._ticker.isActive() or status.progress != self._status.progress):
            self._heard_at = monotonic()
            self._ticker.start()
        elif not syncing:
            self._ticker.stop()
        self._status, self._signed_in = status, signed_in
        self._render_state()
        self.busy.setVisible(status.syncing)
        self.pending.setText(unsent_text(status.pending, status.refused))
        text = tr("Last sync: %1").replace("%1", fmt_datetime(status.last_success)) if status.last_success \
            else tr("Not synced yet")
        if status.clock_warning:
            text += " · " + tr("The computer's clock is wrong")
        self.last.setText(text)

    def waiting_for_server(self) -> bool:
        """True while a sync has heard nothing from the server for WAIT_HINT_S seconds."""
        return self._ticker.isActive() and monotonic() - self._heard_at >= WAIT_HINT_S

    def _render_state(self) -> None:
        status = self._status
        tip = status.last_error or ""
        if not self._signed_in:
            self.state.setText(tr("Offline (not signed in)"))
        elif status.syncing and self.waiting_for_server():
            self.state.setText(tr("Waiting for the server…"))
            tip = tr("The server has not answered for %1 seconds. Your work is saved on this computer.").replace(
                "%1", str(int(monotonic() - self._heard_at)))
        elif status.syncing:
            self.state.setText(tr("Syncing…"))
        elif status.online is False:
            self.state.setText(tr("Offline"))
        elif status.last_error:
            self.state.setText(tr("Sync problem"))
        else:
            self.state.setText(tr("Online"))
        self.state.setToolTip(tip)


def unsent_text(pending: int, refused: int) -> str:
    """"2 ændringer ikke sendt", "Alle ændringer er sendt", and the refused ones beside either.

    A refused change was sent but is not in the server's copy: "all sent" alone would tell the
    consultant that the work is safe on the server when some of it is not.
    """
    parts = [counted(pending, tr("1 change not sent"), tr("%1 changes not sent")) if pending
             else tr("All changes sent") if not refused else ""]
    if refused:
        parts.append(counted(refused, tr("1 change refused by the server"), tr("%1 changes refused by the server")))
    return " · ".join(part for part in parts if part)
