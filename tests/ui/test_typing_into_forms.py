"""Typing into the record dialogs as a person does: dates, numbers, CVR numbers and new-record defaults.

Each test types with ``qtbot.keyClicks`` into the real widgets of an
EntityDialog and saves through the real operations (issue 15, findings 2, 3, 7).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.models.queries import list_companies, list_mentors, list_openings
from desktop.models.record_queries import get_record
from desktop.ui.dialogs.entity_dialog import EntityDialog
from tests.conftest import TODAY

OPENING_FIELDS = ["title", "kind", "job_functions", "hours_per_week", "duration_weeks", "starts_on", "places",
                  "target_group", "accommodations", "status"]
MENTOR_FIELDS = ["name", "title", "phone", "email", "trained_on", "capacity", "active", "notes"]
COMPANY_FIELDS = ["name", "cvr", "address", "postcode", "city", "municipality", "industry", "phone", "email",
                  "website", "notes", "is_centre", "centre_work_areas", "centre_target_groups", "centre_places",
                  "centre_visit_interval_days", "centre_agreement_start", "centre_agreement_end"]


@pytest.fixture
def company(ctx):
    return ctx.ops().create_company(name="Jammerbugt Rengøring ApS", city="Brovst").id


def new_dialog(ctx, qtbot, entity, fields, company_id=None):
    extra = {"company_id": company_id} if company_id else {}
    dialog = EntityDialog(ctx, entity, fields, lambda ops, v: ops.create(entity, {**extra, **v}))
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    return dialog


def type_into(qtbot, widget, text):
    """Click into the field, type, and leave it with Tab, as a person does."""
    widget.setFocus()
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Tab)


def save(qtbot, dialog):
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)


def openings(ctx):
    with ctx.db.read() as session:
        return list_openings(session).items


# -- finding 2: date fields --------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "expected"), [
    ("07-12-2026", date(2026, 12, 7)),
    ("7-12-26", date(2026, 12, 7)),
    ("7/12", date(2026, 12, 7)),
    ("7.12.2026", date(2026, 12, 7)),
    ("071226", date(2026, 12, 7)),
    ("i morgen", TODAY + timedelta(days=1)),
    ("+3", TODAY + timedelta(days=3)),
])
def test_a_date_typed_into_an_empty_field_is_saved(ctx, qtbot, company, typed, expected):
    dialog = new_dialog(ctx, qtbot, "opening", OPENING_FIELDS, company)
    type_into(qtbot, dialog.form.widgets["title"], "Rengøring")
    starts = dialog.form.widgets["starts_on"]
    type_into(qtbot, starts, typed)
    assert starts.text() == expected.strftime("%d-%m-%Y")  # tidied when the field is left
    assert not dialog.form.errors["starts_on"].isVisible()
    save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    [opening] = openings(ctx)
    assert opening.starts_on == expected


def test_a_date_that_does_not_exist_is_refused_with_a_message_and_not_saved(ctx, qtbot, company):
    dialog = new_dialog(ctx, qtbot, "opening", OPENING_FIELDS, company)
    type_into(qtbot, dialog.form.widgets["title"], "Rengøring")
    starts = dialog.form.widgets["starts_on"]
    type_into(qtbot, starts, "31-02-2026")
    error = dialog.form.errors["starts_on"]
    assert error.isVisible() and error.text() == "31-02-2026 findes ikke: februar 2026 har 28 dage."
    assert starts.text() == "31-02-2026"  # kept as typed, to be fixed
    save(qtbot, dialog)
    qtbot.wait(300)
    assert dialog.isVisible() and error.isVisible() and "findes ikke" in error.text()
    assert openings(ctx) == []
    starts.selectAll()
    type_into(qtbot, starts, "28-02-2026")
    assert not error.isVisible()
    save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert [o.starts_on for o in openings(ctx)] == [date(2026, 2, 28)]


def test_text_that_is_no_date_says_how_to_type_one(ctx, qtbot, company):
    dialog = new_dialog(ctx, qtbot, "opening", OPENING_FIELDS, company)
    type_into(qtbot, dialog.form.widgets["starts_on"], "næste fredag")
    error = dialog.form.errors["starts_on"]
    assert error.isVisible() and "Skriv fx 07-12-2026, 7/12 eller i morgen" in error.text()


def test_an_empty_date_field_shows_nothing_and_its_calendar_opens_at_today(ctx, qtbot, company):
    dialog = new_dialog(ctx, qtbot, "opening", OPENING_FIELDS, company)
    starts = dialog.form.widgets["starts_on"]
    assert starts.text() == "" and starts.placeholderText() == "dd-mm-åååå"
    assert dialog.form.values()["starts_on"] is None
    starts.setFocus()
    qtbot.keyClick(starts, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    calendar = starts.calendar
    qtbot.waitUntil(calendar.isVisible, timeout=2000)
    assert (calendar.yearShown(), calendar.monthShown()) == (TODAY.year, TODAY.month)
    calendar.clicked.emit(calendar.selectedDate().addDays(14))
    assert not calendar.isVisible()
    assert starts.text() == "07-12-2026" and dialog.form.values()["starts_on"] == date(2026, 12, 7)


def test_the_calendar_is_used_from_the_keyboard(ctx, qtbot, company):
    dialog = new_dialog(ctx, qtbot, "opening", OPENING_FIELDS, company)
    starts = dialog.form.widgets["starts_on"]
    starts.setFocus()
    qtbot.keyClick(starts, Qt.Key.Key_F4)
    calendar = starts.calendar
    qtbot.waitUntil(calendar.isVisible, timeout=2000)
    assert calendar.firstDayOfWeek() == Qt.DayOfWeek.Monday
    view = QApplication.focusWidget()
    qtbot.keyClick(view, Qt.Key.Key_Down)  # a week on
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert not calendar.isVisible() and starts.text() == "30-11-2026"
    assert dialog.form.values()["starts_on"] == date(2026, 11, 30)
    starts.setFocus()
    qtbot.keyClick(starts, Qt.Key.Key_F4)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert not calendar.isVisible() and starts.text() == "30-11-2026"


def test_a_filled_date_field_opens_its_calendar_at_its_own_date(ctx, qtbot, company):
    ops = ctx.ops()
    opening = ops.create_opening(company, title="Rengøring", kind="virksomhedspraktik", starts_on=date(2027, 3, 1)).id
    with ctx.db.read() as session:
        record = get_record(session, "opening", opening)
    dialog = EntityDialog(ctx, "opening", OPENING_FIELDS, lambda o, v: o.update("opening", opening, v), record.fields)
    qtbot.addWidget(dialog)
    dialog.show()
    starts = dialog.form.widgets["starts_on"]
    assert starts.text() == "01-03-2027"
    starts.open_calendar()
    assert (starts.calendar.yearShown(), starts.calendar.monthShown()) == (2027, 3)
    starts.calendar.hide()
    starts.setFocus()
    qtbot.keyClick(starts, Qt.Key.Key_Up)
    assert starts.text() == "02-03-2027"


def test_a_date_given_as_iso_text_is_shown_the_danish_way(qtbot):
    from desktop.ui.widgets.form import DateField

    field = DateField(lambda: TODAY)
    qtbot.addWidget(field)
    field.set_value("2026-12-07")
    assert field.text() == "07-12-2026" and field.value() == date(2026, 12, 7)
    field.set_value(None)
    assert field.text() == "" and field.value() is None


def test_dates_read_in_english_mode_too(ctx, qtbot, company):
    from desktop.ui import i18n

    i18n.set_language("en")
    try:
        dialog = new_dialog(ctx, qtbot, "opening", OPENING_FIELDS, company)
        starts = dialog.form.widgets["starts_on"]
        assert starts.placeholderText() == "dd-mm-yyyy"
        type_into(qtbot, starts, "31-02-2026")
        assert dialog.form.errors["starts_on"].text() == "31-02-2026 does not exist: February 2026 has 28 days."
        starts.clear()
        type_into(qtbot, starts, "tomorrow")
        assert starts.text() == "24-11-2026"
    finally:
        i18n.set_language("da")


# -- finding 3: new records start from the schema's defaults -------------------------------------


def test_a_mentor_added_by_hand_is_active(ctx, qtbot, company):
    dialog = new_dialog(ctx, qtbot, "mentor", MENTOR_FIELDS, company)
    assert dialog.form.widgets["active"].isChecked()
    assert dialog.form.widgets["capacity"].text() == "1"
    type_into(qtbot, dialog.form.widgets["name"], "Hanne Kjær")
    save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    with ctx.db.read() as session:
        [mentor] = list_mentors(session).items
    assert mentor.name == "Hanne Kjær" and mentor.active and mentor.capacity == 1


def test_new_records_show_places_capacity_and_interval_defaults(ctx, qtbot, company):
    opening = new_dialog(ctx, qtbot, "opening", OPENING_FIELDS, company)
    assert opening.form.widgets["places"].text() == "1"
    centre = new_dialog(ctx, qtbot, "company", COMPANY_FIELDS)
    assert centre.form.widgets["centre_visit_interval_days"].text() == "21"
    assert not centre.form.widgets["is_centre"].isChecked()


# -- finding 7: CVR numbers and hours as people type them -----------------------------------------


@pytest.mark.parametrize("typed", ["31 00 00 17", "DK31000017", "DK-31 00 00 17", "31000017"])
def test_a_cvr_number_is_taken_as_people_write_it(ctx, qtbot, typed):
    dialog = new_dialog(ctx, qtbot, "company", COMPANY_FIELDS)
    type_into(qtbot, dialog.form.widgets["name"], "Brovst Bageri")
    cvr = dialog.form.widgets["cvr"]
    type_into(qtbot, cvr, typed)
    assert cvr.text() == "31000017" and not dialog.form.errors["cvr"].isVisible()
    save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    with ctx.db.read() as session:
        assert [c.cvr for c in list_companies(session).items] == ["31000017"]


@pytest.mark.parametrize(("typed", "message"), [
    ("31 00 00 18", "CVR-nummeret er ikke gyldigt (kontrolcifferet passer ikke)."),
    ("310000171", "CVR-nummeret skal være 8 cifre."),
])
def test_a_wrong_cvr_number_is_shown_whole_with_a_reason(ctx, qtbot, typed, message):
    dialog = new_dialog(ctx, qtbot, "company", COMPANY_FIELDS)
    cvr = dialog.form.widgets["cvr"]
    type_into(qtbot, cvr, typed)
    assert cvr.text() == typed  # not cut at 8 characters
    assert dialog.form.errors["cvr"].isVisible() and dialog.form.errors["cvr"].text() == message


@pytest.mark.parametrize(("typed", "shown", "saved"), [("7.5", "7,5", 7.5), ("7,5", "7,5", 7.5), ("8", "8", 8)])
def test_hours_with_a_decimal_are_kept(ctx, qtbot, company, typed, shown, saved):
    dialog = new_dialog(ctx, qtbot, "opening", OPENING_FIELDS, company)
    type_into(qtbot, dialog.form.widgets["title"], "Rengøring")
    hours = dialog.form.widgets["hours_per_week"]
    type_into(qtbot, hours, typed)
    assert hours.text() == shown
    save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert [o.hours_per_week for o in openings(ctx)] == [saved]


def test_forty_hours_is_refused_with_a_message_not_cut_to_four(ctx, qtbot, company):
    dialog = new_dialog(ctx, qtbot, "opening", OPENING_FIELDS, company)
    type_into(qtbot, dialog.form.widgets["title"], "Rengøring")
    hours = dialog.form.widgets["hours_per_week"]
    type_into(qtbot, hours, "40")
    assert hours.text() == "40"
    error = dialog.form.errors["hours_per_week"]
    assert error.isVisible() and error.text() == "Timer pr. uge skal være mellem 0 og 37."
    save(qtbot, dialog)
    qtbot.wait(300)
    assert dialog.isVisible() and openings(ctx) == []


def test_a_whole_number_field_refuses_a_decimal_with_a_message(ctx, qtbot, company):
    dialog = new_dialog(ctx, qtbot, "opening", OPENING_FIELDS, company)
    weeks = dialog.form.widgets["duration_weeks"]
    type_into(qtbot, weeks, "12,5")
    assert dialog.form.errors["duration_weeks"].text() == "Varighed (uger) skal være et helt tal."
    weeks.selectAll()
    type_into(qtbot, weeks, "13")
    assert not dialog.form.errors["duration_weeks"].isVisible()
    assert dialog.form.values()["duration_weeks"] == 13


# -- the visit editor (autosave) takes typed dates too ---------------------------------------------


def test_dates_typed_into_the_visit_note_are_autosaved_and_a_wrong_one_is_named(make_ctx, qtbot, monkeypatch):
    from desktop.ui.screens import visit_editor
    from desktop.ui.screens.visits import VisitsScreen

    monkeypatch.setattr(visit_editor, "AUTOSAVE_MS", 100)
    ctx = make_ctx()
    ops = ctx.ops()
    visit = ops.create_visit(ops.create_company(name="Aars Bageri").id).id
    screen = VisitsScreen(ctx)
    qtbot.addWidget(screen)
    with qtbot.waitActive(screen):
        screen.show()
        screen.activateWindow()
    screen.show_visit(visit)
    editor = screen.editor
    qtbot.waitUntil(lambda: editor.record is not None, timeout=5000)
    visited, follow_up = editor.form.widgets["visited_at"], editor.form.widgets["follow_up_on"]
    assert visited.text() == "23-11-2026" and follow_up.text() == ""
    type_into(qtbot, follow_up, "31-02-2026")
    qtbot.waitUntil(lambda: editor.form.errors["follow_up_on"].isVisible(), timeout=5000)
    assert editor.form.errors["follow_up_on"].text() == "31-02-2026 findes ikke: februar 2026 har 28 dage."
    follow_up.selectAll()
    type_into(qtbot, follow_up, "7/12")
    assert follow_up.text() == "07-12-2026"

    def saved() -> bool:
        with ctx.db.read() as session:
            return get_record(session, "visit", visit).fields["follow_up_on"] == date(2026, 12, 7)

    qtbot.waitUntil(saved, timeout=5000)
    qtbot.waitUntil(lambda: not editor.form.errors["follow_up_on"].isVisible(), timeout=5000)
