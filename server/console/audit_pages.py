"""The audit log in the console: filter by user, team, action and period; export as CSV.

A supervisor reads only the rows about their own teams (server/audit_log.AuditQuery.teams).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import Connection

from server import admin
from server.audit_log import KNOWN_ACTIONS, AuditQuery, read_audit, to_csv
from server.console.web import Console, console_user

router = APIRouter()
PAGE = 100


def _day(text: str) -> datetime | None:
    """A YYYY-MM-DD from the filter as the start of that day in UTC; ValueError when it is not one."""
    return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC) if text else None


def _query(ctx: Console, user: str, team: str, action: str, since: str, until: str,
           before: int | None) -> AuditQuery:
    end = _day(until)
    return AuditQuery(user_id=user or None, team_id=team or None, action=action or None, since=_day(since),
                      until=end + timedelta(days=1) if end else None, before_id=before,
                      teams=None if ctx.is_admin else ctx.user.teams)


@router.get("/audit", response_class=HTMLResponse)
def audit_page(user: str = "", team: str = "", action: str = "", since: str = "", until: str = "",
               before: int | None = None, ctx: Console = Depends(console_user)) -> HTMLResponse:
    """The newest matching rows, a page at a time."""
    filters = {"user": user[:100], "team": team[:100], "action": action[:40], "since": since[:10],
               "until": until[:10]}
    error = None
    try:
        query = _query(ctx, filters["user"], filters["team"], filters["action"], filters["since"],
                       filters["until"], before)
    except ValueError:
        query, error = AuditQuery(before_id=-1), ctx.t("audit.bad_date")

    def load(conn: Connection) -> dict[str, Any]:
        users, teams = admin.list_users(conn), admin.list_teams(conn)
        if not ctx.is_admin:
            teams = [t for t in teams if t["id"] in ctx.user.teams]
            users = [u for u in users if set(u["teams"]) & set(ctx.user.teams)]
        rows = [] if error else read_audit(conn, query, PAGE)
        return {"rows": rows, "users": users, "teams": teams, "actions": KNOWN_ACTIONS,
                "user_names": {u["id"]: u["username"] for u in admin.list_users(conn)},
                "team_names": {t["id"]: t["name"] for t in admin.list_teams(conn)}}

    values = ctx.read(load)
    older = values["rows"][-1]["id"] if len(values["rows"]) == PAGE else None
    return ctx.render("audit.html", 400 if error else 200, error=error, filters=filters, older=older, **values)


@router.get("/audit.csv")
def audit_csv(user: str = "", team: str = "", action: str = "", since: str = "", until: str = "",
              ctx: Console = Depends(console_user)) -> Response:
    """The matching rows as a CSV file (UTF-8 with a BOM, so Excel reads the Danish letters)."""
    try:
        query = _query(ctx, user[:100], team[:100], action[:40], since[:10], until[:10], None)
    except ValueError:
        return Response(ctx.t("audit.bad_date"), status_code=400, media_type="text/plain; charset=utf-8")
    rows = ctx.read(lambda conn: read_audit(conn, query, 100_000))
    return Response("\ufeff" + to_csv(rows), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="feltbog-revisionslog.csv"'})
