"""The sign-in dialog refuses http to another computer and says why; a server whose certificate comes from the
municipality's CA works once the CA is in the OS trust store, and otherwise the app says it is a certificate
problem (contact IT), not that the server cannot be reached (issue 19, 3 and 4). Against the real server
through TLS."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from desktop.preset import ENV_OVERRIDE
from tests.support.tls import tls_server
from tests.ui.story_helpers import click, type_into

CERTIFICATE_DA = "Serverens certifikat kan ikke godkendes"


@pytest.fixture
def municipal(tmp_path):
    with tls_server(tmp_path / "server") as (server, ca):
        yield server, ca


def _dialog(ctx, qtbot, window=None):
    from desktop.ui.dialogs.login import LoginDialog

    dialog = LoginDialog(ctx, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_http_to_another_computer_is_refused_in_the_dialog_with_the_reason(ctx, qtbot):
    dialog = _dialog(ctx, qtbot)
    type_into(qtbot, dialog.server, "http://feltbog.jammerbugt.dk")
    type_into(qtbot, dialog.username, "mette")
    type_into(qtbot, dialog.password, "en lang adgangssætning")
    click(qtbot, dialog.sign_in)
    assert dialog.message.text().startswith("Feltbog forbinder kun til serveren med https://. Med http:// ville din "
                                            "adgangskode blive sendt ukrypteret over netværket")
    assert dialog.result() != dialog.DialogCode.Accepted and dialog.sign_in.isEnabled()
    assert dialog.server.text() == "http://feltbog.jammerbugt.dk"  # left as typed, to be corrected
    qtbot.wait(50)  # the layout settles
    assert dialog.message.height() >= dialog.message.heightForWidth(dialog.message.width())  # all of it shows
    dialog.grab().save("/tmp/preset-http-refused.png")


def test_an_it_preset_tls_server_signs_in_and_syncs_with_the_ca_in_the_os_store(
        make_ctx, qtbot, municipal, monkeypatch, tmp_path):
    from desktop.ui.main_window import MainWindow

    server, ca = municipal
    ca.trusted(monkeypatch)
    preset = tmp_path / "feltbog.toml"
    preset.write_text(f'server_url = "{server.url}"\nlock_server_url = true\n', encoding="utf-8")
    monkeypatch.setenv(ENV_OVERRIDE, str(preset))
    username, password = server.user("consultant")
    ctx = make_ctx(start_sync=True, interval=3600, debounce=3600)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    ctx.write(lambda ops: ops.create_company(name="Jammerbugt Rengøring ApS"))
    dialog = _dialog(ctx, qtbot, window)
    assert dialog.server.text() == server.url and dialog.server.isReadOnly()
    type_into(qtbot, dialog.username, username)  # all the consultant types
    type_into(qtbot, dialog.password, password)
    click(qtbot, dialog.sign_in)
    qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted, timeout=15000)
    click(qtbot, window.sync_widget.button)
    qtbot.waitUntil(lambda: window.sync_widget.pending.text() == "Alle ændringer er sendt", timeout=15000)
    qtbot.waitUntil(lambda: window.sync_widget.state.text() == "Online", timeout=5000)
    # Stopped while the server is still up: a sync of the runner's own must not fail (and show its
    # message box) while the test is being torn down.
    ctx.runner.stop()
    window.close()


def test_without_the_ca_the_dialog_says_it_is_the_certificate(ctx, qtbot, municipal, monkeypatch):
    server, ca = municipal
    ca.not_trusted(monkeypatch)
    username, password = server.user("consultant")
    dialog = _dialog(ctx, qtbot)
    type_into(qtbot, dialog.server, server.url)
    type_into(qtbot, dialog.username, username)
    type_into(qtbot, dialog.password, password)
    click(qtbot, dialog.sign_in)
    qtbot.waitUntil(lambda: dialog.message.text().startswith(CERTIFICATE_DA), timeout=15000)
    assert "Kontakt IT" in dialog.message.text() and "kan ikke nås" not in dialog.message.text()
    # The whole message shows: the label grows to its text's height once the layout has run (later on a busy machine).
    qtbot.waitUntil(lambda: dialog.message.height() >= dialog.message.heightForWidth(dialog.message.width()),
                    timeout=5000)
    dialog.grab().save("/tmp/preset-certificate-refused.png")


def test_a_sync_refused_over_the_certificate_is_explained_as_such(make_ctx, qtbot, municipal, monkeypatch):
    from desktop.sync import state
    from desktop.ui.main_window import MainWindow

    server, ca = municipal
    ca.not_trusted(monkeypatch)
    username, _password = server.user("consultant")
    ctx = make_ctx(start_sync=True, interval=3600, debounce=3600)
    with ctx.db.write() as session:
        state.set_value(session, state.SERVER_URL, server.url)
    ctx.service.credentials.set_token(server.token(username))
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.sync_now()
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert shown[0].startswith(CERTIFICATE_DA)
    qtbot.waitUntil(lambda: window.sync_widget.state.text() == "Synkroniseringsproblem", timeout=5000)
    assert window.sync_widget.state.toolTip().startswith(CERTIFICATE_DA)
    assert ctx.service.signed_in()  # the sign-in is kept: IT's fix is all it takes
