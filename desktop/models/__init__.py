"""The local store: models, migrations, operations (writes) and queries (reads). No Qt."""

from desktop.models.changes import Actor, Changes, Result
from desktop.models.db import Database
from desktop.models.operations import Operations

__all__ = ["Actor", "Changes", "Database", "Operations", "Result"]
