"""Feltbog: offline-first field book for Danish job-centre company consultants."""

__version__ = "0.2.0"
