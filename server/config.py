"""Server settings: every knob an operator may turn, from ``FELTBOG_*`` environment variables or a file.

``Settings()`` reads the environment (and the file ``FELTBOG_CONFIG_FILE`` names, in the same
``NAME=value`` format as the systemd environment file); the environment wins over the file, and
keyword arguments win over both. docs/deploy.md has the table of names and defaults.

Other modules add their own settings by subclassing or by adding fields here; every field is read
from ``FELTBOG_<FIELD NAME>`` unless it names its own variables with ``validation_alias``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
CONFIG_FILE_VARIABLE = "FELTBOG_CONFIG_FILE"


def default_database_url() -> str:
    """The database URL from the environment (``FELTBOG_SERVER_DB``), else SQLite in the per-user data folder."""
    for name in ("FELTBOG_SERVER_DB", "FELTBOG_DATABASE_URL"):
        if os.environ.get(name):
            return os.environ[name]
    return _sqlite_in_user_data()


def _sqlite_in_user_data() -> str:
    folder = Path(platformdirs.user_data_dir("Feltbog-server", "Feltbog"))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'feltbog-server.sqlite'}"


class ConfigError(Exception):
    """The settings cannot be used; the message names each bad variable and why (one per line)."""


class Settings(BaseSettings):
    """What an operator may tune (``FELTBOG_<NAME>``; docs/deploy.md lists them with their defaults).

    ``Settings(url, token_days=7)`` still works: the first positional argument is the database URL.
    """

    model_config = SettingsConfigDict(env_prefix="FELTBOG_", frozen=True, extra="ignore", populate_by_name=True,
                                      env_file_encoding="utf-8")

    database_url: str = Field(default_factory=_sqlite_in_user_data,
                              validation_alias=AliasChoices("FELTBOG_SERVER_DB", "FELTBOG_DATABASE_URL"))
    db_pool_size: int = Field(10, ge=1, le=200)  # PostgreSQL connections each worker keeps open
    db_max_overflow: int = Field(10, ge=0, le=200)  # more, opened under load and closed after
    host: str = DEFAULT_HOST
    port: int = Field(DEFAULT_PORT, ge=1, le=65535)
    workers: int = Field(1, ge=1, le=64)
    build: str = Field("dev", min_length=1, max_length=64)  # which build runs: the git commit (GET /api/v1/health)
    forwarded_allow_ips: str = "127.0.0.1"  # proxies whose X-Forwarded-For names the client; "" trusts nobody
    token_days: int = Field(30, ge=1, le=3650)
    token_refresh_grace_seconds: int = Field(600, ge=0)  # a refreshed token works on until its successor is used
    max_body_bytes: int = Field(20 * 1024 * 1024, ge=1024)
    max_json_members: int = Field(250_000, ge=100)  # colons in a body: 5,000 mutations of ~40 fields
    body_timeout_seconds: float = Field(60.0, gt=0)  # the whole body must have arrived by then (408)
    login_attempts_per_window: int = Field(5, ge=1)  # per (address, user) and per (known device, user)
    login_user_attempts_per_window: int = Field(10, ge=1)  # per user, from anywhere
    login_address_attempts_per_window: int = Field(100, ge=1)  # per address (an office behind one NAT address)
    login_window_seconds: int = Field(300, ge=1)
    login_max_lockout_seconds: int = Field(3600, ge=1)  # repeated lock-outs double up to this
    refusal_audit_rows_per_minute: int = Field(30, ge=0)  # per address; more refused requests are only counted
    retention_years: int = Field(5, ge=1, le=100)  # apply-retention's default: visit notes older than this
    docs: bool = True  # /docs, /redoc and /openapi.json (assets served by the server itself, no CDN)
    metrics: bool = True  # /metrics in Prometheus format
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "text"] = "json"
    # Refuse a pushed change whose free text holds a CPR number (the municipality's choice; the app warns anyway).
    refuse_cpr_numbers: bool = False
    # Prepared first syncs (server/prepared.py): teams with at least this many records get a copy built once
    # and downloaded by each new laptop; 0 turns them off. A copy more than max_lag changes behind is rebuilt.
    prepared_min_records: int = Field(20_000, ge=0)
    prepared_max_lag: int = Field(10_000, ge=0)
    prepared_folder: Path | None = None  # default: "prepared" beside an SQLite database, else the data folder

    def __init__(self, database_url: str | None = None, /, **values: Any) -> None:
        if database_url is not None:
            values["database_url"] = database_url
        super().__init__(**values)

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgresql")):
            raise ValueError("must start with sqlite:/// or postgresql+psycopg://")
        return value


def prepared_folder(settings: Settings) -> Path:
    """Where prepared first syncs are kept: the setting, else beside an SQLite database, else the data folder."""
    if settings.prepared_folder is not None:
        return settings.prepared_folder
    if settings.database_url.startswith("sqlite:///") and settings.database_url != "sqlite:///:memory:":
        return Path(settings.database_url.removeprefix("sqlite:///")).parent / "feltbog-prepared"
    return Path(platformdirs.user_data_dir("Feltbog-server", "Feltbog")) / "prepared"


def variable_name(field: str) -> str:
    """The environment variable that sets a field."""
    return "FELTBOG_SERVER_DB" if field == "database_url" else f"FELTBOG_{field.upper()}"


def describe(exc: ValidationError) -> str:
    """One line per bad setting: the variable, the value's problem (never the value: it may be a password)."""
    lines = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "?"
        name = field if field.startswith("FELTBOG_") else variable_name(field)
        lines.append(f"{name}: {error['msg']}")
    return "\n".join(lines)


def load_settings(config_file: str | Path | None = None, **overrides: Any) -> Settings:
    """Settings from the environment and the config file (``config_file`` or ``FELTBOG_CONFIG_FILE``).

    Raises :class:`ConfigError` with a readable message when a value is invalid or the file is missing.
    """
    path = config_file or os.environ.get(CONFIG_FILE_VARIABLE) or None
    if path is not None and not Path(path).is_file():
        raise ConfigError(f"{CONFIG_FILE_VARIABLE}: no such file: {path}")
    given = {key: value for key, value in overrides.items() if value is not None}
    try:
        return Settings(_env_file=path, **given)
    except ValidationError as exc:
        raise ConfigError(describe(exc)) from None
