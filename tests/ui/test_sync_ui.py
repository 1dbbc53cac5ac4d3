"""Offline create, then online sync: the status bar counts go to 0. Against the real server."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.support.live_server import LiveServer, make_database_url


def test_offline_work_then_sync_brings_the_count_to_zero(make_ctx, qtbot, tmp_path):
    from desktop.ui.dialogs.login import LoginDialog
    from desktop.ui.main_window import MainWindow

    with make_database_url("sqlite", tmp_path) as url, LiveServer(url) as server:
        username, password = server.user("consultant")
        ctx = make_ctx(start_sync=True, interval=3600, debounce=3600)
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        window.show()
        # Offline at a company: nothing signed in, the work is kept locally.
        ctx.write(lambda ops: ops.create_company(name="Jammerbugt Rengøring ApS"))
        ctx.write(lambda ops: ops.create_company(name="Aars Tømrer"))
        qtbot.waitUntil(lambda: window.sync_widget.pending.text() == "2 ændringer ikke sendt", timeout=5000)
        assert window.sync_widget.state.text() == "Offline (ikke logget ind)"
        # Back at the office: sign in.
        dialog = LoginDialog(ctx, window)
        qtbot.addWidget(dialog)
        dialog.server.setText(server.url)
        dialog.username.setText(username)
        qtbot.keyClicks(dialog.password, "forkert")
        qtbot.mouseClick(dialog.sign_in, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.message.text() == "Forkert brugernavn eller adgangskode.", timeout=10000)
        dialog.password.setText(password)
        qtbot.mouseClick(dialog.sign_in, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted, timeout=10000)
        # Synkronisér nu.
        qtbot.mouseClick(window.sync_widget.button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.sync_widget.pending.text() == "Alle ændringer er sendt", timeout=15000)
        qtbot.waitUntil(lambda: window.sync_widget.state.text() == "Online", timeout=5000)
        assert window.sync_widget.last.text().startswith("Sidste synkronisering: ")


def test_a_failed_manual_sync_is_explained_in_plain_words(make_ctx, qtbot, monkeypatch):
    from desktop.sync import state
    from desktop.ui.main_window import MainWindow

    ctx = make_ctx(start_sync=True, interval=3600, debounce=3600)
    with ctx.db.write() as session:
        state.set_value(session, state.SERVER_URL, "http://127.0.0.1:9")  # nothing listens there
    ctx.service.credentials.set_token("a-token")
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.sync_now()
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert "kan ikke nås" in shown[0]
    qtbot.waitUntil(lambda: window.sync_widget.state.text() == "Offline", timeout=5000)


def test_unexpected_errors_are_logged_and_shown_once(app, qtbot, monkeypatch, caplog):
    from desktop.ui import errors

    shown = []
    monkeypatch.setattr(errors, "show_error", lambda parent, error: shown.append(error))
    reporter = errors.CrashReporter()
    try:
        raise ValueError("boom")
    except ValueError as exc:
        for _ in range(3):
            reporter.hook(type(exc), exc, exc.__traceback__)
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=2000)
    qtbot.wait(50)
    assert len(shown) == 1 and "Uncaught exception" in caplog.text
