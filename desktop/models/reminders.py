"""The due list the reminders read (on the database worker): open follow-ups due by today, and centres due.

A centre due for a visit usually has its planned follow-up (desktop.models.planning);
it is listed once, as that follow-up. A centre without one (not planned yet) is
listed as the centre.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from desktop.domain.reminders import DueItem
from desktop.models.centre_queries import centres_due
from desktop.models.queries import list_follow_ups

LIMIT = 200  # a tray menu and a count, not a report


def due_items(session: Session, user_id: str | None, today: date) -> list[DueItem]:
    """``user_id``'s open follow-ups due today or earlier, and the company centres due for a visit that are
    theirs (or nobody's)."""
    items: list[DueItem] = []
    subjects: set[str] = set()
    for f in list_follow_ups(session, done=False, due_until=today, assignee_id=user_id, limit=LIMIT).items:
        opens = f.subject_kind if f.subject_kind in ("company", "visit") else "today"
        items.append(DueItem(
            key=f"follow_up:{f.id}", due_on=f.due_on, title=f.company_name or f.subject_title, note=f.note or "",
            opens=opens, opens_id=f.subject_id if opens != "today" else "", overdue=f.due_on < today,
        ))
        subjects.add(f.subject_id)
    for centre, _last in centres_due(session, today):
        mine = user_id is None or centre.responsible_user_id in (user_id, None)  # a colleague's centre: theirs
        if mine and centre.id not in subjects:
            items.append(DueItem(key=f"centre:{centre.id}", due_on=None, title=centre.name, note="",
                                 opens="company", opens_id=centre.id))
    return items
