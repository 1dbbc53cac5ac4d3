"""The due list the tray reads: my open follow-ups due by today and centres due, each once (issue 16, point 2)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from desktop.models.reminders import due_items
from tests.conftest import TODAY


def test_due_and_overdue_follow_ups_of_mine_and_centres_due(ops, db, user_id):
    company = ops.create_company(name="Aars Tømrer").id
    ops.create_follow_up("company", company, due_on=TODAY - timedelta(days=2), note="Ring om praktik")
    ops.create_follow_up("company", company, due_on=TODAY, note="Send kontrakt")
    ops.create_follow_up("company", company, due_on=TODAY + timedelta(days=1), note="Ikke endnu")
    done = ops.create_follow_up("company", company, due_on=TODAY, note="Klaret").id
    ops.complete_follow_up(done)
    ops.create_follow_up("company", company, due_on=TODAY, note="Kollegas", assignee_id=str(uuid.uuid4()))
    with db.read() as session:
        items = due_items(session, user_id, TODAY)
    notes = {(i.title, i.note, i.overdue, i.opens) for i in items if i.key.startswith("follow_up:")}
    assert notes == {("Aars Tømrer", "Ring om praktik", True, "company"),
                     ("Aars Tømrer", "Send kontrakt", False, "company")}
    assert not [i for i in items if i.key.startswith("centre:")]


def test_a_centre_with_its_planned_follow_up_is_listed_once(ops, db, user_id):
    centre = ops.create_company(name="Jammerbugt Virksomhedscenter", is_centre=True,
                                centre_agreement_start=TODAY - timedelta(days=60)).id
    ops.plan_centre_follow_ups()
    with db.read() as session:
        items = due_items(session, user_id, TODAY)
    assert [(i.key.split(":")[0], i.opens_id, i.overdue) for i in items] == [("follow_up", centre, True)]
    ops.delete("follow_up", items[0].key.removeprefix("follow_up:"))  # deleted on purpose: not planned again
    with db.read() as session:
        items = due_items(session, user_id, TODAY)
    assert [(i.key, i.title, i.opens, i.opens_id) for i in items] == [
        (f"centre:{centre}", "Jammerbugt Virksomhedscenter", "company", centre)]


def test_a_colleagues_centre_is_theirs_to_be_reminded_of(ops, db, user_id):
    colleague = str(uuid.uuid4())
    for owner, name in ((user_id, "Farsø Plejecenter"), (colleague, "Aars Maskinfabrik"), (None, "Løgstør Havn")):
        centre = ops.create_company(name=name, is_centre=True, centre_agreement_start=TODAY - timedelta(days=60),
                                    responsible_user_id=owner).id
        with db.read() as session:
            planned = [i for i in due_items(session, owner, TODAY) if i.opens_id == centre]
        for item in planned:  # drop the planned follow-up: the centre itself is then listed
            if item.key.startswith("follow_up:"):
                ops.delete("follow_up", item.key.removeprefix("follow_up:"))
    with db.read() as session:
        titles = sorted(i.title for i in due_items(session, user_id, TODAY))
    assert titles == ["Farsø Plejecenter", "Løgstør Havn"]
