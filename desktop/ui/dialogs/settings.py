"""Settings: language, where the sign-in is kept, and encryption of the local database."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QFormLayout, QLabel, QVBoxLayout, QWidget

from desktop.credentials import DatabaseKeys
from desktop.ui import i18n
from desktop.ui.context import AppContext
from desktop.ui.i18n import tr
from desktop.ui.operation import Op
from desktop.ui.widgets.buttons import dialog_buttons


def change_encryption(ctx: AppContext, on: bool) -> None:
    """Encrypt or decrypt the database file (on the database worker, with the sync stopped meanwhile)."""
    runner = ctx.runner
    was_running = runner is not None and runner.started
    if was_running:
        # Wait for a running sync to finish cancelling (its requests time out):
        # the file must not be swapped under a sync that still writes to it.
        runner.stop(timeout=None)
    try:
        ctx.db.set_encrypted(on)
    finally:
        if was_running:
            runner.start()


class SettingsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("Settings"))
        self.language = QComboBox()
        self.language.setObjectName("language")
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(self.language.findData(i18n.saved_language()))
        self.encrypt = QCheckBox(tr("Encrypt the database on this computer"))
        self.encrypt.setObjectName("encrypt")
        self.encrypt.setChecked(ctx.db.encrypted)
        keychain = DatabaseKeys().available()
        self.encrypt.setEnabled(ctx.db.path is not None and (keychain or ctx.db.encrypted))
        encrypt_note = QLabel(
            tr("Protects the notes if someone reads the laptop's disk directly. The key is kept in the keychain. "
               "Turn on the computer's own disk encryption (BitLocker or FileVault) first.")
            if keychain else tr("This computer has no keychain to keep a key in, so encryption is not available."))
        encrypt_note.setObjectName("encrypt_note")
        encrypt_note.setWordWrap(True)
        account = ctx.account
        form = QFormLayout()
        form.addRow(tr("Language"), self.language)
        form.addRow(tr("Server"), QLabel(account.server_url or tr("Not signed in")))
        form.addRow(tr("User"), QLabel(account.full_name or "–"))
        form.addRow(tr("Sign-in kept in"), QLabel(account.keychain))
        form.addRow(tr("Data folder"), QLabel(str(ctx.db.path.parent if ctx.db.path else "")))
        encryption = QVBoxLayout()
        encryption.setSpacing(2)
        encryption.addWidget(self.encrypt)
        encryption.addWidget(encrypt_note)
        form.addRow(tr("Encryption"), encryption)
        note = QLabel(tr("A new language is used from the next start of Feltbog."))
        note.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.hide()  # shown while encryption is being changed
        self.buttons = dialog_buttons(tr("Save"), self.save, self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.adjustSize()

    def save(self) -> None:
        """Keep the language; encrypt or decrypt the database if that changed."""
        from PySide6.QtCore import QSettings

        QSettings().setValue("language", self.language.currentData())
        wanted = self.encrypt.isChecked()
        if wanted == self.ctx.db.encrypted:
            self.accept()
            return
        self.setEnabled(False)  # one change at a time; the work may take a few seconds on a large file
        self.message.setText(tr("Encrypting the database…") if wanted else tr("Decrypting the database…"))
        self.message.show()

        def done(_result: object) -> None:
            self.setEnabled(True)
            self.accept()

        def failed(error: BaseException) -> None:
            from desktop.ui.errors import show_error

            self.setEnabled(True)
            self.encrypt.setChecked(self.ctx.db.encrypted)
            self.message.hide()
            show_error(self, error)

        ctx = self.ctx
        Op.call(ctx, lambda: change_encryption(ctx, wanted), self).success(done).failure(failed).run()
