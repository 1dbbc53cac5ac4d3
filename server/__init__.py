"""Feltbog's central sync server (FastAPI; SQLite by default, PostgreSQL in production)."""

__version__ = "0.2.0"
