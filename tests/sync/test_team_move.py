"""A company moved to another team takes everything of it along (issue 18, 2), on both databases.

A consultant in two teams moves a company from Jammerbugt to Vesthimmerland.
A third laptop in the old team pulls a delete of the company *and* of its
visits, openings, mentors, contacts, follow-ups, reviews and conflicts, and
keeps nothing of it; the old team's supervisor queue no longer lists its
visit; the new team's laptops and queue have all of it.
"""

from __future__ import annotations

from datetime import date

import orjson
from sqlalchemy import select, update

from desktop.sync.client import SyncClient
from server import admin
from server.tables import Record
from tests.support.live_server import PASSWORD
from tests.sync.harness import Device

CHILDREN = ("visit", "opening", "mentor", "contact", "follow_up", "review", "conflict")


def move(server, username: str, company_id: str, team_id: str, mutation_id: int = 1) -> dict:
    """Move a company as a laptop of a user in both teams would (one pushed mutation)."""
    with server.engine.connect() as conn:
        version = conn.execute(select(Record.version).where(Record.id == company_id)).scalar_one()
    token = server.token(username)
    client = SyncClient(server.url, lambda: token)
    reply = client.push("mover-laptop", [{"mutation_id": mutation_id, "entity": "company", "id": company_id,
                                          "op": "upsert", "base_version": version, "fields": {"team_id": team_id}}])
    assert reply["results"][0]["status"] == "applied", reply
    return reply


def queue(server, supervisor: str) -> list[dict]:
    token = server.token(supervisor)
    return SyncClient(server.url, lambda: token).review_queue()["items"]


def test_a_moved_company_takes_its_children_and_the_old_team_keeps_nothing(server, tmp_path):
    old, new = server.team_id, server.new_team("Jobcenter Vesthimmerland")
    writer = Device(tmp_path / "writer", server.url, *server.user("consultant", team_id=old))
    third = Device(tmp_path / "third", server.url, *server.user("consultant", team_id=old))
    mover_name, _ = server.user("consultant", team_id=old, username="mover")
    with server.engine.begin() as conn:
        admin.add_member(conn, mover_name, new)
    newcomer = Device(tmp_path / "newcomer", server.url, *server.user("consultant", team_id=new))
    boss_old, _ = server.user("supervisor", team_id=old)
    boss_new, _ = server.user("supervisor", team_id=new)
    try:
        company = writer.ops.create_company(name="Aars Tømrer", phone="98 62 11 00").id
        visit = writer.ops.create_visit(company, body="Faglærte gør rent.").id
        writer.ops.mark_visit_ready(visit)  # in the old team's review queue, with a review record
        writer.ops.create_opening(company, title="Rengøring", kind="virksomhedspraktik", visit_id=visit)
        writer.ops.add_mentor(company, name="Søren Ølgaard")
        writer.ops.add_contact(company, name="Birthe Aagaard")
        writer.ops.create_follow_up("company", company, due_on=date(2026, 12, 14), note="Ring")
        writer.ops.create_follow_up("visit", visit, due_on=date(2026, 12, 7), note="Midtvejs")
        writer.sync()
        third.sync()
        third.ops.update_company(company, phone="98 62 11 01")  # a conflict about the company, in the old team
        writer.ops.update_company(company, phone="98 62 11 02")
        third.sync()
        writer.sync()
        third.sync()
        held = third.snapshot()
        assert all(held[entity] for entity in ("company",) + CHILDREN), {k: len(v) for k, v in held.items()}
        assert [item["company_name"] for item in queue(server, boss_old)] == ["Aars Tømrer"]

        move(server, mover_name, company, new)

        with server.engine.connect() as conn:
            rows = conn.execute(select(Record.entity, Record.team_id, Record.fields).where(
                Record.deleted.is_(False), Record.team_id.in_([old, new]))).all()
        in_old = [(e, orjson.loads(f)) for e, t, f in rows if t == old]
        assert in_old == [], in_old  # nothing of the company is left in the old team on the server
        for device in (third, writer):
            device.sync()
            left = {entity: rows for entity, rows in device.snapshot().items() if rows}
            assert left == {}, left
            assert device.sync().verified and device.pending() == 0
        assert queue(server, boss_old) == []
        assert [item["company_name"] for item in queue(server, boss_new)] == ["Aars Tømrer"]
        newcomer.sync()
        got = newcomer.snapshot()
        assert {entity: set(rows) for entity, rows in got.items()} == {e: set(rows) for e, rows in held.items()}
        assert newcomer.sync().verified
    finally:
        for device in (writer, third, newcomer):
            device.close()


def test_a_laptop_in_both_teams_follows_the_move(server, tmp_path):
    old, new = server.team_id, server.new_team("Jobcenter Vesthimmerland")
    name, _ = server.user("consultant", team_id=old)
    with server.engine.begin() as conn:
        admin.add_member(conn, name, new)
    both = Device(tmp_path / "both", server.url, name, PASSWORD)
    try:
        company = both.ops.create_company(name="Vesthimmerlands Rengøring").id
        visits = {both.ops.create_visit(company, body=f"Besøg {n}").id for n in range(3)}
        both.sync()
        move(server, name, company, new)
        both.sync()
        with both.db.read() as session:
            from desktop.models.entities import MODELS

            teams = {r.team_id for model in (MODELS["company"], MODELS["visit"])
                     for r in session.scalars(select(model)).all()}
        assert teams == {new} and set(both.records("visit")) == visits
        assert both.sync().verified
    finally:
        both.close()


def test_the_old_teams_queue_never_shows_a_company_name_another_team_holds(server, tmp_path):
    """Visits left behind by a move made before children moved along: the queue shows no foreign name."""
    old, new = server.team_id, server.new_team("Jobcenter Vesthimmerland")
    writer = Device(tmp_path / "writer", server.url, *server.user("consultant", team_id=old))
    boss, _ = server.user("supervisor", team_id=old)
    try:
        company = writer.ops.create_company(name="Hemmelig ApS").id
        writer.ops.mark_visit_ready(writer.ops.create_visit(company, body="Klar.").id)
        writer.sync()
        with server.engine.begin() as conn:  # the company alone in the other team, as an old server left it
            conn.execute(update(Record).where(Record.id == company).values(team_id=new))
        assert [item["company_name"] for item in queue(server, boss)] == [""]
    finally:
        writer.close()


def test_work_from_an_old_team_laptop_that_had_not_heard_of_the_move_follows_the_company(server, tmp_path):
    old, new = server.team_id, server.new_team("Jobcenter Vesthimmerland")
    late = Device(tmp_path / "late", server.url, *server.user("consultant", team_id=old))
    mover_name, _ = server.user("consultant", team_id=old, username="mover")
    with server.engine.begin() as conn:
        admin.add_member(conn, mover_name, new)
    newcomer = Device(tmp_path / "newcomer", server.url, *server.user("consultant", team_id=new))
    try:
        company = late.ops.create_company(name="Aars Tømrer").id
        visit = late.ops.create_visit(company, body="Første besøg.").id
        late.sync()
        move(server, mover_name, company, new)
        # Offline, the old team's laptop writes on: a new visit and an edit of the one it had.
        second = late.ops.create_visit(company, body="Andet besøg: praktik i rengøringen.").id
        late.ops.save_visit_draft(visit, body="Første besøg, rettet.")
        late.sync()
        assert not late.rejected(), [e.last_error for e in late.rejected()]
        assert {entity: rows for entity, rows in late.snapshot().items() if rows} == {}
        assert late.sync().verified
        newcomer.sync()
        visits = newcomer.records("visit")
        assert set(visits) == {visit, second} and visits[visit]["body"] == "Første besøg, rettet."
        assert newcomer.sync().verified
    finally:
        late.close()
        newcomer.close()
