"""The app's log file: rotating, and free of what consultants type (no Qt).

Visit notes name citizens, so the log must never hold a note body, a
password or a token. Our own log calls only ever pass counts, ids, kinds and
file names. The danger is exception messages: a validation error, an SQL
error about a search phrase, a server's 422 reply or a ``ValueError`` from
parsing can all quote what was typed. So the log's formatter writes every
traceback's frames (file, line, function: code, never values) but replaces
the exception *message* with its length, except for the few exception types
whose message is made by Python from code (``AttributeError`` and friends)
and for our own errors, which are described by their kind and field names.
Locals are never written (the standard formatter does not capture them,
and neither does this one).
"""

from __future__ import annotations

import logging
import logging.handlers
import re
import traceback
from pathlib import Path
from types import TracebackType

# logging's exc_info tuple, as Formatter.formatException receives it
ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]

LOG_FILENAME = "feltbog.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5

# Messages Python writes about the code itself (names of attributes,
# modules, functions), never about data the user typed.
_CODE_MESSAGE_TYPES: tuple[type[BaseException], ...] = (
    AttributeError, NameError, ImportError, NotImplementedError, RecursionError, ZeroDivisionError, MemoryError,
)


# SQLite's constraint messages of this shape name the schema, never the values.
_CONSTRAINT_MESSAGE = re.compile(
    r"(UNIQUE|NOT NULL|FOREIGN KEY|CHECK|PRIMARY KEY) constraint failed(: [\w.]+(, [\w.]+)*)?"
)


def describe_safely(error: BaseException) -> str:
    """A one-line description of ``error`` that cannot carry typed text."""
    from sqlalchemy.exc import StatementError

    from desktop.domain.errors import ValidationError
    from desktop.sync.errors import SyncError

    if isinstance(error, ValidationError):
        fields = ", ".join(f"{e.field}:{e.code}" for e in error.errors)
        return f"entity={error.entity or '?'} fields=[{fields}]"
    if isinstance(error, SyncError):  # kind and HTTP status only
        return f"kind={error.kind.value} status={error.status}"
    if isinstance(error, _CODE_MESSAGE_TYPES):
        return str(error)
    if isinstance(error, StatementError) and error.statement is not None:
        # The SQL (values are bound, and the engine hides them) and what the driver said.
        orig = error.orig
        said = f"{type(orig).__name__}: {describe_safely(orig)}" if orig is not None else ""
        return f"{said} [SQL: {error.statement[:500]}]"
    if type(error).__name__ == "IntegrityError" and _CONSTRAINT_MESSAGE.fullmatch(str(error)):
        return str(error)  # "UNIQUE constraint failed: visit.id": table and column names only
    if isinstance(error, OSError) and error.errno is not None:
        return f"[Errno {error.errno}] {error.strerror}"  # without the file name, which may name a person
    text = str(error)
    return f"<message hidden, {len(text)} characters>" if text else ""


def format_exception_safely(error: BaseException) -> str:
    """A traceback like Python's, every message passed through :func:`describe_safely`."""
    chain: list[tuple[BaseException, str]] = []
    seen: set[int] = set()
    current: BaseException | None = error
    link = ""
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, link))
        if current.__cause__ is not None:
            current, link = current.__cause__, "The above exception was the direct cause of the following exception:"
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, "During handling of the above exception, another exception occurred:"
        else:
            current = None
    parts: list[str] = []
    for index, (exc, _link) in enumerate(reversed(chain)):
        if index:
            parts.append(f"\n{chain[len(chain) - index][1]}\n\n")
        if exc.__traceback__ is not None:
            parts.append("Traceback (most recent call last):\n")
            parts.extend(traceback.format_tb(exc.__traceback__))
        kind = type(exc)
        message = describe_safely(exc)
        parts.append(f"{kind.__module__}.{kind.__qualname__}" + (f": {message}" if message else "") + "\n")
    return "".join(parts).rstrip("\n")


class PrivacyFormatter(logging.Formatter):
    """The standard line format; tracebacks without exception messages (see the module docstring)."""

    def format(self, record: logging.LogRecord) -> str:
        # Work on a copy: the standard Formatter caches the traceback text on
        # the record (exc_text), and another handler's unredacted text must
        # not be reused here, nor ours leak into theirs. An exception passed
        # as an argument ("failed: %s", exc) is described safely too.
        record = logging.makeLogRecord(record.__dict__)
        record.exc_text = None
        if isinstance(record.args, tuple):
            record.args = tuple(describe_safely(a) if isinstance(a, BaseException) else a for a in record.args)
        return super().format(record)

    def formatException(self, ei: ExcInfo) -> str:
        _kind, error, _tb = ei
        if error is None:
            return ""
        return format_exception_safely(error)

    def formatStack(self, stack_info: str) -> str:
        return stack_info  # frames only: code, no values


class FeltbogLogHandler(logging.handlers.RotatingFileHandler):
    """The app's rotating log file (a class of its own so set-up can find and replace it)."""


def setup_logging(folder: Path, *, max_bytes: int = MAX_BYTES, backup_count: int = BACKUP_COUNT) -> Path:
    """Log to ``folder/feltbog.log``, rotating at ``max_bytes`` and keeping ``backup_count`` old files.

    Calling it again (another data folder, a test) replaces the earlier handler.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_FILENAME
    handler = FeltbogLogHandler(path, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8")
    handler.setFormatter(PrivacyFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    stop_logging()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def stop_logging() -> None:
    """Close and remove the app's log handler, if one is installed."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, FeltbogLogHandler)]:
        root.removeHandler(old)
        old.close()
