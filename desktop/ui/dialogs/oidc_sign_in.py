"""The sign-in dialog's "Sign in with your municipality account" button and its wait.

Shown only when the server's ``/auth/methods`` offers sign-in through the
municipality's identity provider. A click opens the system browser
(desktop/sync/oidc.py) and waits, off the database worker, for the redirect;
"Cancel" ends the wait. The reply is kept like a password sign-in's.
"""

from __future__ import annotations

import webbrowser
from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from desktop.cancel import CancelToken
from desktop.sync.errors import SyncError
from desktop.sync.oidc import SignInFailed
from desktop.ui import i18n
from desktop.ui.account import AccountSnapshot, load_account
from desktop.ui.context import AppContext
from desktop.ui.i18n import tr
from desktop.ui.operation import Op


def failure_text(error: BaseException) -> str:
    """What went wrong, for the consultant."""
    if isinstance(error, SignInFailed):
        return {
            "cancelled": tr("Sign-in cancelled."),
            "timeout": tr("The sign-in in the browser was not finished in time. Try again."),
            "state": tr("The browser's answer did not belong to this sign-in, so it was refused. Try again."),
            "provider": tr("The sign-in was cancelled or refused in the browser."),
            "browser": tr("No web browser could be opened."),
        }.get(error.kind, tr("This server does not offer sign-in with your municipality account."))
    if isinstance(error, SyncError) and isinstance(error.payload, dict):
        code = error.payload.get("code")
        if code == "oidc_no_access":
            return tr("Your account has not been given access to Feltbog. Contact your IT department.")
        if code == "password_login_off":
            return tr("This server takes sign-in with your municipality account, not a password.")
        if code == "oidc_account_clash":
            return tr("An account with your username exists already. Ask an administrator to link it.")
    if isinstance(error, SyncError) and error.kind.value == "auth":
        return tr("The sign-in with your municipality account was refused. Try again.")
    if isinstance(error, SyncError):
        return error.message(i18n.language())
    return str(error)


class OidcSignIn(QWidget):
    """The button (hidden until the server offers it) and a Cancel button while the browser is open."""

    def __init__(self, ctx: AppContext, server: Callable[[], str], message: QLabel,
                 done: Callable[[AccountSnapshot], None], parent: QWidget | None = None,
                 *, required: bool = False) -> None:
        super().__init__(parent)
        self.required = required  # IT chose this sign-in: say so when the server does not offer it
        self.ctx = ctx
        self.server = server
        self.message = message
        self.done = done
        self._cancel: CancelToken | None = None
        self.open_browser: Callable[[str], bool] = webbrowser.open  # tests drive a browser of their own
        self.button = QPushButton(tr("Sign in with your municipality account"))
        self.button.setObjectName("oidc_sign_in")
        self.button.clicked.connect(self.start)
        self.cancel = QPushButton(tr("Cancel"))
        self.cancel.setObjectName("oidc_cancel")
        self.cancel.clicked.connect(self.stop)
        self.cancel.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.button)
        layout.addWidget(self.cancel)
        layout.addStretch(1)
        self.hide()

    def check(self) -> None:
        """Ask the server whether it offers the municipality sign-in; show the button if it does."""
        url, service = self.server().strip(), self.ctx.service
        if not url:
            self.hide()
            return

        def offered(info: object) -> None:
            if self.server().strip() != url:
                return  # the address was changed meanwhile: its own check answers
            self.setVisible(info is not None)
            if info is None and self.required:
                self.message.setText(tr("This server does not offer sign-in with your municipality account. "
                                        "Contact your IT department."))

        def unreachable(error: BaseException) -> None:
            self.hide()
            if self.required and self.server().strip() == url:
                self.message.setText(failure_text(error))

        Op.network(self.ctx, lambda: service.sign_in_provider(url), self).success(offered).failure(unreachable).run()

    def start(self) -> None:
        """Open the browser and wait (off the database worker) for the sign-in."""
        url, service = self.server().strip(), self.ctx.service
        self.button.setEnabled(False)
        self.cancel.show()
        self.message.setText(tr("Sign in in the browser window that opened. Feltbog waits here."))

        def kept(snapshot: AccountSnapshot) -> None:
            self._finished()
            self.done(snapshot)

        def keep(reply: dict[str, object]) -> None:
            def save() -> AccountSnapshot:
                service.keep_sign_in(url, reply)
                return load_account(service)

            Op.call(self.ctx, save, self).success(kept).failure(self.failed).run()

        op = Op(self.ctx, lambda _progress, cancel: service.authorize_in_browser(
            url, open_browser=self.open_browser, cancel=cancel),
                parent=self, uses_db=False)
        self._cancel = op.success(keep).failure(self.failed).run()

    def stop(self) -> None:
        """Stop waiting for the browser."""
        if self._cancel is not None:
            self._cancel.cancel()

    def failed(self, error: BaseException) -> None:
        """Say what went wrong; the button is ready again."""
        self._finished()
        self.message.setText(failure_text(error))

    def _finished(self) -> None:
        self._cancel = None
        self.button.setEnabled(True)
        self.cancel.hide()
