"""One company per CVR in a team (issue 18, 1), against the real server on both databases.

Two consultants meet the same company offline and each creates it with its
CVR and writes a visit. Whichever pushes first keeps the company; the other
is merged into it: both visits end on one company, on the server and on
both laptops, and the laptop that made the duplicate shows a notice once.
"""

from __future__ import annotations

from datetime import date

import orjson
import pytest
from sqlalchemy import select

from desktop.models.replica import merge
from server.tables import CompanyMerge, Record

CVR = "31000009"
TODAY = date(2026, 11, 23)


def server_records(server, entity: str) -> dict[str, dict]:
    with server.engine.connect() as conn:
        rows = conn.execute(select(Record.id, Record.fields).where(
            Record.entity == entity, Record.deleted.is_(False), Record.team_id == server.team_id)).all()
    return {rid: orjson.loads(text) for rid, text in rows}


def notices(device) -> list[merge.MergeNotice]:
    with device.db.read() as session:
        return merge.pending_notices(session)


@pytest.mark.parametrize("first", ["a", "b"])
def test_the_same_cvr_created_offline_on_two_laptops_ends_as_one_company(make_device, server, first):
    a = make_device("a")
    b = make_device("b", same_user=False)
    ca = a.ops.create_company(name="Aars Tømrer", cvr=CVR, phone="98 62 11 00").id
    va = a.ops.create_visit(ca, body="Faglærte gør rent: praktik i rengøringen?").id
    cb = b.ops.create_company(name="Aars Tømrer ApS", cvr=CVR, email="post@aarstoemrer.dk").id
    vb = b.ops.create_visit(cb, body="Ønsker en ny åbning i et andet område.").id
    order = [a, b] if first == "a" else [b, a]
    for device in order + order:
        device.sync()
    survivor, duplicate = (ca, cb) if first == "a" else (cb, ca)
    companies = server_records(server, "company")
    assert list(companies) == [survivor]
    kept = companies[survivor]
    assert kept["phone"] and kept["email"] == "post@aarstoemrer.dk"  # the empty field was filled
    visits = server_records(server, "visit")
    assert set(visits) == {va, vb} and {v["company_id"] for v in visits.values()} == {survivor}
    for device in (a, b):
        assert set(device.records("company")) == {survivor}
        assert {v["company_id"] for v in device.records("visit").values()} == {survivor}
        assert set(device.records("visit")) == {va, vb}
        assert device.pending() == 0 and not device.rejected()
        assert device.sync().verified
    assert a.snapshot() == b.snapshot()
    # The names (and who is responsible) differed: the survivor keeps its own, the other's are conflicts.
    conflicts = {c["field"]: c for c in a.records("conflict").values() if c["record_id"] == survivor}
    assert set(conflicts) == {"name", "responsible_user_id"}
    names = {"Aars Tømrer", "Aars Tømrer ApS"}
    assert {conflicts["name"]["kept_value"], conflicts["name"]["lost_value"]} == names
    assert kept["name"] == conflicts["name"]["kept_value"]
    maker = b if first == "a" else a
    other = a if first == "a" else b
    assert [n.surviving_id for n in notices(maker)] == [survivor] and notices(other) == []
    with maker.db.write() as session:
        shown = merge.take_notices(session)
    assert shown[0].text_da.startswith("Virksomheden fandtes allerede – dine besøg er flyttet til den")
    assert notices(maker) == []
    with server.engine.connect() as conn:
        assert conn.execute(select(CompanyMerge.surviving_id).where(CompanyMerge.duplicate_id == duplicate)
                            ).scalar() == survivor


class Crash(Exception):
    pass


def sync_without_pulling(device) -> None:
    """Push, then die before the first pulled page is saved (the laptop has not heard of anything)."""
    from desktop.sync import state

    patch = pytest.MonkeyPatch()
    real = state.set_value

    def dying(session, key, value):
        if key == state.CURSOR:
            raise Crash()
        return real(session, key, value)

    patch.setattr(state, "set_value", dying)
    try:
        device.sync()
    except Crash:
        pass
    finally:
        patch.undo()
    device.restart()


def test_work_on_the_duplicate_from_a_laptop_that_has_not_heard_lands_on_the_survivor(make_device, server):
    a = make_device("a")
    b = make_device("b", same_user=False)
    ca = a.ops.create_company(name="Vesthimmerlands Rengøring", cvr=CVR).id
    a.sync()
    cb = b.ops.create_company(name="Vesthimmerlands Rengøring", cvr=CVR).id
    sync_without_pulling(b)  # the duplicate is merged on the server; b still shows it
    assert set(b.records("company")) == {cb} and b.pending() == 0
    visit = b.ops.create_visit(cb, body="Mentor på lageret.").id
    b.ops.update_company(cb, phone="98 62 11 00")
    follow_up = b.ops.create_follow_up("company", cb, due_on=TODAY, note="Ring om praktikken").id
    contact = b.ops.add_contact(cb, name="Birthe Aagaard").id
    b.sync()
    a.sync()
    assert server_records(server, "visit")[visit]["company_id"] == ca
    assert server_records(server, "company")[ca]["phone"] == "98 62 11 00"
    assert server_records(server, "follow_up")[follow_up]["subject_id"] == ca
    assert server_records(server, "contact")[contact]["company_id"] == ca
    for device in (a, b):
        assert set(device.records("company")) == {ca}
        assert device.records("visit")[visit]["company_id"] == ca
        assert device.pending() == 0 and not device.rejected()
        assert device.sync().verified
    assert a.snapshot() == b.snapshot()
    assert [n.surviving_id for n in notices(b)] == [ca]


def test_giving_a_stored_company_a_used_cvr_moves_its_stored_visits(make_device, server):
    a = make_device("a")
    b = make_device("b", same_user=False)
    c = make_device("c", same_user=False)
    cb = b.ops.create_company(name="Tømrer i Aars").id  # no CVR yet: no duplicate
    visits = [b.ops.create_visit(cb, body=f"Besøg {n}").id for n in range(3)]
    mentor = b.ops.add_mentor(cb, name="Søren Ølgaard").id
    b.sync()
    ca = a.ops.create_company(name="Aars Tømrer", cvr=CVR).id
    a.sync()
    c.sync()
    assert set(c.records("company")) == {ca, cb}
    b.ops.update_company(cb, cvr=CVR)  # b has not heard of ca yet
    for device in (b, a, c):
        device.sync()
    for device in (a, b, c):
        assert set(device.records("company")) == {ca}
        assert {device.records("visit")[v]["company_id"] for v in visits} == {ca}
        assert device.records("mentor")[mentor]["company_id"] == ca
        assert device.sync().verified
    assert a.snapshot() == b.snapshot() == c.snapshot()
    assert {v["company_id"] for v in server_records(server, "visit").values()} == {ca}


def test_one_batch_with_the_same_cvr_twice_keeps_one_company(server):
    """Duplicates inside one push (e.g. an import) merge the same way, the visit naming the second included."""
    import uuid

    from desktop.sync.client import SyncClient

    username, _ = server.user("consultant")
    token = server.token(username)
    client = SyncClient(server.url, lambda: token)
    first, second, third, visit = (str(uuid.uuid4()) for _ in range(4))

    def company(n: int, record_id: str, cvr: str, **fields) -> dict:
        return {"mutation_id": n, "entity": "company", "id": record_id, "op": "upsert", "base_version": 0,
                "fields": {"team_id": server.team_id, "name": f"Firma {n}", "cvr": cvr, **fields}}

    reply = client.push("importer", [
        company(1, first, CVR),
        company(2, second, "3100 0009", phone="98 62 11 00"),  # the same CVR as typed by a person
        company(3, third, "12345674"),
        {"mutation_id": 4, "entity": "visit", "id": visit, "op": "upsert", "base_version": 0,
         "fields": {"team_id": server.team_id, "company_id": second, "visited_at": "2026-11-23", "body": "Hej"}},
    ])
    assert [r["status"] for r in reply["results"]] == ["applied"] * 4, reply
    companies = server_records(server, "company")
    assert set(companies) == {first, third} and companies[first]["phone"] == "98 62 11 00"
    assert server_records(server, "visit")[visit]["company_id"] == first
    pulled = {c["id"]: c for c in client.pull(0, 100)["changes"]}
    assert pulled[second]["op"] == "delete" and pulled[second]["fields"]["merged_into"] == first
