"""Every input in every screen and dialog has an accessible name a screen reader reads (issue 16, point 9).

The test walks the widget tree of the real main window (every screen, a
company page and a visit open) and of every dialog, after they are shown as
the app shows them, and lists any input without a name.
"""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import QWidget

from desktop.ui.accessibility import unnamed_inputs
from desktop.ui.account import AccountSnapshot, Team


def described(widgets: list[QWidget]) -> list[str]:
    return [f"{type(w).__name__} {w.objectName()!r} in {type(w.window()).__name__}" for w in widgets]


def supervisor_in_two_teams(ctx):
    ctx.set_account(AccountSnapshot(server_url="https://feltbog.example", user_id=str(uuid.uuid4()),
                                    role="supervisor", signed_in=True,
                                    teams=(Team(str(uuid.uuid4()), "Nord"), Team(str(uuid.uuid4()), "Syd"))))


def test_every_input_of_every_screen_has_a_name(window, seeded, ctx, qtbot):
    supervisor_in_two_teams(ctx)
    for row in range(window.sidebar.count()):
        window.sidebar.setCurrentRow(row)
    window.open_company(seeded["company"])
    qtbot.waitUntil(lambda: window.companies.page.heading.text() == "Jammerbugt Rengøring ApS", timeout=5000)
    window.open_visit(seeded["visit"])
    assert described(unnamed_inputs(window)) == []
    names = {w.objectName(): w.accessibleName() for w in window.findChildren(QWidget) if w.objectName()}
    assert names["field_body"] == "Referat"  # the form's fields: their label
    assert names["search"].startswith("Søg")


def test_every_input_of_every_dialog_has_a_name(window, ctx, qtbot, tmp_path):
    from desktop.models.health import Damage, DatabaseDamagedError
    from desktop.ui.dialogs.company_picker import CompanyPicker
    from desktop.ui.dialogs.entity_dialog import EntityDialog
    from desktop.ui.dialogs.import_dialog import ImportDialog
    from desktop.ui.dialogs.login import LoginDialog
    from desktop.ui.dialogs.recovery import RecoveryDialog
    from desktop.ui.dialogs.search_all import SearchAllDialog
    from desktop.ui.dialogs.settings import SettingsDialog
    from desktop.ui.fields import (
        COMPANY_FIELDS,
        CONTACT_FIELDS,
        FOLLOW_UP_FIELDS,
        MENTOR_FIELDS,
        OPENING_FIELDS,
        VISIT_FIELDS,
    )

    supervisor_in_two_teams(ctx)
    dialogs = [EntityDialog(ctx, entity, list(fields), lambda ops, v: None, parent=window) for entity, fields in (
        ("company", COMPANY_FIELDS), ("contact", CONTACT_FIELDS), ("mentor", MENTOR_FIELDS),
        ("opening", OPENING_FIELDS), ("follow_up", FOLLOW_UP_FIELDS), ("visit", VISIT_FIELDS))]
    dialogs += [LoginDialog(ctx, window), SettingsDialog(ctx, window), ImportDialog(ctx, window),
                SearchAllDialog(ctx, lambda _found: None, window), CompanyPicker(ctx, window),
                RecoveryDialog(DatabaseDamagedError(tmp_path / "feltbog.db", next(iter(Damage))), window)]
    for dialog in dialogs:
        dialog.show()
        qtbot.waitExposed(dialog)
    # a date field's calendar is a window of its own
    date_field = dialogs[0].form.widgets["centre_agreement_start"]
    date_field.open_calendar()
    dialogs.append(date_field.calendar)
    unnamed = [text for dialog in dialogs for text in described(unnamed_inputs(dialog))]
    for dialog in dialogs:
        dialog.close()
    assert unnamed == []
    assert dialogs[0].team.accessibleName() == "Team" and dialogs[0].team.isVisibleTo(dialogs[0])
    assert dialogs[0].form.widgets["is_centre"].accessibleName() == "Virksomhedscenter"
