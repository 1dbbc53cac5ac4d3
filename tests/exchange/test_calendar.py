"""The follow-up calendar (issue 16, point 3): an .ics that Outlook can subscribe to, with stable UIDs,
all-day events on the due date, no note text, and events that leave when done or deleted."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from icalendar import Calendar

from desktop.exchange.calendar_feed import (
    CALENDAR_FILENAME,
    calendar_events,
    export_calendar,
    write_calendar_file,
)
from desktop.models import Actor, Operations
from desktop.models.planning import centre_follow_up_id
from tests.conftest import TODAY

SECRET = "Hemmeligt: borgeren Jens har rygproblemer"


def events_in(path):
    calendar = Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def write(db, folder, user_id, today=TODAY):
    with db.read() as session:
        return write_calendar_file(session, folder, user_id, today)


@pytest.fixture
def bager(ops):
    return ops.create_company(name="Bageriet Ølby ApS").id


def test_open_follow_ups_are_all_day_events_named_by_kind_and_company_with_a_link_back(db, ops, user_id, bager,
                                                                                        tmp_path):
    follow_up = ops.create_follow_up("company", bager, due_on=TODAY + timedelta(days=3), note=SECRET).id
    path = write(db, tmp_path, user_id)
    assert path == tmp_path / CALENDAR_FILENAME
    [(uid, event)] = events_in(path).items()
    assert uid == f"{follow_up}@feltbog"
    assert event.decoded("DTSTART") == TODAY + timedelta(days=3)  # a date: an all-day event
    assert event.decoded("DTEND") == TODAY + timedelta(days=4)
    assert str(event["SUMMARY"]) == "Opfølgning (virksomhed) – Bageriet Ølby ApS"
    assert str(event["URL"]) == f"feltbog://follow_up/{follow_up}"
    assert f"feltbog://follow_up/{follow_up}" in str(event["DESCRIPTION"])


def test_no_note_text_reaches_the_calendar(db, ops, user_id, bager, tmp_path):
    visit = ops.create_visit(bager, body=SECRET, follow_up_on=TODAY + timedelta(days=7)).id
    ops.create_follow_up("visit", visit, due_on=TODAY, note=SECRET)
    path = write(db, tmp_path, user_id)
    assert len(events_in(path)) == 2
    text = path.read_bytes().decode("utf-8")
    for word in ("Hemmeligt", "borgeren", "Jens", "rygproblemer"):
        assert word not in text


def test_each_event_keeps_its_uid_when_the_follow_up_moves(db, ops, user_id, bager, tmp_path):
    follow_up = ops.create_follow_up("company", bager, due_on=TODAY + timedelta(days=3), note="Ring").id
    before = events_in(write(db, tmp_path, user_id))
    ops.update("follow_up", follow_up, {"due_on": TODAY + timedelta(days=10), "note": "Ring igen"})
    after = events_in(write(db, tmp_path, user_id))
    assert list(before) == list(after) == [f"{follow_up}@feltbog"]
    assert after[f"{follow_up}@feltbog"].decoded("DTSTART") == TODAY + timedelta(days=10)


def test_a_follow_up_typed_on_a_visit_is_in_the_calendar_on_its_date_and_leaves_when_done(db, ops, user_id, bager,
                                                                                          tmp_path):
    visit = ops.create_visit(bager, body="Første møde", follow_up_on=TODAY + timedelta(days=14)).id
    [(uid, event)] = events_in(write(db, tmp_path, user_id)).items()
    assert event.decoded("DTSTART") == TODAY + timedelta(days=14)
    assert str(event["SUMMARY"]) == "Opfølgning på besøg – Bageriet Ølby ApS"
    ops.save_visit_draft(visit, follow_up_on=TODAY + timedelta(days=21))
    assert list(events_in(write(db, tmp_path, user_id))) == [uid]
    ops.complete_follow_up(uid.removesuffix("@feltbog"))
    assert events_in(write(db, tmp_path, user_id)) == {}


def test_a_deleted_follow_up_leaves_the_calendar(db, ops, user_id, bager, tmp_path):
    keep = ops.create_follow_up("company", bager, due_on=TODAY, note="Bliver").id
    gone = ops.create_follow_up("company", bager, due_on=TODAY, note="Går").id
    assert set(events_in(write(db, tmp_path, user_id))) == {f"{keep}@feltbog", f"{gone}@feltbog"}
    ops.delete("follow_up", gone)
    assert set(events_in(write(db, tmp_path, user_id))) == {f"{keep}@feltbog"}


def test_only_the_signed_in_users_follow_ups(db, ops, user_id, team_id, bager, tmp_path):
    colleague = Operations(db, Actor(str(uuid.uuid4()), team_id), today=lambda: TODAY)
    colleague.create_follow_up("company", bager, due_on=TODAY, note="Kollegaens")
    mine = ops.create_follow_up("company", bager, due_on=TODAY, note="Min").id
    assert set(events_in(write(db, tmp_path, user_id))) == {f"{mine}@feltbog"}


def test_an_opening_follow_up_names_the_openings_company(db, ops, user_id, bager, tmp_path):
    ops.create_opening(bager, title="Opvasker", kind="virksomhedspraktik", starts_on=TODAY, duration_weeks=12)
    summaries = sorted(str(e["SUMMARY"]) for e in events_in(write(db, tmp_path, user_id)).values())
    assert summaries == ["Midtvejsopfølgning – Bageriet Ølby ApS", "Slutopfølgning – Bageriet Ølby ApS"]


def test_a_centres_next_visit_is_an_event_with_the_uid_its_follow_up_will_get(db, ops, user_id, tmp_path):
    centre = ops.create_company(name="Aars Plejecenter", is_centre=True, centre_visit_interval_days=21,
                                centre_agreement_start=TODAY - timedelta(days=7)).id
    due = TODAY + timedelta(days=14)
    [(uid, event)] = events_in(write(db, tmp_path, user_id)).items()
    assert uid == f"{centre_follow_up_id(centre, due)}@feltbog"
    assert event.decoded("DTSTART") == due
    assert str(event["SUMMARY"]) == "Besøg virksomhedscenter – Aars Plejecenter"
    assert str(event["URL"]) == f"feltbog://company/{centre}"
    # On the day the centre's follow-up is planned, the event is that follow-up, under the same UID.
    later = Operations(db, ops.actor, today=lambda: due)
    later.plan_centre_follow_ups()
    assert list(events_in(write(db, tmp_path, user_id, today=due))) == [uid]


def test_the_file_is_rewritten_only_when_it_changes_and_never_left_half_written(db, ops, user_id, bager, tmp_path):
    folder = tmp_path / "kalender"
    ops.create_follow_up("company", bager, due_on=TODAY, note="Ring")
    assert write(db, folder, user_id) is not None
    assert write(db, folder, user_id) is None  # nothing changed: Outlook has nothing new to read
    assert [p.name for p in folder.iterdir()] == [CALENDAR_FILENAME]  # no temporary file left behind


def test_an_ics_of_a_period(db, ops, user_id, bager, tmp_path):
    inside = ops.create_follow_up("company", bager, due_on=date(2026, 12, 1), note="Med").id
    ops.create_follow_up("company", bager, due_on=date(2027, 1, 15), note="Uden for perioden")
    with db.read() as session:
        path = export_calendar(session, tmp_path / "december.ics", user_id, date(2026, 12, 1), date(2026, 12, 31))
        assert [e.uid for e in calendar_events(session, user_id, date(2026, 12, 1), date(2026, 12, 31))] == [
            f"{inside}@feltbog"]
    assert list(events_in(path)) == [f"{inside}@feltbog"]
