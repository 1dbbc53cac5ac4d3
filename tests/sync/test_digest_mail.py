"""The weekly digest e-mailed by the server (``python -m server admin send-digest``) through a real SMTP server on
loopback (aiosmtpd), on SQLite and PostgreSQL: the mail says exactly what the supervisor's app counts."""

from __future__ import annotations

import re
import socket
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from html import escape

import pytest
from aiosmtpd.controller import Controller

from desktop.models import Operations
from desktop.reports import weekly_digest_data
from server.cli import main


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, inbox
    controller.stop()


def test_the_server_mails_the_digest_the_app_counts(server, make_device, smtp, monkeypatch, capsys):
    port, inbox = smtp
    db_url = server.database_url
    assert main(["admin", "--db", db_url, "create-user", "sara", "--full-name", "Sara Holm", "--role", "supervisor",
                 "--password", "en-lang-adgangskode-1", "--email", "sara@jobcenter-jammerbugt.dk",
                 "--team", server.team_id]) == 0
    # The week being counted is this week (records are stamped with the real time when they are written).
    today = datetime.now(UTC).date()
    monday = today - timedelta(days=today.weekday())
    mette = make_device("mette")
    # The laptop's day is that Monday too: nothing it plans by the day (a centre's follow-up) depends on the clock.
    ops = mette.ops = Operations(mette.db, mette.service.actor(), today=lambda: monday)
    centre = ops.create_company(name="Aars Tømrer & Snedker A/S", is_centre=True, centre_visit_interval_days=14,
                                centre_agreement_start=monday - timedelta(weeks=10)).id
    company = ops.create_company(name="Jammerbugt Rengøring ApS").id
    waiting = ops.create_visit(company, visited_at=monday + timedelta(days=1), body="Praktik aftalt.").id
    ops.mark_visit_ready(waiting)
    ops.create_visit(company, visited_at=monday + timedelta(days=3), body="Kladde.")
    ops.create_visit(centre, visited_at=monday - timedelta(days=8), kind="centre_visit", body="Ugen før.")
    ops.create_opening(company, visit_id=waiting, title="Rengøring", kind="virksomhedspraktik", duration_weeks=13,
                       starts_on=monday + timedelta(days=2), hours_per_week=8, status="filled")
    ops.create_follow_up("company", company, due_on=monday + timedelta(days=6), note="Ring til Lone")
    ops.create_follow_up("company", company, due_on=monday + timedelta(days=7), note="Ikke forfalden endnu")
    mette.sync()
    mette.sync()  # the server's review state ("received") comes back

    monkeypatch.setenv("FELTBOG_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("FELTBOG_SMTP_PORT", str(port))
    monkeypatch.setenv("FELTBOG_SMTP_FROM", "feltbog@jobcenter-jammerbugt.dk")
    assert main(["admin", "--db", db_url, "send-digest", "--team", "Jobcenter Jammerbugt",
                 "--week-of", monday.isoformat()]) == 0
    assert f"sent 'Ugens overblik, uge {monday.isocalendar()[1]}: Jobcenter Jammerbugt'" in capsys.readouterr().out
    [(recipients, mail)] = inbox.messages
    assert recipients == ["sara@jobcenter-jammerbugt.dk"]
    assert mail["From"] == "feltbog@jobcenter-jammerbugt.dk"
    body = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")  # SMTP sends CRLF line ends

    # The app counts the same week from its own copy, by the same rules, and says the same words.
    names = mette.service.names()
    with mette.db.read() as session:
        mine = weekly_digest_data(session, server.team_id, week_start=monday, names=names,
                                  team_name="Jobcenter Jammerbugt")
    assert body == mine.text
    name = names[mette.service.account().user_id]
    assert f"{name}:\n" in body
    # Two visits this week (one waits), the internship created, filled and starting; the follow-up due Sunday is
    # overdue on Monday (the one due that Monday is not), as is the centre (last visited the Sunday before, every
    # 14 days: due this Sunday).
    assert mine.rows == [(name, (2, 1, 1, 1, 1, 0, 1, 1))]
    # The HTML part holds the same row as a table, the name escaped, and the team's total.
    html = mail.get_body(("html",)).get_content()
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", html)
    assert cells[:9] == [escape(name), "2", "1", "1", "1", "1", "0", "1", "1"]
    assert cells[9:] == ["I alt", "2", "1", "1", "1", "1", "0", "1", "1"]
    assert f"uge {monday.isocalendar()[1]}" in html and "Sådan er der talt" in html


def test_without_an_smtp_server_nothing_is_sent_and_it_says_why(server, capsys, monkeypatch):
    monkeypatch.delenv("FELTBOG_SMTP_HOST", raising=False)
    assert main(["admin", "--db", server.database_url, "send-digest", "--team", server.team_id]) == 2
    assert "No SMTP server is set: set FELTBOG_SMTP_HOST" in capsys.readouterr().err
    # --print shows the digest without any mail server.
    assert main(["admin", "--db", server.database_url, "send-digest", "--team", server.team_id, "--print",
                 "--week-of", "2026-11-18"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Ugens overblik for Jobcenter Jammerbugt\nUge 47: 16-11-2026 – 22-11-2026\n")
    assert "  Besøg skrevet: 0\n" in out
