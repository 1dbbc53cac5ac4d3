"""Proof of receipt against the real server (SQLite and PostgreSQL): the server's time and version per
record, visits waiting more than a day, and a refused record kept with its reason until it is corrected."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from desktop.models import receipts
from server.tables import Record
from tests.support.live_server import LiveServer, make_database_url
from tests.sync.conftest import BACKENDS, _skip_without_postgres
from tests.sync.harness import Device


def status(device: Device, entity: str, record_id: str) -> receipts.ReceiptStatus | None:
    with device.db.read() as session:
        return receipts.receipt_status(session, entity, record_id)


def refused_records(device: Device) -> int:
    with device.db.read() as session:
        return receipts.refused_records(session)


def server_version(live: LiveServer, record_id: str) -> int:
    with live.engine.connect() as conn:
        return int(conn.execute(select(Record.version).where(Record.id == record_id)).scalar_one())


def test_a_receipt_holds_the_servers_time_and_version_only_after_it_answered(server, make_device):
    a = make_device("laptop-a")
    company = a.ops.create_company(name="Jammerbugt Rengøring ApS").id
    visit = a.ops.create_visit(company, body="Faglærte gør rent.").id
    waiting = status(a, "visit", visit)
    assert waiting.state == receipts.WAITING and waiting.server_time is None and waiting.waiting_since is not None
    before = datetime.now(UTC)
    a.sync()
    after = datetime.now(UTC)
    received = status(a, "visit", visit)
    assert received.state == receipts.RECEIVED
    assert received.version == server_version(server, visit)
    assert before - timedelta(seconds=1) <= received.server_time <= after + timedelta(seconds=1)
    # A later edit waits again until the server has answered for it, then has the newer version.
    a.ops.save_visit_draft(visit, body="Faglærte gør rent. Forslag: praktik.")
    assert status(a, "visit", visit).state == receipts.WAITING
    a.sync()
    again = status(a, "visit", visit)
    assert again.state == receipts.RECEIVED and again.version == server_version(server, visit) > received.version
    # Another laptop pulled it: on the server by definition, with no receipt of its own.
    b = make_device("laptop-b")
    b.sync()
    assert status(b, "visit", visit) == receipts.ReceiptStatus(receipts.ON_SERVER, version=again.version)


def test_a_visit_waiting_more_than_a_day_is_listed_until_the_server_has_it(make_device):
    a = make_device("laptop-a")
    company = a.ops.create_company(name="Aars Tømrer").id
    visit = a.ops.create_visit(company, body="Skrevet i bilen uden net.").id
    with a.db.read() as session:
        assert receipts.waiting_visits(session, datetime.now(UTC)) == []
        late = receipts.waiting_visits(session, datetime.now(UTC) + timedelta(hours=25))
    assert [(w.visit_id, w.company) for w in late] == [(visit, "Aars Tømrer")]
    a.sync()
    with a.db.read() as session:
        assert receipts.waiting_visits(session, datetime.now(UTC) + timedelta(hours=25)) == []


@pytest.mark.parametrize("kind", BACKENDS)
def test_a_refused_record_is_kept_with_the_reason_and_its_correction_reaches_the_server(kind, tmp_path):
    _skip_without_postgres(kind)
    with make_database_url(kind, tmp_path) as url, \
            LiveServer(url, settings={"refuse_cpr_numbers": True}) as live:
        username, password = live.user("consultant")
        a = Device(tmp_path / "laptop", live.url, username, password)
        try:
            company = a.ops.create_company(name="Jammerbugt Rengøring ApS").id
            visit = a.ops.create_visit(company, body="Borger 010190-1234 starter mandag.").id
            result = a.sync()
            assert (result.pushed, result.rejected) == (1, 1)  # the company went; the visit was refused
            refused = status(a, "visit", visit)
            assert refused.state == receipts.REFUSED and "»Referat« indeholder et CPR-nummer" in refused.reason
            assert a.records("visit")[visit]["body"] == "Borger 010190-1234 starter mandag."  # kept here
            assert status(a, "company", company).state == receipts.RECEIVED
            assert refused_records(a) == 1  # what the status bar counts beside "sent"
            # Corrected: the change carries the whole visit, so the server can create it now.
            a.ops.save_visit_draft(visit, body="Borger AB starter mandag.")
            assert refused_records(a) == 0  # waiting again, counted as not sent
            assert a.sync().rejected == 0
            assert status(a, "visit", visit).state == receipts.RECEIVED
            assert refused_records(a) == 0  # the received correction ends the refusal
            with live.engine.connect() as conn:
                fields = conn.execute(select(Record.fields).where(Record.id == visit)).scalar_one()
            assert "Borger AB starter mandag." in fields and company in fields and "010190" not in fields
        finally:
            a.close()
