"""Push, pull and the everyday paths against the real server (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from desktop.sync.errors import SyncError, SyncErrorKind


def test_offline_work_reaches_a_second_device(make_device):
    a = make_device("laptop-a")
    company = a.ops.create_company(name="Jammerbugt Rengøring ApS", city="Aabybro").id
    visit = a.ops.create_visit(company, body="Faglærte gør rent. Forslag: praktik.", kind="first_contact").id
    a.ops.create_opening(company, title="Rengøring", kind="virksomhedspraktik", duration_weeks=13,
                         hours_per_week=8, visit_id=visit)
    assert a.pending() == 5  # company, visit, opening + its midway and end follow-ups
    result = a.sync()
    assert result.pushed == 5 and result.rejected == 0 and a.pending() == 0
    assert result.verified

    b = make_device("laptop-b")
    b.sync()
    assert b.snapshot() == a.snapshot()
    assert b.records("visit")[visit]["body"] == "Faglærte gør rent. Forslag: praktik."


def test_sync_with_nothing_to_do_changes_nothing(make_device):
    a = make_device("laptop-a")
    a.ops.create_company(name="Tømrer Hansen")
    a.sync()
    before = a.snapshot()
    result = a.sync()
    assert (result.pushed, result.pulled, result.full_resync) == (0, 0, False)
    assert result.verified and a.snapshot() == before


def test_pulled_values_do_not_overwrite_fields_still_pending_locally(make_device):
    a, b = make_device("a"), make_device("b")
    company = a.ops.create_company(name="Vesthimmerland Metal", phone="98 76 54 32").id
    a.sync()
    b.sync()
    b.ops.update_company(company, phone="11 22 33 44")
    b.sync()
    a.ops.update_company(company, name="Vesthimmerland Metal A/S")  # pending on a
    # Pull only (simulate the push failing): a's pending name must survive the pull.
    engine = a.service.engine()
    from desktop.cancel import CancelToken
    from desktop.sync.engine import SyncResult

    engine.pull(SyncResult(), lambda *_: None, CancelToken(), {"cursor": 0})
    record = a.records("company")[company]
    assert record["name"] == "Vesthimmerland Metal A/S" and record["phone"] == "11 22 33 44"
    a.sync()
    b.sync()
    assert b.records("company")[company]["name"] == "Vesthimmerland Metal A/S"


def test_records_made_before_first_login_get_the_users_team(make_device, tmp_path):
    from desktop.models import Database, Operations

    a = make_device("a")
    # The app was used offline before signing in: no user, no team.
    offline_ops = Operations(a.db)
    company = offline_ops.create_company(name="Før login ApS").id
    a.sync()
    assert a.pending() == 0
    b = make_device("b")
    b.sync()
    assert company in b.records("company")
    assert isinstance(Database, type)


def test_wrong_password_and_expired_token_are_auth_errors(make_device, server):
    a = make_device("a")
    a.service.credentials.set_token("not-a-real-token")
    with pytest.raises(SyncError) as info:
        a.sync()
    assert info.value.kind is SyncErrorKind.AUTH
    assert a.service.credentials.get_token() is None  # cleared: the UI asks for a login
    with pytest.raises(SyncError) as info:
        a.service.login(server.url, a.username, "wrong password")
    assert info.value.kind is SyncErrorKind.AUTH


def test_unreachable_server_is_a_network_error_and_keeps_the_outbox(make_device):
    a = make_device("a")
    a.ops.create_company(name="Offline ApS")
    a.service.credentials.set_token("x")
    from desktop.sync import state

    with a.db.write() as session:
        state.set_value(session, state.SERVER_URL, "http://127.0.0.1:9")  # nothing listens there
    with pytest.raises(SyncError) as info:
        a.sync()
    assert info.value.kind is SyncErrorKind.NETWORK and info.value.retryable
    assert a.pending() == 1


def test_a_daily_pull_takes_its_first_page_from_the_summary_unless_this_sync_sent_something(make_device,
                                                                                             monkeypatch):
    from desktop.sync.client import SyncClient

    a, b = make_device("a"), make_device("b")
    company = a.ops.create_company(name="Aars Tømrer", city="Aars").id
    a.sync()
    b.sync()
    pulls: list[int] = []
    real_pull = SyncClient.pull
    monkeypatch.setattr(SyncClient, "pull", lambda client, since, limit: pulls.append(since) or
                        real_pull(client, since, limit))
    a.ops.update_company(company, city="Farsø")
    a.sync()
    pulls.clear()
    result = b.sync()  # b sent nothing: the summary's page is the pull
    assert result.pulled == 1 and pulls == [] and b.records("company")[company]["city"] == "Farsø"
    a.ops.update_company(company, city="Løgstør")
    a.sync()
    b.ops.update_company(company, name="Aars Tømrer ApS")
    pulls.clear()
    result = b.sync()  # b pushed: the page from before its push is left, the pull asks again
    assert result.pushed == 1 and len(pulls) == 1
    record = b.records("company")[company]
    assert (record["name"], record["city"]) == ("Aars Tømrer ApS", "Løgstør")
    assert b.snapshot() == (a.sync() and a.snapshot())
