"""Long work: a progress dialog that appears only after ~0.5 s, with Cancel bound to a CancelToken."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop.cancel import CancelToken
from desktop.ui.i18n import tr


class _Bridge(QObject):
    moved = Signal(int, int, str)


def run_with_progress(
    ctx: Any,
    work: Callable[[Callable[[int, int, str], None], CancelToken], Any],
    on_success: Callable[[Any], None],
    label: str,
    parent: QWidget | None = None,
    uses_db: bool = True,
) -> CancelToken:
    """Run ``work(progress, cancel)`` in the background with a delayed, cancellable progress dialog."""
    cancel = CancelToken()
    dialog = QProgressDialog(label, tr("Cancel"), 0, 0, parent)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(500)  # quick work never flashes a dialog
    dialog.setAutoReset(False)
    dialog.canceled.connect(cancel.cancel)
    bridge = _Bridge(dialog)

    def moved(done: int, total: int, _message: str) -> None:
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total else 0)

    bridge.moved.connect(moved)

    def finish(result: Any) -> None:
        dialog.reset()
        dialog.deleteLater()
        on_success(result)

    def failed(error: BaseException) -> None:
        dialog.reset()
        dialog.deleteLater()
        from desktop.ui.errors import show_error

        show_error(parent, error)

    ctx.tasks.run(lambda: work(bridge.moved.emit, cancel), finish, failed, uses_db=uses_db, parent=parent)
    return cancel
