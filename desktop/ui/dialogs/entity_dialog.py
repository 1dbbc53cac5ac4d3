"""Create or edit one record in a dialog; messages appear next to the fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialog, QFormLayout, QScrollArea, QVBoxLayout, QWidget

from desktop.domain.errors import ValidationError
from desktop.domain.schema import ENTITIES
from desktop.models.operations import Operations
from desktop.ui import i18n
from desktop.ui.context import AppContext
from desktop.ui.i18n import tr
from desktop.ui.widgets.buttons import dialog_buttons
from desktop.ui.widgets.form import EntityForm
from desktop.ui.widgets.receipt import ReceiptLabel
from desktop.ui.widgets.team import as_team, choosing_team, team_combo


class EntityDialog(QDialog):
    """A form for ``fields`` of ``entity``; Save runs ``save(ops, values)`` in the background.

    ``values`` are the record being edited; without them (a new record) the
    form shows the schema's defaults, and a user in more than one team picks
    the team the record belongs to (``new`` says so when a new record comes with values;
    ``team_id`` is the team chosen first, else the user's first team).
    ``record_id`` (an edited record) shows whether the server has received it.
    """

    def __init__(
        self,
        ctx: AppContext,
        entity: str,
        fields: list[str],
        save: Callable[[Operations, dict[str, Any]], Any],
        values: dict[str, Any] | None = None,
        title: str = "",
        parent: QWidget | None = None,
        new: bool | None = None,
        team_id: str | None = None,
        record_id: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.save = save
        self.result_value: Any = None
        self.setWindowTitle(title or i18n.entity_label(entity))
        self.setMinimumWidth(520)
        self.form = EntityForm(entity, fields, today=lambda: ctx.today())
        # A new record starts from the schema's defaults (a mentor is active,
        # one place, a visit every 21 days); an edited one shows what it holds.
        self.form.set_values({**ENTITIES[entity].defaults(), **(values or {})})
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        buttons = dialog_buttons(tr("Save"), self.submit, self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        self.team = team_combo(ctx.account, self)
        if team_id is not None and self.team.findData(team_id) >= 0:
            self.team.setCurrentIndex(self.team.findData(team_id))  # a company's contact: the company's team
        self.choosing_team = bool(values is None if new is None else new) and choosing_team(ctx.account)
        if self.choosing_team:
            teams = QFormLayout()
            teams.addRow(tr("Team"), self.team)
            layout.addLayout(teams)
        else:
            self.team.hide()
        layout.addWidget(scroll)
        if record_id is not None:
            self.receipt = ReceiptLabel(ctx, self)
            self.receipt.show_for(entity, record_id)
            layout.addWidget(self.receipt)
        layout.addWidget(buttons)
        self.resize(560, min(120 + 58 * len(fields), 720))

    def submit(self) -> None:
        """Validate and save through the operations; stay open on bad input."""
        values = self.form.values()
        team = self.team.currentData() if self.choosing_team else None
        self.buttons.setEnabled(False)

        def saved(result: Any) -> None:
            self.result_value = result
            self.buttons.setEnabled(True)
            self.accept()

        def invalid(error: ValidationError) -> None:
            self.buttons.setEnabled(True)
            self.form.show_errors(error)

        self.ctx.write(lambda ops: self.save(as_team(ops, team), values), saved, invalid, parent=self)
