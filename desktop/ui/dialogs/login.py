"""Sign in to the sync server, or skip and work offline."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from desktop.sync.address import AddressError, normalize_server_url
from desktop.sync.errors import SyncError
from desktop.ui import i18n
from desktop.ui.account import AccountSnapshot, load_account
from desktop.ui.context import AppContext
from desktop.ui.dialogs.oidc_sign_in import OidcSignIn, failure_text
from desktop.ui.i18n import tr
from desktop.ui.operation import Op


class LoginDialog(QDialog):
    """Asks for the server address, username and password. "Work offline" skips it.

    The address starts as IT preset it (``ctx.preset``), read-only when they
    locked it; with no preset and no earlier sign-in it starts empty.
    ``sign_in_method`` is the preset method ("password" or "oidc").
    """

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("Sign in to Feltbog"))
        account, preset = ctx.account, ctx.preset
        self.preset = preset
        self.sign_in_method = preset.sign_in_method
        self.server = QLineEdit(preset.server_url if preset.server_locked
                                else account.server_url or preset.server_url)
        self.server.setObjectName("server")
        self.server.setPlaceholderText(tr("e.g. feltbog.kommune.dk"))
        self.server_note = QLabel(tr("Your IT department has set the server address."))
        self.server_note.setObjectName("server_note")
        self.server_note.setWordWrap(True)
        self.server.setReadOnly(preset.server_locked)
        self.username = QLineEdit(account.username)
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setProperty("role", "error")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(tr("Server address"), self.server)
        form.addRow("", self.server_note)
        form.setRowVisible(self.server_note, preset.server_locked)
        form.addRow(tr("Username"), self.username)
        form.addRow(tr("Password"), self.password)
        intro = QLabel(tr("Sign in to sync with your job centre. You can also work offline now and sign in "
                          "later; everything you write is kept on this computer."))
        intro.setWordWrap(True)
        self.sign_in = QPushButton(tr("Sign in"))
        self.sign_in.setObjectName("sign_in")
        self.sign_in.setDefault(True)
        self.sign_in.clicked.connect(self.submit)
        offline = QPushButton(tr("Work offline"))
        offline.setObjectName("offline")
        offline.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(offline)
        buttons.addStretch(1)
        buttons.addWidget(self.sign_in)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        oidc_only = self.sign_in_method == "oidc"
        self.oidc = OidcSignIn(ctx, self.server.text, self.message, self._signed_in, self, required=oidc_only)
        layout.addWidget(self.oidc)
        if oidc_only:  # IT chose the municipality's account: no username and password to fill in
            form.setRowVisible(self.username, False)
            form.setRowVisible(self.password, False)
            self.sign_in.hide()
            self.oidc.button.setDefault(True)
        self.server.editingFinished.connect(self.oidc.check)
        self.oidc.check()
        layout.addLayout(buttons)
        self.setMinimumWidth(440)
        first_empty = next((f for f in (self.server, self.username) if not f.text()), self.password)
        (self.oidc.button if oidc_only and self.server.text() else first_empty).setFocus()

    def _signed_in(self, snapshot: AccountSnapshot) -> None:
        self.ctx.set_account(snapshot)
        self.accept()

    def submit(self) -> None:
        """Sign in on the worker; the new account snapshot comes back with the answer."""
        server, username, password = self.server.text().strip(), self.username.text().strip(), self.password.text()
        if not server or not username or not password:
            self.message.setText(tr("Fill in the server address, username and password."))
            return
        try:  # before anything is sent: plain http only to this computer (the password would travel in clear)
            server = normalize_server_url(server)
        except AddressError as error:
            self.message.setText(error.message(i18n.language()))
            self.adjustSize()  # the window grows to show all of a long message
            self.server.setFocus()
            return
        self.server.setText(server)  # shows the https:// a bare host name was given
        self.sign_in.setEnabled(False)
        self.message.setText(tr("Signing in…"))

        def done(snapshot: AccountSnapshot) -> None:
            self.sign_in.setEnabled(True)
            self.ctx.set_account(snapshot)
            self.accept()

        def failed(error: BaseException) -> None:
            self.sign_in.setEnabled(True)
            if isinstance(error, SyncError) and error.status == 403:  # passwords are for break-glass accounts
                self.message.setText(failure_text(error))
            elif isinstance(error, SyncError) and error.kind.value == "auth":
                self.message.setText(tr("Wrong username or password."))
            elif isinstance(error, SyncError):
                self.message.setText(error.message(i18n.language()))
            else:
                self.message.setText(str(error))
            self.adjustSize()

        service = self.ctx.service

        def login() -> AccountSnapshot:
            service.login(server, username, password)
            return load_account(service)  # the new snapshot, read while we are on the worker anyway

        # Network work, but login also writes the account to the database: use the DB worker.
        Op.call(self.ctx, login, self).success(done).failure(failed).run()
