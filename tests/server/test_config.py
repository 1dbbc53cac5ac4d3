"""Operator settings: FELTBOG_* variables, a settings file, clear refusals; the API docs without a CDN."""

from __future__ import annotations

import re
import sys

import pytest
from fastapi.testclient import TestClient

from server.app import create_app
from server.cli import main
from server.config import ConfigError, Settings, load_settings


def test_settings_come_from_the_environment_then_a_file(monkeypatch, tmp_path):
    settings_file = tmp_path / "feltbog-server.env"
    settings_file.write_text("FELTBOG_SERVER_DB=postgresql+psycopg://feltbog@db/feltbog\nFELTBOG_TOKEN_DAYS=7\n"
                             "FELTBOG_DOCS=false\nFELTBOG_LOGIN_WINDOW_SECONDS=600\n", encoding="utf-8")
    monkeypatch.setenv("FELTBOG_TOKEN_DAYS", "14")  # the environment wins over the file
    monkeypatch.setenv("FELTBOG_LOG_LEVEL", "warning")
    settings = load_settings(settings_file)
    assert settings.database_url == "postgresql+psycopg://feltbog@db/feltbog"
    assert (settings.token_days, settings.docs, settings.login_window_seconds) == (14, False, 600)
    assert settings.log_level == "WARNING"
    monkeypatch.setenv("FELTBOG_CONFIG_FILE", str(settings_file))  # the file named by the environment
    assert load_settings().login_window_seconds == 600
    assert load_settings(token_days=3).token_days == 3  # what the command line gives wins over both
    # The old call sites keep working: the database URL first, the rest by name.
    assert Settings("sqlite:///x.sqlite", max_body_bytes=50_000).max_body_bytes == 50_000


def test_bad_settings_are_refused_naming_the_variable_but_not_the_value(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("FELTBOG_TOKEN_DAYS", "nul")
    monkeypatch.setenv("FELTBOG_SERVER_DB", "mysql://root:Hemmelig-123@db/feltbog")
    monkeypatch.setenv("FELTBOG_LOG_FORMAT", "xml")
    with pytest.raises(ConfigError) as refused:
        load_settings()
    lines = str(refused.value).splitlines()
    assert [line.split(":")[0] for line in lines] == ["FELTBOG_SERVER_DB", "FELTBOG_TOKEN_DAYS", "FELTBOG_LOG_FORMAT"]
    assert "Hemmelig-123" not in str(refused.value)
    # The command line says so and exits 2, before touching any database.
    assert main(["admin", "list-teams"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Invalid settings:\n") and "FELTBOG_TOKEN_DAYS: Input should be a valid integer" in err
    monkeypatch.delenv("FELTBOG_TOKEN_DAYS")
    monkeypatch.delenv("FELTBOG_LOG_FORMAT")
    monkeypatch.setenv("FELTBOG_SERVER_DB", f"sqlite:///{tmp_path / 'x.sqlite'}")
    with pytest.raises(ConfigError, match="FELTBOG_CONFIG_FILE: no such file"):
        load_settings(tmp_path / "missing.env")


def test_the_api_docs_load_their_scripts_from_the_server_or_are_off(tmp_path):
    url = f"sqlite:///{tmp_path / 'docs.sqlite'}"
    with TestClient(create_app(url)) as client:
        for page in ("/docs", "/redoc"):
            html = client.get(page).text
            assets = re.findall(r'(?:src|href)="([^"]+)"', html)
            assert assets and all(a.startswith("/") for a in assets), assets  # nothing from a CDN
            for asset in assets:
                assert client.get(asset).status_code == 200, asset
        assert client.get("/openapi.json").status_code == 200
    with TestClient(create_app(settings=Settings(url, docs=False), run_migrations=False)) as client:
        for page in ("/docs", "/redoc", "/openapi.json"):
            assert client.get(page).status_code == 404
        health = client.get("/api/v1/health").json()
        assert health["status"] == "ok" and health["build"] == "dev"  # no FELTBOG_BUILD: a developer's checkout


def test_the_shipped_env_file_example_is_valid(monkeypatch):
    from pathlib import Path

    for name in ("FELTBOG_SERVER_DB", "FELTBOG_WORKERS", "FELTBOG_DOCS", "FELTBOG_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)
    example = Path(__file__).resolve().parents[2] / "installers" / "server" / "feltbog-server.env.example"
    settings = load_settings(example)
    assert settings.database_url.startswith("postgresql+psycopg://") and settings.workers == 4
    assert settings.docs is False and settings.log_format == "json"
    assert settings.workers * (settings.db_pool_size + settings.db_max_overflow) < 100  # PostgreSQL's default


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG_DATA_HOME places the default file on Linux")
def test_an_admin_command_without_a_database_says_which_file_it_uses(monkeypatch, tmp_path, capsys):
    for name in ("FELTBOG_SERVER_DB", "FELTBOG_DATABASE_URL", "FELTBOG_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert main(["admin", "list-teams"]) == 2  # no file there yet: refused (tests/server/test_admin_cli_audit.py)
    assert capsys.readouterr().err.startswith("error: no database given")
    (tmp_path / "Feltbog-server" / "feltbog-server.sqlite").touch()
    assert main(["admin", "list-teams"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("note: no database given") and str(tmp_path / "Feltbog-server") in err
    monkeypatch.setenv("FELTBOG_SERVER_DB", f"sqlite:///{tmp_path / 'named.sqlite'}")
    assert main(["admin", "list-teams"]) == 0
    assert capsys.readouterr().err == ""
