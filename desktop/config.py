"""Where Feltbog keeps its files, and settings that are not secrets (no Qt)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "Feltbog"
APP_AUTHOR = "Feltbog"


def default_data_dir() -> Path:
    """The per-user data folder (``FELTBOG_DATA_DIR`` overrides it)."""
    override = os.environ.get("FELTBOG_DATA_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def log_dir(data_dir: Path) -> Path:
    """Log files live beside the database, in ``logs/``."""
    return data_dir / "logs"
