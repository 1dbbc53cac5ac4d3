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
    token_refresh_grace_seconds: int = 600  # a refreshed token works on until its successor is used, at most this
    max_body_bytes: int = 20 * 1024 * 1024
    max_json_members: int = 250_000  # colons in a body: 5,000 mutations of ~40 fields; more is refused unparsed
    body_timeout_seconds: float = 60.0  # the whole body must have arrived by then (408)
    login_attempts_per_window: int = 5  # per (address, user) and per (known device, user)
    login_user_attempts_per_window: int = 10  # per user, from anywhere
    login_address_attempts_per_window: int = 100  # per address (an office behind one NAT address)
    login_window_seconds: int = 300
    login_max_lockout_seconds: int = 3600  # repeated lock-outs double from login_window_seconds up to this
    refusal_audit_rows_per_minute: int = 30  # per address; more refused requests are counted, not written
    # Refuse a pushed change whose free text holds a CPR number (the municipality's choice; the app warns anyway).
    refuse_cpr_numbers: bool = False
