"""When the database file is damaged: say what happened, and offer a backup or the server's copy.

Shown at start-up, before anything else opens the file (desktop/ui/app.py).
The work itself is Qt-free (desktop/sync/recovery.py); it runs here with a
busy cursor because nothing else of the app is running yet.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.formatting import dk_number
from desktop.models.backups import DAILY, BackupInfo
from desktop.models.health import DatabaseDamagedError
from desktop.sync import recovery
from desktop.ui import i18n
from desktop.ui.i18n import tr
from desktop.ui.widgets.counts import counted


def reason_text(reason: str) -> str:
    """Why a backup was made, in the user's words."""
    return {
        DAILY: tr("daily"),
        "before-migration": tr("before an update"),
        "before-mass-delete": tr("before a large deletion"),
        "before-full-resync": tr("before a full sync"),
        "after-erase": tr("after personal data was erased"),
    }.get(reason, reason.replace("-", " "))


def backup_line(backup: BackupInfo) -> str:
    """One line of the list: when, why, and how many records."""
    when = backup.made.strftime("%d-%m-%Y %H:%M")
    held = tr("cannot be read") if backup.records is None else \
        counted(backup.records, tr("1 record"), tr("%1 records"), dk_number(backup.records))
    return f"{when}  ·  {reason_text(backup.reason)}  ·  {held}"


class RecoveryDialog(QDialog):
    """The diagnosis, the backups to choose from, and "fetch everything from the server again"."""

    def __init__(self, error: DatabaseDamagedError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path: Path = error.path
        self.outcome: recovery.Recovered | None = None
        self.setWindowTitle(tr("The database cannot be opened"))
        message = QLabel(error.message(i18n.language()))
        message.setObjectName("diagnosis")
        message.setWordWrap(True)
        self.backups = QListWidget()
        self.backups.setObjectName("backups")
        self.backups.setAccessibleName(tr("Backups"))
        self.backups.setMaximumHeight(180)  # about eight backups; the list scrolls beyond
        for backup in recovery.available_backups(self.path):
            item = QListWidgetItem(backup_line(backup))
            item.setData(Qt.ItemDataRole.UserRole, str(backup.path))
            if backup.records is None:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.backups.addItem(item)
        self.restore = QPushButton(tr("Restore the chosen backup"))
        self.restore.setObjectName("restore")
        self.restore.setEnabled(False)
        self.restore.clicked.connect(self._restore)
        self.backups.itemSelectionChanged.connect(
            lambda: self.restore.setEnabled(bool(self.backups.selectedItems())))
        self.rebuild = QPushButton(tr("Fetch my data from the server again"))
        self.rebuild.setObjectName("rebuild")
        self.rebuild.setDefault(True)
        self.rebuild.clicked.connect(self._rebuild)
        quit_button = QPushButton(tr("Quit"))
        quit_button.setObjectName("quit")
        quit_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(quit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.restore)
        buttons.addWidget(self.rebuild)
        layout = QVBoxLayout(self)
        layout.addWidget(message)
        listed = QLabel(tr("Backups on this computer:") if self.backups.count() else
                        tr("There are no backups on this computer."))
        layout.addWidget(listed)
        layout.addWidget(self.backups)
        layout.addLayout(buttons)
        self.setMinimumWidth(560)

    def _restore(self) -> None:
        [item] = self.backups.selectedItems()
        self._run(lambda: recovery.restore_backup(self.path, Path(item.data(Qt.ItemDataRole.UserRole))))

    def _rebuild(self) -> None:
        self._run(lambda: recovery.rebuild_from_server(self.path))

    def _run(self, work: Callable[[], recovery.Recovered]) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.outcome = work()
        except Exception as exc:  # shown, never lost: the damaged file is still where it was
            QApplication.restoreOverrideCursor()
            QMessageBox.critical(self, tr("Feltbog"), tr("The recovery failed: %1").replace("%1", str(exc)))
            return
        QApplication.restoreOverrideCursor()
        self.outcome.database.close()
        QMessageBox.information(self, tr("Feltbog"), self.summary())
        self.accept()

    def summary(self) -> str:
        """What the recovery did, in plain words."""
        assert self.outcome is not None
        text = tr("Feltbog is ready again.") + " " + counted(
            self.outcome.unsent, tr("1 unsent change was rescued and will be sent at the next sync."),
            tr("%1 unsent changes were rescued and will be sent at the next sync."))
        if self.outcome.partly_unreadable:
            text += " " + tr("Part of the damaged file could not be read.")
        if self.outcome.damaged_copy is not None:
            text += " " + tr("The damaged file is kept in %1.").replace("%1", str(self.outcome.damaged_copy.parent))
        return text


def recover(error: DatabaseDamagedError, parent: QWidget | None = None) -> bool:
    """Show the dialog; True when the database was recovered and the app can start."""
    dialog = RecoveryDialog(error, parent)
    return dialog.exec() == QDialog.DialogCode.Accepted
