"""Undo of a delete (issue 16, 8): what the team deleted in the last 30 days is listed, and a record put back
reaches every laptop of the team at its next sync."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from desktop.sync.errors import SyncError
from server.security import utcnow
from server.tables import Record


def test_a_deleted_visit_put_back_syncs_to_a_second_laptop(make_device):
    a, b = make_device("laptop-a"), make_device("laptop-b")
    company = a.ops.create_company(name="Brovst Tømrer").id
    visit = a.ops.create_visit(company, body="Aftale om praktik i januar").id
    a.sync()
    b.sync()
    a.ops.delete("visit", visit)
    a.sync()
    b.sync()
    assert visit not in b.records("visit")

    [listed] = [r for r in a.service.recently_deleted() if r["id"] == visit]
    assert (listed["entity"], listed["company_name"]) == ("visit", "Brovst Tømrer")
    a.service.restore_deleted(visit)
    a.sync()
    b.sync()
    assert b.records("visit")[visit]["body"] == "Aftale om praktik i januar"
    assert a.records("visit")[visit]["body"] == "Aftale om praktik i januar"
    assert a.sync().verified and b.sync().verified
    assert visit not in {r["id"] for r in a.service.recently_deleted()}


def test_a_visit_of_a_deleted_company_asks_for_the_company_first_and_old_deletes_stay(make_device, server):
    a = make_device("laptop-a")
    company = a.ops.create_company(name="Pandrup Auto").id
    visit = a.ops.create_visit(company, body="Noter").id
    a.sync()
    a.ops.delete("visit", visit)
    a.ops.delete("company", company)
    a.sync()
    with pytest.raises(SyncError) as caught:
        a.service.restore_deleted(visit)
    assert caught.value.status == 409 and "gendan den først" in str(caught.value.payload)
    a.service.restore_deleted(company)
    a.service.restore_deleted(visit)
    a.sync()
    assert company in a.records("company") and visit in a.records("visit")
    a.ops.delete("visit", visit)
    a.sync()
    with server.engine.execution_options(write=True).begin() as conn:  # deleted 31 days ago
        conn.execute(update(Record).where(Record.id == visit).values(deleted_at=utcnow() - timedelta(days=31)))
    assert visit not in {r["id"] for r in a.service.recently_deleted()}
    with pytest.raises(SyncError) as too_old:
        a.service.restore_deleted(visit)
    assert too_old.value.status == 409


def test_another_teams_deleted_record_is_neither_listed_nor_restored(make_device, make_device_for_team, server,
                                                                      tmp_path):
    other = make_device_for_team(tmp_path / "other", server.new_team("Jobcenter Rebild"))
    theirs = other.ops.create_company(name="Rebild Rengøring").id
    other.sync()
    other.ops.delete("company", theirs)
    other.sync()
    mine = make_device("laptop-a")
    assert theirs not in {r["id"] for r in mine.service.recently_deleted()}
    with pytest.raises(SyncError) as caught:
        mine.service.restore_deleted(theirs)
    assert caught.value.status == 404
