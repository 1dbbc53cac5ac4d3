"""The weekly digest from the server's tables, and sending it by e-mail (``python -m server admin send-digest``).

The counting is :mod:`desktop.domain.digest`, the same rules the app counts
its own copy by, so the mail and the supervisor's screen agree. Mail goes out
only when the settings name an SMTP server (``FELTBOG_SMTP_HOST``, see
docs/deploy.md); it is plain Danish text to the team's supervisors, or to the
addresses given.
"""

from __future__ import annotations

import os
import smtplib
import socket
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import jinja2
import orjson
from sqlalchemy import Connection, select

from desktop.domain.digest import (
    METRICS,
    RULES_DA,
    SHORT_LABELS,
    DigestCentre,
    DigestCounts,
    DigestFollowUp,
    DigestOpening,
    DigestVisit,
    consultant_name,
    count_week,
    digest_text,
)
from server.admin import AdminError, find_team
from server.tables import Membership, Record, Team, User

SUPERVISOR_ROLES = ("supervisor", "admin")


@dataclass(frozen=True)
class MailSettings:
    """Where the server's mail goes out: an SMTP server named in the settings (environment)."""

    host: str
    port: int = 25
    sender: str = ""
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 30.0

    @classmethod
    def from_environment(cls) -> MailSettings | None:
        """``FELTBOG_SMTP_HOST`` (required), ``_PORT``, ``_FROM``, ``_USER``, ``_PASSWORD``, ``_STARTTLS``; None
        when no SMTP server is named."""
        host = os.environ.get("FELTBOG_SMTP_HOST", "").strip()
        if not host:
            return None
        port = os.environ.get("FELTBOG_SMTP_PORT", "").strip()
        if port and not port.isdigit():
            raise AdminError(f"FELTBOG_SMTP_PORT must be a number, not {port!r}.")
        return cls(
            host=host, port=int(port or 25),
            sender=os.environ.get("FELTBOG_SMTP_FROM", "").strip() or f"feltbog@{socket.getfqdn()}",
            username=os.environ.get("FELTBOG_SMTP_USER") or None,
            password=os.environ.get("FELTBOG_SMTP_PASSWORD") or None,
            starttls=os.environ.get("FELTBOG_SMTP_STARTTLS", "").strip().lower() in ("1", "true", "yes"),
        )


def _day(value: Any) -> date | None:
    return date.fromisoformat(value[:10]) if isinstance(value, str) and value else None


def _moment(value: Any) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) and value else datetime.min


def team_digest(conn: Connection, team_id: str, week_start: date) -> DigestCounts:
    """Count the week beginning ``week_start`` for one team from its live records."""
    rows = conn.execute(
        select(Record.id, Record.entity, Record.fields, Record.review_state)
        .where(Record.team_id == team_id, Record.deleted.is_(False),
               Record.entity.in_(("visit", "opening", "follow_up", "company")))
    ).all()
    by_entity: dict[str, list[tuple[str, dict[str, Any], str | None]]] = {}
    for record_id, entity, text, review_state in rows:
        by_entity.setdefault(entity, []).append((record_id, orjson.loads(text), review_state))
    visits = by_entity.get("visit", [])
    visit_consultant = {record_id: fields.get("consultant_id") for record_id, fields, _ in visits}
    last_visit: dict[str, date] = {}
    for _, fields, _ in visits:
        day = _day(fields.get("visited_at"))
        company = fields.get("company_id")
        if day and company and (company not in last_visit or day > last_visit[company]):
            last_visit[company] = day
    opening_visits = [f.get("visit_id") for _, f, _ in by_entity.get("opening", []) if f.get("visit_id")]
    missing = [v for v in opening_visits if v not in visit_consultant]
    for start in range(0, len(missing), 500):  # visits of other teams (or deleted): still the consultant's
        for record_id, text in conn.execute(select(Record.id, Record.fields).where(
                Record.id.in_(missing[start:start + 500]), Record.entity == "visit")):
            visit_consultant[record_id] = orjson.loads(text).get("consultant_id")

    def opening_consultant(fields: dict[str, Any]) -> str | None:
        visit_id = fields.get("visit_id")
        return visit_consultant.get(visit_id) if visit_id in visit_consultant else fields.get("created_by")

    return count_week(
        week_start,
        [DigestVisit(f.get("consultant_id"), day, f.get("status"), state)
         for _, f, state in visits if (day := _day(f.get("visited_at"))) is not None],
        [DigestOpening(opening_consultant(f), f.get("kind") or "", f.get("status"), _moment(f.get("created_at")),
                       _moment(f.get("updated_at") or f.get("created_at")), _day(f.get("starts_on")),
                       f.get("duration_weeks")) for _, f, _ in by_entity.get("opening", [])],
        [DigestFollowUp(f.get("assignee_id"), day, bool(f.get("done")))
         for _, f, _ in by_entity.get("follow_up", []) if (day := _day(f.get("due_on"))) is not None],
        [DigestCentre(f.get("responsible_user_id"), last_visit.get(record_id), _day(f.get("centre_agreement_start")),
                      _moment(f.get("created_at")), f.get("centre_visit_interval_days"))
         for record_id, f, _ in by_entity.get("company", []) if f.get("is_centre")],
    )


def team_names(conn: Connection, team_id: str) -> dict[str, str]:
    """User id -> full name for the team's members (the names the digest prints)."""
    rows = conn.execute(select(User.id, User.full_name).join(Membership, Membership.user_id == User.id)
                        .where(Membership.team_id == team_id)).all()
    return {user_id: full_name for user_id, full_name in rows}


def supervisor_addresses(conn: Connection, team_id: str) -> list[str]:
    """E-mail addresses of the team's active supervisors and admins."""
    emails = conn.execute(
        select(User.email).join(Membership, Membership.user_id == User.id)
        .where(Membership.team_id == team_id, User.role.in_(SUPERVISOR_ROLES), User.active.is_(True),
               User.email.is_not(None), User.email != "")).scalars()
    return sorted(email for email in emails if email)


def digest_message(conn: Connection, team: str, week_start: date, sender: str,
                   recipients: Sequence[str]) -> EmailMessage:
    """The digest of one team (name or id) as an e-mail, ready to send."""
    team_id = find_team(conn, team)
    team_name = conn.execute(select(Team.name).where(Team.id == team_id)).scalar_one()
    counts = team_digest(conn, team_id, week_start)
    message = EmailMessage()
    message["Subject"] = f"Ugens overblik, uge {counts.week}: {team_name}"
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    names = team_names(conn, team_id)
    message.set_content(digest_text(counts, names, team_name))
    # The same figures as a table for mail programs that show HTML (the plain text stays the first part).
    message.add_alternative(digest_html(counts, names, team_name), subtype="html")
    return message


_MAIL_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True)


def digest_html(counts: DigestCounts, names: Mapping[str, str], team_name: str) -> str:
    """The digest as an HTML table (names escaped): one row per consultant, the team's totals last."""
    consultants = sorted(counts.consultants, key=lambda c: consultant_name(names, c.consultant_id).casefold())
    return _MAIL_TEMPLATES.get_template("digest_mail.html").render(
        counts=counts, team_name=team_name,
        labels=list(zip(SHORT_LABELS, (label for _, label in METRICS), strict=True)),
        rows=[(consultant_name(names, c.consultant_id), c.figures()) for c in consultants],
        totals=counts.totals(), rules=RULES_DA)


def send_digest(conn: Connection, team: str, week_start: date, settings: MailSettings | None,
                recipients: Sequence[str] = ()) -> EmailMessage:
    """E-mail the digest to ``recipients`` (default: the team's supervisors); returns what was sent."""
    if settings is None:
        raise AdminError("No SMTP server is set: set FELTBOG_SMTP_HOST (and FELTBOG_SMTP_PORT, FELTBOG_SMTP_FROM).")
    to = list(recipients) or supervisor_addresses(conn, find_team(conn, team))
    if not to:
        raise AdminError("The team has no supervisor with an e-mail address; give one with --to.")
    message = digest_message(conn, team, week_start, settings.sender, to)
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            if settings.starttls:
                smtp.starttls()
            if settings.username:
                smtp.login(settings.username, settings.password or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise AdminError(f"The digest could not be sent through {settings.host}:{settings.port}: {error}") from error
    return message
