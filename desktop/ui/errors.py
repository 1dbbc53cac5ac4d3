"""One place that turns exceptions into messages, plus the crash hook.

The log file itself is set up by :mod:`desktop.logs`, whose formatter keeps
exception messages (which may quote a note) out of the file.
"""

from __future__ import annotations

import hashlib
import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.domain.errors import DomainError
from desktop.errors import Cancelled, UserFacingError
from desktop.ui import i18n
from desktop.ui.i18n import tr

log = logging.getLogger("feltbog")


def user_message(error: BaseException) -> str | None:
    """The words for a user, or None for an unexpected error (a bug)."""
    if isinstance(error, UserFacingError | DomainError):
        return error.message(i18n.language())
    return None


def show_error(parent: QWidget | None, error: BaseException) -> None:
    """Show an error: plain words for expected ones, details for bugs."""
    if isinstance(error, Cancelled):
        return
    message = user_message(error)
    if message is not None:
        QMessageBox.warning(parent, tr("Feltbog"), message)
        return
    log.error("Unexpected error", exc_info=(type(error), error, error.__traceback__))
    box = QMessageBox(QMessageBox.Icon.Critical, tr("Something went wrong"),
                      tr("Something went wrong. Your saved work is safe. The details are in the log file."),
                      parent=parent)
    box.setDetailedText("".join(traceback.format_exception(type(error), error, error.__traceback__)))
    box.exec()


class CrashReporter(QObject):
    """``sys.excepthook`` that logs every unexpected exception and shows it once per signature."""

    crashed = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()
        self.crashed.connect(lambda error: show_error(None, error))

    def install(self) -> None:
        sys.excepthook = self.hook

    def hook(self, kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        log.error("Uncaught exception", exc_info=(kind, error, tb))
        signature = hashlib.sha1("".join(traceback.format_tb(tb)).encode()).hexdigest()
        if signature in self.seen:
            return
        self.seen.add(signature)
        self.crashed.emit(error)
