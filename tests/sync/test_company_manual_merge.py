"""Merging two companies by hand, and taking it back (issue 18, 1, the manual merge), on both databases.

Two consultants created the same company without a CVR ("Aars Tømrer" and
"AARS TØMRER", same address). A supervisor finds them by the folded name and
address and merges them: one company with both visits on the server and on
both laptops. The merge is audited; undone, each company has its own visits
again everywhere. A consultant with no part in either company may not merge.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
import requests
from sqlalchemy import select, update

from server.cli import main
from server.tables import AuditEntry, CompanyMerge, Record

API = "/api/v1/companies"


def post(server, who: str, path: str, body: dict | None = None) -> requests.Response:
    return requests.post(f"{server.url}{API}{path}", json=body, timeout=30,
                         headers={"Authorization": f"Bearer {server.token(who)}"})


def live_visits(server) -> dict[str, str]:
    with server.engine.connect() as conn:
        rows = conn.execute(select(Record.id, Record.fields).where(Record.entity == "visit",
                                                                   Record.deleted.is_(False))).all()
    return {rid: orjson.loads(text)["company_id"] for rid, text in rows}


def test_a_supervisor_merges_two_companies_and_takes_it_back(make_device, server):
    a = make_device("a")
    b = make_device("b", same_user=False)
    first = a.ops.create_company(name="Aars Tømrer", address="Himmerlandsgade 1").id
    second = b.ops.create_company(name="AARS TØMRER ", address="Himmerlandsgade 1", phone="98 62 11 00").id
    va = a.ops.create_visit(first, body="Faglærte gør rent.").id
    vb = b.ops.create_visit(second, body="Ny åbning i et andet område.").id
    mentor = b.ops.add_mentor(second, name="Birthe Aagaard").id
    for device in (a, b, a):
        device.sync()
    boss, _ = server.user("supervisor")
    stranger, _ = server.user("consultant")
    found = requests.get(f"{server.url}{API}/duplicates", params={"team_id": server.team_id}, timeout=30,
                         headers={"Authorization": f"Bearer {server.token(boss)}"}).json()
    assert [sorted(group) for group in found["groups"]] == [sorted([first, second])]
    refused = post(server, stranger, f"/{second}/merge", {"into": first})
    assert refused.status_code == 403 and refused.json()["detail"]["message"]

    reply = post(server, boss, f"/{second}/merge", {"into": first})
    assert reply.status_code == 200, reply.text
    assert reply.json()["undo_until"]
    assert live_visits(server) == {va: first, vb: first}
    for device in (a, b):
        device.sync()
    for device in (a, b):
        assert set(device.records("company")) == {first}
        assert {v["company_id"] for v in device.records("visit").values()} == {first}
        assert device.records("mentor")[mentor]["company_id"] == first
        assert device.records("company")[first]["phone"] == "98 62 11 00"  # filled from the duplicate
        assert device.sync().verified
    assert a.snapshot() == b.snapshot()
    with server.engine.connect() as conn:
        actions = conn.execute(select(AuditEntry.action, AuditEntry.user_id).where(
            AuditEntry.entity_id == second, AuditEntry.action.like("%merge%"))).all()
    assert ("company:merged", server.users[boss]) in actions and ("refused:company_merge", server.users[stranger]) \
        in actions

    # The consultant of the duplicate takes it back (within 30 days).
    assert post(server, b.username, f"/{second}/unmerge").status_code == 200
    assert live_visits(server) == {va: first, vb: second}
    for device in (a, b):
        device.sync()
    for device in (a, b):
        assert set(device.records("company")) == {first, second}
        assert device.records("visit")[vb]["company_id"] == second
        assert device.records("mentor")[mentor]["company_id"] == second
        assert device.records("company")[first]["phone"] is None  # emptied again: nobody changed it since
        assert device.sync().verified
    assert a.snapshot() == b.snapshot()
    assert post(server, boss, f"/{second}/unmerge").status_code == 404  # nothing left to take back
    # After 30 days a merge stays.
    assert post(server, boss, f"/{second}/merge", {"into": first}).status_code == 200
    with server.engine.begin() as conn:
        conn.execute(update(CompanyMerge).values(merged_at=datetime.now(UTC) - timedelta(days=31)))
    too_old = post(server, boss, f"/{second}/unmerge")
    assert too_old.status_code == 409 and too_old.json()["detail"]["code"] == "too_old"


def test_an_administrator_merges_from_the_command_line(make_device, server, capsys):
    a = make_device("a")
    first = a.ops.create_company(name="Løkken Is").id
    second = a.ops.create_company(name="Løkken Is ApS").id
    visit = a.ops.create_visit(second, body="Sommerjob.").id
    a.sync()
    assert main(["admin", "merge-companies", second, first, "--db", server.database_url]) == 0
    assert orjson.loads(capsys.readouterr().out)["surviving_id"] == first
    a.sync()
    assert set(a.records("company")) == {first} and a.records("visit")[visit]["company_id"] == first
    assert main(["admin", "unmerge-company", second, "--db", server.database_url]) == 0
    a.sync()
    assert set(a.records("company")) == {first, second} and a.records("visit")[visit]["company_id"] == second
    assert a.sync().verified
    assert main(["admin", "unmerge-company", second, "--db", server.database_url]) == 2


def test_companies_that_share_a_cvr_from_before_are_listed_and_merged(make_device, server):
    a = make_device("a")
    first = a.ops.create_company(name="Aars Tømrer", cvr="31000009").id
    second = a.ops.create_company(name="Tømreren i Aars").id
    visit = a.ops.create_visit(second, body="Besøg.").id
    a.sync()
    with server.engine.begin() as conn:  # as a server before one-company-per-CVR left them
        text = conn.execute(select(Record.fields).where(Record.id == second)).scalar_one()
        conn.execute(update(Record).where(Record.id == second).values(
            fields=orjson.dumps({**orjson.loads(text), "cvr": "31000009"}).decode()))
    boss, _ = server.user("supervisor")
    found = requests.get(f"{server.url}{API}/duplicates", params={"team_id": server.team_id}, timeout=30,
                         headers={"Authorization": f"Bearer {server.token(boss)}"}).json()
    assert found["groups"] == [[first, second]]  # oldest first
    assert post(server, boss, f"/{second}/merge", {"into": first}).status_code == 200
    a.sync()
    assert set(a.records("company")) == {first} and a.records("visit")[visit]["company_id"] == first
