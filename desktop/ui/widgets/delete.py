"""Deleting one record from any screen: a Danish question first, then a tombstone that syncs.

Visits, openings, contacts, mentors and follow-ups are deleted through
``Operations.delete`` (which also removes what depends on them, e.g. an
opening's planned follow-ups). The question names the record, says what
goes with it and has "Slet"/"Behold" buttons; "Behold" is the default.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.domain.errors import ValidationError
from desktop.ui import i18n
from desktop.ui.i18n import tr
from desktop.ui.operation import AppContext, Op
from desktop.ui.widgets.ask import ask


def _texts(entity: str) -> tuple[str, str]:
    """The question's title and text (``%1``: the record's name) for ``entity``."""
    texts = {
        "visit": (tr("Delete visit"), tr("Delete the visit note %1? This cannot be undone.")),
        "opening": (tr("Delete opening"), tr("Delete the opening %1? Its planned follow-ups go with it.")),
        "contact": (tr("Delete contact"), tr("Delete the contact person %1?")),
        "mentor": (tr("Delete mentor"), tr("Delete the mentor %1?")),
        "follow_up": (tr("Delete follow-up"), tr("Delete the follow-up %1?")),
    }
    return texts[entity]


def confirm_delete(parent: QWidget | None, entity: str, name: str) -> bool:
    """Ask whether to delete the record called ``name``; True when the user said "Slet"."""
    title, text = _texts(entity)
    return ask(parent, title, text.replace("%1", f"“{name}”" if name else ""), yes=tr("Delete"), no=tr("Keep"))


def delete_record(ctx: AppContext, parent: QWidget, entity: str, record_id: str, name: str,
                  then: Callable[[Any], None] | None = None) -> bool:
    """Ask, then delete in the background; ``then`` runs when it is gone. False when the user kept it.

    A refusal (an approved visit is locked) is shown in a message box in the UI language.
    """
    if not confirm_delete(parent, entity, name):
        return False

    def refused(error: ValidationError) -> None:
        QMessageBox.warning(parent, tr("Feltbog"), error.message(i18n.language()))

    Op.write(ctx, lambda ops: ops.delete(entity, record_id), parent).success(then).invalid(refused).run()
    return True
