"""The server's log: one JSON object a line on standard error (or plain text), from every logger.

uvicorn's loggers and the app's own (``logging.getLogger(__name__)``) all go through structlog's
``ProcessorFormatter``, which adds the time, level, logger and the request's context (its
``request_id``, bound by :mod:`server.telemetry`) and renders JSON. What is never written: request
and response bodies, exception *messages* (an SQL error quotes the row being written; a validation
error quotes the input) and SQL parameters (the engine hides them, server/db.py). A traceback keeps
its frames and exception types, so a failure can still be found in the code.
"""

from __future__ import annotations

import logging
import logging.config
import re
import traceback
from types import TracebackType
from typing import Any

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

# Messages Python writes about the code itself, never about data.
_CODE_MESSAGES: tuple[type[BaseException], ...] = (AttributeError, NameError, ImportError, NotImplementedError,
                                                   RecursionError, ZeroDivisionError, MemoryError, TimeoutError)
_CONSTRAINT = re.compile(r"(UNIQUE|NOT NULL|FOREIGN KEY|CHECK|PRIMARY KEY) constraint failed(: [\w.]+(, [\w.]+)*)?")


def safe_message(error: BaseException) -> str:
    """What may be said about an exception: code messages and constraint names, else only its length."""
    from sqlalchemy.exc import StatementError

    if isinstance(error, _CODE_MESSAGES):
        return str(error)
    if isinstance(error, StatementError) and error.statement is not None:
        orig = error.orig
        said = f"{type(orig).__name__}: {safe_message(orig)}" if orig is not None else ""
        return f"{said} [SQL: {error.statement[:300]}]"  # placeholders only: the parameters are not in it
    text = str(error)
    if _CONSTRAINT.fullmatch(text):
        return text
    return f"<message hidden, {len(text)} characters>" if text else ""


def safe_traceback(exc_info: tuple[type[BaseException], BaseException, TracebackType | None]) -> str:
    """A traceback like Python's (with the causes), each exception's message through :func:`safe_message`."""
    chain: list[BaseException] = []
    current: BaseException | None = exc_info[1]
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    parts: list[str] = []
    for exc in reversed(chain):
        if exc.__traceback__ is not None:
            parts.append("Traceback (most recent call last):\n")
            parts.extend(traceback.format_tb(exc.__traceback__))
        kind = type(exc)
        message = safe_message(exc)
        parts.append(f"{kind.__module__}.{kind.__qualname__}" + (f": {message}" if message else "") + "\n")
    return "".join(parts).rstrip("\n")


def _exception_without_messages(_logger: WrappedLogger, _name: str, event: EventDict) -> EventDict:
    exc_info = event.pop("exc_info", None)
    if exc_info is True:
        import sys

        exc_info = sys.exc_info()
    if isinstance(exc_info, BaseException):
        exc_info = (type(exc_info), exc_info, exc_info.__traceback__)
    if isinstance(exc_info, tuple) and exc_info[1] is not None:
        event["exception"] = safe_traceback(exc_info)
    return event


def _drop_colour(_logger: WrappedLogger, _name: str, event: EventDict) -> EventDict:
    event.pop("color_message", None)  # uvicorn's copy of the message with terminal colours
    return event


def _shared_processors() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(),
        _drop_colour,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
        _exception_without_messages,
    ]


def json_formatter() -> structlog.stdlib.ProcessorFormatter:
    """The formatter of the JSON lines (named in :func:`logging_config`, so uvicorn's workers build it too)."""
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_shared_processors(),
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.JSONRenderer(sort_keys=False)])


def text_formatter() -> structlog.stdlib.ProcessorFormatter:
    """Key=value lines for a person reading a terminal (``FELTBOG_LOG_FORMAT=text``)."""
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_shared_processors(),
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback)])


def logging_config(level: str = "INFO", fmt: str = "json") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for the server and for uvicorn (``uvicorn.run(log_config=...)``).

    uvicorn's own access log is off (:mod:`server.telemetry` writes a richer line per request).
    """
    formatter = "server.logs.json_formatter" if fmt == "json" else "server.logs.text_formatter"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"feltbog": {"()": formatter}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "feltbog",
                                "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            "uvicorn": {"handlers": [], "level": level, "propagate": True},
            "uvicorn.error": {"handlers": [], "level": level, "propagate": True},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            # Only warnings from the SQL engine: its INFO lines are the statements.
            "sqlalchemy": {"level": "WARNING"},
            "alembic": {"level": "WARNING"},
        },
    }


def configure(level: str = "INFO", fmt: str = "json") -> None:
    """Send every logger's lines through the server's formatter."""
    logging.config.dictConfig(logging_config(level, fmt))
