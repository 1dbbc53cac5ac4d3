"""Work done on a fresh install before the first sign-in belongs to the consultant who signs in.

The Jammerbugt story starts at the company, with no network and no account:
"Arbejd offline", a company, a visit note, an internship with its planned
follow-ups. Signing in later at the office must make all of it the
consultant's own (team, consultant of the visit, assignee of the
follow-ups), locally at once and on the server after the sync.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from desktop.credentials import Credentials
from desktop.models import Database, Operations
from desktop.models.entities import MODELS
from desktop.sync.service import SyncService

TODAY = date(2026, 11, 23)


def _rows(db: Database, entity: str) -> list:
    model = MODELS[entity]
    with db.read() as session:
        return list(session.scalars(select(model).where(model.deleted.is_(False))))


def test_work_before_the_first_sign_in_becomes_the_consultants_own(server, tmp_path):
    db = Database.in_folder(tmp_path / "laptop")
    service = SyncService(db, Credentials(account=f"token-{tmp_path.name}-first-use"))
    offline = Operations(db, service.actor(), today=lambda: TODAY)
    assert service.actor().user_id is None  # no account yet: "Arbejd offline"
    company = offline.create_company(name="Fjerritslev Maskinfabrik", city="Fjerritslev").id
    visit = offline.create_visit(company, body="Første møde, gode muligheder for praktik").id
    offline.create_opening(company, visit_id=visit, kind="virksomhedspraktik", title="Praktik på lageret",
                           hours_per_week=8, duration_weeks=13, starts_on=TODAY)
    [unowned] = [v for v in _rows(db, "visit") if v.id == visit]
    assert unowned.consultant_id is None and unowned.team_id is None

    username, password = server.user("consultant")
    account = service.login(server.url, username, password, device_name="laptop")
    me, team = account.user_id, account.default_team_id

    # At once, before any sync: I dag and "Mine" show the work as the consultant's.
    [visit_row] = [v for v in _rows(db, "visit") if v.id == visit]
    assert (visit_row.consultant_id, visit_row.team_id) == (me, team)
    follow_ups = _rows(db, "follow_up")
    assert len(follow_ups) == 2 and {f.assignee_id for f in follow_ups} == {me}
    assert {f.team_id for f in follow_ups} == {team}
    assert {c.responsible_user_id for c in _rows(db, "company")} == {me}

    result = service.sync()
    assert result.rejected == 0 and result.verified

    # A second laptop of a colleague in the team sees who did the work.
    colleague_db = Database.in_folder(tmp_path / "colleague")
    colleague = SyncService(colleague_db, Credentials(account=f"token-{tmp_path.name}-colleague"))
    colleague.login(server.url, *server.user("supervisor"), device_name="colleague")
    colleague.sync()
    [seen] = [v for v in _rows(colleague_db, "visit") if v.id == visit]
    assert seen.consultant_id == me
    assert {f.assignee_id for f in _rows(colleague_db, "follow_up")} == {me}
    db.close()
    colleague_db.close()


def test_a_record_made_offline_by_someone_keeps_its_owner_when_another_user_signs_in(server, tmp_path):
    """Only empty owner fields are filled: a visit already naming a consultant keeps that name."""
    db = Database.in_folder(tmp_path / "laptop")
    service = SyncService(db, Credentials(account=f"token-{tmp_path.name}-kept"))
    offline = Operations(db, service.actor(), today=lambda: TODAY)
    company = offline.create_company(name="Brovst Tømrer", city="Brovst").id
    username, password = server.user("consultant")
    colleague_id = service.login(server.url, *server.user("consultant"), device_name="x").user_id
    # The visit is explicitly the colleague's (e.g. typed in on their behalf).
    service.credentials.delete_token()
    visit = Operations(db, service.actor(), today=lambda: TODAY).create_visit(company, consultant_id=colleague_id).id
    account = service.login(server.url, username, password, device_name="laptop")
    [row] = [v for v in _rows(db, "visit") if v.id == visit]
    assert row.consultant_id == colleague_id != account.user_id
    db.close()
