"""The follow-up calendar: an .ics of a period, and a calendar file kept current for Outlook to subscribe to.

Events are the signed-in user's open follow-ups and the next visit of each
company centre they are responsible for, as all-day events on the due date.
They carry no note text (notes can name citizens): only the kind of
follow-up, the company and a link back into Feltbog
(``feltbog://follow_up/<id>``, ``feltbog://company/<id>``).

Each event's UID is derived from the follow-up's id, so a calendar that
reads the file again updates the event when its date moves instead of adding
a second one; a centre's next visit has the UID of the follow-up that will be
planned for it on that date (desktop.models.planning.centre_follow_up_id), so
the event keeps its UID when the follow-up appears. A follow-up that is done
or deleted leaves the calendar.

The file in the data folder (:data:`CALENDAR_FILENAME`) is written whole
to a temporary file and moved over the old one, so a calendar reading it
never sees half a file, and only when its content changed.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.formatting import choice_da
from desktop.models import planning
from desktop.models.centre_queries import latest_visit_dates
from desktop.models.entities import Company, FollowUp
from desktop.models.search_everything import follow_up_companies

CALENDAR_FILENAME = "feltbog-kalender.ics"
CALENDAR_NAME = "Feltbog – opfølgninger"
PAST_DAYS = 90  # the kept-current file shows open follow-ups this far back (overdue ones stay visible)
FUTURE_DAYS = 366
_UID_DOMAIN = "feltbog"

_KINDS = {
    planning.CENTRE: "Besøg virksomhedscenter",
    planning.MIDWAY: "Midtvejsopfølgning",
    planning.END: "Slutopfølgning",
    planning.VISIT: "Opfølgning på besøg",
}


@dataclass(frozen=True)
class CalendarEvent:
    """One all-day event: no note text, only what it is, for which company, and where to open it."""

    uid: str
    on: date
    kind: str
    company_name: str
    link: str
    changed: datetime

    @property
    def summary(self) -> str:
        """The event's title, e.g. "Midtvejsopfølgning – Bageriet ApS"."""
        return f"{self.kind} – {self.company_name}" if self.company_name else self.kind


def link(entity: str, record_id: str) -> str:
    """The address that opens a record in Feltbog."""
    return f"feltbog://{entity}/{record_id}"


def _utc(moment: datetime | None) -> datetime:
    if moment is None:
        return datetime(2000, 1, 1, tzinfo=UTC)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _kind(auto_key: str | None, subject_kind: str) -> str:
    if auto_key in _KINDS:
        return _KINDS[auto_key]
    return f"Opfølgning ({choice_da('follow_up.subject_kind', subject_kind).lower()})"


def calendar_events(session: Session, user_id: str, start: date, end: date) -> list[CalendarEvent]:
    """The user's open follow-ups due from ``start`` to ``end``, and their centres' next visits in it."""
    rows = session.execute(
        select(FollowUp.id, FollowUp.due_on, FollowUp.subject_kind, FollowUp.subject_id, FollowUp.auto_key,
               FollowUp.updated_at)
        .where(FollowUp.assignee_id == user_id, FollowUp.deleted.is_(False), FollowUp.done.is_(False),
               FollowUp.due_on >= start, FollowUp.due_on <= end)
    ).all()
    companies = follow_up_companies(session, [(r.subject_kind, r.subject_id) for r in rows])
    events = [
        CalendarEvent(f"{r.id}@{_UID_DOMAIN}", r.due_on, _kind(r.auto_key, r.subject_kind),
                      companies.get(r.subject_id, (None, ""))[1], link("follow_up", r.id), _utc(r.updated_at))
        for r in rows
    ]
    events += _centre_visits(session, user_id, start, end)
    return sorted(events, key=lambda e: (e.on, e.summary, e.uid))


def _centre_visits(session: Session, user_id: str, start: date, end: date) -> list[CalendarEvent]:
    """Each of the user's company centres' next visit (last visit + interval), unless a follow-up stands for it."""
    centres = session.execute(
        select(Company.id, Company.name, Company.centre_visit_interval_days, Company.centre_agreement_start,
               Company.centre_agreement_end, Company.created_at, Company.updated_at)
        .where(Company.is_centre.is_(True), Company.deleted.is_(False), Company.responsible_user_id == user_id)
    ).all()
    if not centres:
        return []
    planned = set(session.execute(
        select(FollowUp.subject_id).where(FollowUp.subject_id.in_([c.id for c in centres]),
                                          FollowUp.auto_key == planning.CENTRE, FollowUp.done.is_(False),
                                          FollowUp.deleted.is_(False))
    ).scalars())
    last_visits = latest_visit_dates(session, [c.id for c in centres])
    events = []
    for centre in centres:
        # The same rule as desktop.models.planning.centre_due_date.
        base = last_visits.get(centre.id) or centre.centre_agreement_start or _utc(centre.created_at).date()
        due = base + timedelta(days=centre.centre_visit_interval_days or 21)
        ended = centre.centre_agreement_end is not None and centre.centre_agreement_end < due
        if centre.id in planned or ended or not start <= due <= end:
            continue
        uid = f"{planning.centre_follow_up_id(centre.id, due)}@{_UID_DOMAIN}"
        events.append(CalendarEvent(uid, due, _KINDS[planning.CENTRE], centre.name, link("company", centre.id),
                                    _utc(centre.updated_at)))
    return events


def calendar_bytes(events: Sequence[CalendarEvent], name: str = CALENDAR_NAME) -> bytes:
    """The events as an iCalendar (RFC 5545) file; the same events give the same bytes."""
    from icalendar import Calendar, Event  # imported when a calendar is written, not at start-up

    calendar = Calendar()
    calendar.add("prodid", "-//Feltbog//Opfølgninger//DA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", item.changed)
        event.add("last-modified", item.changed)
        event.add("dtstart", item.on)
        event.add("dtend", item.on + timedelta(days=1))
        event.add("summary", item.summary)
        event.add("description", f"{item.kind}\nÅbn i Feltbog: {item.link}")
        event.add("url", item.link)
        event.add("categories", ["Feltbog"])
        event.add("transp", "TRANSPARENT")  # a reminder, not a meeting: the day stays free
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def _write_atomically(path: Path, data: bytes) -> None:
    handle, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def export_calendar(session: Session, path: str | os.PathLike[str], user_id: str, start: date, end: date) -> Path:
    """Write an .ics of the user's follow-ups and centre visits from ``start`` to ``end``; returns the path."""
    target = Path(path)
    _write_atomically(target, calendar_bytes(calendar_events(session, user_id, start, end)))
    return target


def calendar_file(folder: Path) -> Path:
    """Where the kept-current calendar file lives in a data folder."""
    return Path(folder) / CALENDAR_FILENAME


def write_calendar_file(session: Session, folder: Path, user_id: str, today: date) -> Path | None:
    """Bring the data folder's calendar file up to date; returns its path if it was rewritten, None if unchanged.

    Called after every local change and every sync (off the GUI thread). The
    file covers :data:`PAST_DAYS` back (overdue follow-ups) to
    :data:`FUTURE_DAYS` ahead.
    """
    path = calendar_file(folder)
    events = calendar_events(session, user_id, today - timedelta(days=PAST_DAYS), today + timedelta(days=FUTURE_DAYS))
    data = calendar_bytes(events)
    try:
        if path.read_bytes() == data:
            return None
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(path, data)
    return path
