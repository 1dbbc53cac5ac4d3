"""The sign-in dialog's "Sign in with your municipality account" (issue 19), with a real provider and server."""

from __future__ import annotations

from PySide6.QtCore import Qt

from server.oidc.settings import OidcSettings, Rule
from server.routes.oidc import install
from tests.support.live_server import LiveServer, make_database_url
from tests.support.oidc_provider import CLIENT_ID, REDIRECT_URI, Browser, OidcProvider

PASSWORD = "Hemmelig kode 42"


def test_the_button_shows_when_offered_and_signs_in_through_the_browser(ctx, qtbot, tmp_path):
    from desktop.ui.dialogs.login import LoginDialog

    users = {"mette": {"password": PASSWORD, "sub": "sub-mette", "name": "Mette Ølgaard",
                       "email": "mette@jammerbugt.dk", "groups": ["jc-jammerbugt"]}}
    with OidcProvider(tmp_path, users) as provider, make_database_url("sqlite", tmp_path) as url, \
            LiveServer(url) as server:
        dialog = LoginDialog(ctx)
        qtbot.addWidget(dialog)
        dialog.show()
        assert not dialog.oidc.isVisible()  # hidden until the server offers it
        install(server.app, OidcSettings(issuer=provider.issuer, client_id=CLIENT_ID, redirect_uri=REDIRECT_URI,
                                         scopes=["openid", "profile", "groups", "offline_access"],
                                         rules=[Rule(group="jc-jammerbugt", team="Jobcenter Jammerbugt")]))
        dialog.server.setText(server.url)
        dialog.oidc.check()  # what editing the address does
        qtbot.waitUntil(dialog.oidc.isVisible, timeout=10_000)
        assert dialog.oidc.button.text() == "Log ind med kommunens konto"
        dialog.grab().save("/tmp/oidc-login-dialog.png")

        browser = Browser("mette", PASSWORD)
        dialog.oidc.open_browser = browser.open
        with qtbot.waitSignal(dialog.accepted, timeout=30_000):
            qtbot.mouseClick(dialog.oidc.button, Qt.MouseButton.LeftButton)
        assert browser.errors == [], dialog.message.text()
        assert dialog.result() == dialog.DialogCode.Accepted, dialog.message.text()
        assert ctx.account.full_name == "Mette Ølgaard"
        assert ctx.service.signed_in()


def test_a_refused_password_says_to_use_the_municipality_account(ctx, qtbot, tmp_path):
    from desktop.ui.dialogs.login import LoginDialog

    with make_database_url("sqlite", tmp_path) as url, LiveServer(url) as server:
        install(server.app, OidcSettings(password_login="break_glass"))
        username, password = server.user("consultant")
        dialog = LoginDialog(ctx)
        qtbot.addWidget(dialog)
        dialog.server.setText(server.url)
        dialog.username.setText(username)
        dialog.password.setText(password)
        qtbot.mouseClick(dialog.sign_in, Qt.MouseButton.LeftButton)
        expected = "Serveren tager imod login med kommunens konto, ikke med adgangskode."
        qtbot.waitUntil(lambda: dialog.message.text() == expected, timeout=10_000)
        assert not ctx.service.signed_in()


def test_when_it_presets_the_municipality_sign_in_there_is_no_password_to_type(make_ctx, qtbot, tmp_path,
                                                                                monkeypatch):
    """IT's preset (issue 19, 3) with the server address locked and sign_in_method "oidc": the dialog offers
    only the municipality's account, and it signs in."""
    from desktop.preset import ENV_OVERRIDE
    from desktop.ui.dialogs.login import LoginDialog

    users = {"lars": {"password": PASSWORD, "sub": "sub-lars", "name": "Lars Holm",
                      "email": "lars@jammerbugt.dk", "groups": ["jc-jammerbugt"]}}
    with OidcProvider(tmp_path, users) as provider, make_database_url("sqlite", tmp_path) as url, \
            LiveServer(url) as server:
        install(server.app, OidcSettings(issuer=provider.issuer, client_id=CLIENT_ID, redirect_uri=REDIRECT_URI,
                                         scopes=["openid", "profile", "groups", "offline_access"],
                                         rules=[Rule(group="jc-jammerbugt", team="Jobcenter Jammerbugt")]))
        preset = tmp_path / "it" / "feltbog.toml"
        preset.parent.mkdir()
        preset.write_text(f'server_url = "{server.url}"\nlock_server_url = true\nsign_in_method = "oidc"\n',
                          encoding="utf-8")
        monkeypatch.setenv(ENV_OVERRIDE, str(preset))
        ctx = make_ctx(tmp_path / "laptop")
        dialog = LoginDialog(ctx)
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.server.isReadOnly() and dialog.server.text() == server.url
        assert not dialog.username.isVisible() and not dialog.password.isVisible()
        assert not dialog.sign_in.isVisible()
        qtbot.waitUntil(dialog.oidc.isVisible, timeout=10_000)
        dialog.oidc.open_browser = Browser("lars", PASSWORD).open
        with qtbot.waitSignal(dialog.accepted, timeout=30_000):
            qtbot.mouseClick(dialog.oidc.button, Qt.MouseButton.LeftButton)
        assert ctx.account.full_name == "Lars Holm" and ctx.account.server_url == server.url


def test_a_preset_municipality_sign_in_the_server_does_not_offer_says_so(make_ctx, qtbot, tmp_path, monkeypatch):
    from desktop.preset import ENV_OVERRIDE
    from desktop.ui.dialogs.login import LoginDialog

    with make_database_url("sqlite", tmp_path) as url, LiveServer(url) as server:
        preset = tmp_path / "feltbog.toml"
        preset.write_text(f'server_url = "{server.url}"\nsign_in_method = "oidc"\n', encoding="utf-8")
        monkeypatch.setenv(ENV_OVERRIDE, str(preset))
        dialog = LoginDialog(make_ctx(tmp_path / "laptop"))
        qtbot.addWidget(dialog)
        dialog.show()
        expected = "Serveren tilbyder ikke login med kommunens konto. Kontakt din IT-afdeling."
        qtbot.waitUntil(lambda: dialog.message.text() == expected, timeout=10_000)
        assert not dialog.oidc.isVisible()
