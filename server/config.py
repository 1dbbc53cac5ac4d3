"""Server settings: where the database is, token lifetime, limits."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def default_database_url() -> str:
    """SQLite in the per-user data folder (``FELTBOG_SERVER_DB`` overrides it)."""
    if os.environ.get("FELTBOG_SERVER_DB"):
        return os.environ["FELTBOG_SERVER_DB"]
    folder = Path(platformdirs.user_data_dir("Feltbog-server", "Feltbog"))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'feltbog-server.sqlite'}"


@dataclass(frozen=True)
class Settings:
    """What an operator may tune."""

    database_url: str
    token_days: int = 30
    max_body_bytes: int = 20 * 1024 * 1024
    login_attempts_per_window: int = 5
    login_window_seconds: int = 300
    login_max_lockout_seconds: int = 3600  # repeated lock-outs double from login_window_seconds up to this
    refusal_audit_rows_per_minute: int = 30  # per address; more refused requests are counted, not written
