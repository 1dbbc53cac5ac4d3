"""What IT presets (issue 19, 3): the server address, its lock and the sign-in method, from a file beside the
app or in the machine-wide config folder, a Windows policy or a macOS managed preference; the sign-in dialog
starts with them. A broken source is logged and ignored, never a crash."""

from __future__ import annotations

import logging
import plistlib
import re
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from desktop.preset import ENV_OVERRIDE, Preset, default_sources, load_preset, read_file, read_plist
from tests.ui.story_helpers import answer_modal, click, open_window, raise_modal_errors, type_into

MUNICIPAL = "https://feltbog.jammerbugt.dk"
ISSUER = "https://login.microsoftonline.com/3f6c1d2e-0000-4000-8000-00000000cafe/v2.0"


def _file(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _source(path):
    return (str(path), lambda: read_plist(path) if path.suffix == ".plist" else read_file(path))


# -- reading the sources (no Qt) --------------------------------------------------------------------------

def test_a_preset_file_gives_the_address_its_lock_and_the_sign_in_method(tmp_path):
    path = _file(tmp_path / "feltbog.toml", f'''
        server_url = "feltbog.jammerbugt.dk"   # a bare host: https
        lock_server_url = true
        sign_in_method = "oidc"
        oidc_issuer = "{ISSUER}"
        oidc_client_id = "0b5e7c1a-feltbog"
    '''.replace("\n        ", "\n"))
    preset = load_preset([_source(path)])
    assert preset == Preset(server_url=MUNICIPAL, locked=True, sign_in_method="oidc", oidc_issuer=ISSUER,
                            oidc_client_id="0b5e7c1a-feltbog", sources=(str(path),))
    assert preset.server_locked


def test_the_json_file_and_registry_style_names_and_values_mean_the_same(tmp_path):
    path = _file(tmp_path / "feltbog.json", '{"ServerUrl": "https://feltbog.jammerbugt.dk/", "LockServerUrl": 1}')
    assert load_preset([_source(path)]) == Preset(server_url=MUNICIPAL, locked=True, sources=(str(path),))
    registry = {"ServerUrl": MUNICIPAL, "LockServerUrl": 0, "SignInMethod": "Password"}  # REG_SZ and REG_DWORD
    assert load_preset([("policy", lambda: registry)]) == Preset(server_url=MUNICIPAL, sources=("policy",))


def test_precedence_policy_then_managed_preference_then_the_file_beside_the_app_then_the_machine_folder(tmp_path):
    policy = {"SignInMethod": "oidc"}
    plist = tmp_path / "Managed Preferences" / "dk.feltbog.app.plist"
    plist.parent.mkdir()
    plist.write_bytes(plistlib.dumps({"ServerUrl": MUNICIPAL, "PayloadUUID": "9A1B", "LockServerUrl": False}))
    beside = _file(tmp_path / "app" / "feltbog.toml", 'server_url = "https://other.example"\nlock_server_url = true\n'
                   'oidc_client_id = "beside"\n')
    machine = _file(tmp_path / "etc" / "feltbog.toml", 'oidc_client_id = "machine"\noidc_issuer = "' + ISSUER + '"\n')
    preset = load_preset([("policy", lambda: policy), _source(plist), _source(beside), _source(machine)])
    # each setting from the most binding source that sets it
    assert (preset.sign_in_method, preset.server_url, preset.locked) == ("oidc", MUNICIPAL, False)
    assert (preset.oidc_client_id, preset.oidc_issuer) == ("beside", ISSUER)
    assert preset.sources == ("policy", str(plist), str(beside), str(machine))


@pytest.mark.parametrize(("name", "text", "why"), [
    ("feltbog.toml", 'server_url = "https://feltbog.jammerbugt.dk\nlock = ', "not valid TOML"),
    ("feltbog.json", '{"server_url": ', "not valid JSON"),
    ("feltbog.json", '["https://feltbog.jammerbugt.dk"]', "must hold a table"),
    ("feltbog.toml", 'server_url = "http://feltbog.jammerbugt.dk"', "password would travel unencrypted"),
    ("feltbog.toml", 'server_url = "https://x.dk"\nlock_server_url = "ja"', "must be true or false"),
    ("feltbog.toml", 'sign_in_method = "kerberos"', "must be one of password, oidc"),
    ("feltbog.toml", "server_url = 8765", "must be text"),
    ("feltbog.plist", "<plist><dict><key>ServerUrl</key>", "not a readable property list"),
])
def test_a_broken_source_is_logged_and_ignored_as_a_whole(tmp_path, caplog, name, text, why):
    broken = _file(tmp_path / "beside" / name, text)
    machine = _file(tmp_path / "machine" / "feltbog.toml", f'server_url = "{MUNICIPAL}"')
    with caplog.at_level(logging.ERROR, logger="desktop.preset"):
        preset = load_preset([_source(broken), _source(machine)])
    assert preset == Preset(server_url=MUNICIPAL, sources=(str(machine),))  # the next source still counts
    [message] = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert message.startswith(f"The preset {broken} is ignored: ") and why in message


def test_an_unknown_setting_is_skipped_with_a_warning_and_the_rest_of_the_file_counts(tmp_path, caplog):
    path = _file(tmp_path / "feltbog.toml", f'server_url = "{MUNICIPAL}"\nupdate_channel = "beta"\n')
    with caplog.at_level(logging.WARNING, logger="desktop.preset"):
        assert load_preset([_source(path)]).server_url == MUNICIPAL
    assert "'update_channel' is not known" in caplog.text


def test_a_source_that_fails_in_an_unforeseen_way_does_not_stop_the_app(caplog):
    def broken_registry():
        raise PermissionError(5, "Access is denied")

    assert load_preset([("policy", broken_registry)]) == Preset()
    assert "The preset policy is ignored" in caplog.text


def test_the_installed_app_reads_beside_itself_before_the_machine_folder(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_OVERRIDE)
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "xdg"))  # platformdirs' site_config_dir on Linux
    machine = _file(tmp_path / "xdg" / "Feltbog" / "feltbog.toml", f'server_url = "{MUNICIPAL}"\nlock_server_url = '
                    'true\n')
    assert load_preset() == Preset(server_url=MUNICIPAL, locked=True, sources=(str(machine),))
    # frozen by PyInstaller: the folder of Feltbog.exe comes first (a checkout's Python folder never counts)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "Programs" / "Feltbog" / "Feltbog.exe"))
    beside = _file(tmp_path / "Programs" / "Feltbog" / "feltbog.json", '{"server_url": "https://beside.example"}')
    assert load_preset() == Preset(server_url="https://beside.example", locked=True,
                                   sources=(str(beside), str(machine)))
    # the test override replaces both files
    monkeypatch.setenv(ENV_OVERRIDE, str(tmp_path / "missing.toml"))
    assert load_preset() == Preset()
    assert [name for name, _read in default_sources()][-1] == str(tmp_path / "missing.toml")


def test_the_examples_shipped_for_it_are_valid_and_say_the_same(caplog):
    """installers/preset/: the file, the macOS profile's plist and the Windows policy (.reg) docs/deploy.md shows."""
    folder = Path(__file__).resolve().parents[2] / "installers" / "preset"
    registry = {}
    for line in (folder / "feltbog-policy.reg").read_text(encoding="utf-8").splitlines():
        if match := re.fullmatch(r'"(\w+)"=(?:"(.*)"|dword:([0-9a-f]{8}))', line.strip()):
            registry[match[1]] = match[2] if match[2] is not None else int(match[3], 16)
    expected = Preset(server_url="https://feltbog.kommune.dk", locked=True, sign_in_method="oidc")
    for name, read in (("file", lambda: read_file(folder / "feltbog.toml")),
                       ("plist", lambda: read_plist(folder / "dk.feltbog.app.plist")), ("policy", lambda: registry)):
        assert load_preset([(name, read)]) == replace(expected, sources=(name,))
    assert "ignored" not in caplog.text and "not known" not in caplog.text


# -- the sign-in dialog ----------------------------------------------------------------------------------

def test_a_fresh_install_preset_by_it_starts_with_the_address_locked_and_the_sign_in_method(
        make_ctx, qtbot, tmp_path, monkeypatch):
    from desktop.ui.app import offer_sign_in_on_first_start
    from desktop.ui.dialogs.login import LoginDialog

    preset_file = _file(tmp_path / "it" / "feltbog.toml", f'server_url = "{MUNICIPAL}"\nlock_server_url = true\n'
                        f'sign_in_method = "oidc"\noidc_issuer = "{ISSUER}"\noidc_client_id = "0b5e7c1a"\n')
    monkeypatch.setenv(ENV_OVERRIDE, str(preset_file))
    ctx = make_ctx()
    window = open_window(ctx, qtbot)
    seen = {}

    def look(dialog):
        type_into(qtbot, dialog.server, "http://127.0.0.1:8765")  # a consultant cannot change it
        seen.update(server=dialog.server.text(), read_only=dialog.server.isReadOnly(),
                    note=dialog.server_note.text() if dialog.server_note.isVisible() else None,
                    method=dialog.sign_in_method, issuer=dialog.preset.oidc_issuer,
                    client=dialog.preset.oidc_client_id)
        dialog.grab().save("/tmp/preset-locked-login.png")
        click(qtbot, dialog.findChild(type(dialog.sign_in), "offline"))

    answer_modal(qtbot, LoginDialog, look)
    offer_sign_in_on_first_start(ctx, window)
    qtbot.waitUntil(lambda: "server" in seen, timeout=10000)
    raise_modal_errors()
    assert seen == {"server": MUNICIPAL, "read_only": True, "note": "Din IT-afdeling har indstillet serverens adresse.",
                    "method": "oidc", "issuer": ISSUER, "client": "0b5e7c1a"}


def test_an_unlocked_preset_fills_the_address_and_leaves_it_editable(make_ctx, qtbot, tmp_path, monkeypatch):
    from desktop.ui.dialogs.login import LoginDialog

    monkeypatch.setenv(ENV_OVERRIDE, str(_file(tmp_path / "feltbog.toml", f'server_url = "{MUNICIPAL}"')))
    dialog = LoginDialog(make_ctx())
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.server.text() == MUNICIPAL and not dialog.server.isReadOnly()
    assert not dialog.server_note.isVisible() and dialog.sign_in_method == "password"


def test_a_broken_preset_file_leaves_an_empty_editable_address(make_ctx, qtbot, tmp_path, monkeypatch, caplog):
    from desktop.ui.dialogs.login import LoginDialog

    broken = _file(tmp_path / "feltbog.toml", 'server_url = "https://feltbog.jammerbugt.dk"\nlock_server_url = tru')
    monkeypatch.setenv(ENV_OVERRIDE, str(broken))
    dialog = LoginDialog(make_ctx())
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.server.text() == "" and not dialog.server.isReadOnly() and not dialog.server_note.isVisible()
    assert f"The preset {broken} is ignored: not valid TOML" in caplog.text
