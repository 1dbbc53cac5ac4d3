"""Which team a new record or a report belongs to, for a user in more than one team.

The choice is a combo shown only when the account has two teams or more;
the write then runs as the same user with the chosen team (the writer gives
new records the actor's team), so the operations themselves are unchanged.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QComboBox, QWidget

from desktop.models.operations import Operations
from desktop.ui.account import AccountSnapshot
from desktop.ui.i18n import tr


def team_combo(account: AccountSnapshot, parent: QWidget | None = None) -> QComboBox:
    """A combo of the account's teams, the default (first) team chosen (the caller shows it only with a choice)."""
    combo = QComboBox(parent)
    combo.setObjectName("team")
    combo.setAccessibleName(tr("Team"))
    fill_teams(combo, account)
    return combo


def fill_teams(combo: QComboBox, account: AccountSnapshot) -> None:
    """(Re)fill with the account's teams, keeping the chosen one when it is still there."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for team in account.teams:
        combo.addItem(team.name or team.id, team.id)
    combo.setCurrentIndex(max(combo.findData(current), 0))
    combo.blockSignals(False)
    combo.setEnabled(choosing_team(account))


def choosing_team(account: AccountSnapshot) -> bool:
    """True when the user is in more than one team (only then is there anything to choose)."""
    return len(account.teams) > 1


def as_team(ops: Operations, team_id: str | None) -> Operations:
    """The same operations, writing new records into ``team_id`` (``ops`` itself for no or the same team)."""
    if not team_id or team_id == ops.actor.team_id:
        return ops
    return Operations(ops.db, replace(ops.actor, team_id=team_id), today=ops.today)
