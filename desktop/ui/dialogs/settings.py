"""Settings: language, and where the sign-in is kept."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QVBoxLayout

from desktop.ui import i18n
from desktop.ui.context import AppContext
from desktop.ui.i18n import tr
from desktop.ui.widgets.buttons import dialog_buttons


class SettingsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setWindowTitle(tr("Settings"))
        self.language = QComboBox()
        self.language.setObjectName("language")
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(self.language.findData(i18n.saved_language()))
        account = ctx.service.account()
        form = QFormLayout()
        form.addRow(tr("Language"), self.language)
        form.addRow(tr("Server"), QLabel(account.server_url or tr("Not signed in")))
        form.addRow(tr("User"), QLabel(account.user.get("full_name", "") or "–"))
        form.addRow(tr("Sign-in kept in"), QLabel(ctx.service.credentials.backend_description()))
        form.addRow(tr("Data folder"), QLabel(str(ctx.db.path.parent if ctx.db.path else "")))
        note = QLabel(tr("A new language is used from the next start of Feltbog."))
        note.setWordWrap(True)
        buttons = dialog_buttons(tr("Save"), self.save, self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def save(self) -> None:
        from PySide6.QtCore import QSettings

        QSettings().setValue("language", self.language.currentData())
        self.accept()
