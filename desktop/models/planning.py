"""Follow-ups the app plans by itself.

* An opening with a duration gets a midway and an end follow-up; a changed
  start or duration moves them, a removed duration removes the open ones.
* A company centre gets a follow-up once its visit interval has run out
  since the last visit; a later visit closes it. A centre whose agreement
  has ended gets no more.
* A visit's "Opfølgning den" date is a follow-up on that date for the
  visit's consultant; a new date moves it, no date removes it (if not done).

Centre follow-ups get ids derived from the centre and the due date, so two
consultants' laptops planning the same follow-up offline create the same
record instead of two.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select

from desktop.models.entities import Company, FollowUp, Opening, Visit
from desktop.models.writer import RecordWriter

MIDWAY = "opening_midway"
END = "opening_end"
CENTRE = "centre_visit"
VISIT = "visit_follow_up"
_NAMESPACE = uuid.UUID("6f1c1f0e-5d0b-4c38-9a57-3f1f0b6b2d11")


def opening_due_dates(starts_on: date, duration_weeks: int) -> dict[str, date]:
    """Midway and end dates of an opening that lasts ``duration_weeks``."""
    days = duration_weeks * 7
    return {MIDWAY: starts_on + timedelta(days=days // 2), END: starts_on + timedelta(days=days)}


def plan_opening_follow_ups(writer: RecordWriter, opening: Opening, today: date) -> None:
    """Create, move or remove the opening's automatic follow-ups."""
    session = writer.session
    existing = {
        f.auto_key: f
        for f in session.scalars(
            select(FollowUp).where(
                FollowUp.subject_id == opening.id,
                FollowUp.auto_key.in_((MIDWAY, END)),
                FollowUp.deleted.is_(False),
            )
        )
    }
    if not opening.duration_weeks or opening.deleted:
        for follow_up in existing.values():
            if not follow_up.done:
                writer.delete("follow_up", follow_up)
        return
    start = opening.starts_on or today
    notes = {MIDWAY: "Midtvejsopfølgning", END: "Slutopfølgning"}
    for key, due in opening_due_dates(start, opening.duration_weeks).items():
        planned = existing.get(key)
        if planned is None:
            fields = {
                "due_on": due,
                "subject_kind": "opening",
                "subject_id": opening.id,
                "assignee_id": writer.actor.user_id,
                "note": f"{notes[key]}: {opening.title}",
                "done": False,
                "auto_key": key,
            }
            writer.insert("follow_up", fields, team_id=opening.team_id)
        elif not planned.done and planned.due_on != due:
            writer.update("follow_up", planned, {"due_on": due})


def centre_follow_up_id(company_id: str, due: date) -> str:
    """The id every device gives the centre's follow-up due on ``due``."""
    return str(uuid.uuid5(_NAMESPACE, f"{CENTRE}:{company_id}:{due.isoformat()}"))


def centre_due_date(writer: RecordWriter, centre: Company) -> date:
    """When the centre should next be visited: last visit + its interval."""
    from desktop.models.centre_queries import latest_visit_dates

    last = latest_visit_dates(writer.session, [centre.id]).get(centre.id)
    base = last or centre.centre_agreement_start or centre.created_at.date()
    return base + timedelta(days=centre.centre_visit_interval_days or 21)


def plan_centre_follow_up(writer: RecordWriter, centre: Company, today: date) -> None:
    """Give a centre whose interval ran out a follow-up; close superseded ones."""
    open_ones = writer.session.scalars(
        select(FollowUp).where(
            FollowUp.subject_id == centre.id,
            FollowUp.auto_key == CENTRE,
            FollowUp.done.is_(False),
            FollowUp.deleted.is_(False),
        )
    ).all()
    ended = centre.centre_agreement_end is not None and centre.centre_agreement_end < today
    if not centre.is_centre or centre.deleted or ended:
        for follow_up in open_ones:
            writer.delete("follow_up", follow_up)
        return
    due = centre_due_date(writer, centre)
    for follow_up in open_ones:
        if follow_up.due_on < due:  # a visit since then: this one is done
            writer.update("follow_up", follow_up, {"done": True})
    if due > today:
        return
    follow_up_id = centre_follow_up_id(centre.id, due)
    if writer.session.get(FollowUp, follow_up_id) is not None:
        return  # planned already (or deliberately deleted by a user)
    writer.insert(
        "follow_up",
        {
            "due_on": due,
            "subject_kind": "company",
            "subject_id": centre.id,
            "assignee_id": centre.responsible_user_id or writer.actor.user_id,
            "note": f"Besøg virksomhedscenter: {centre.name}",
            "done": False,
            "auto_key": CENTRE,
        },
        record_id=follow_up_id,
        team_id=centre.team_id,
    )


def plan_all_centres(writer: RecordWriter, today: date) -> None:
    """Run :func:`plan_centre_follow_up` for every live company centre."""
    centres = writer.session.scalars(
        select(Company).where(Company.is_centre.is_(True), Company.deleted.is_(False))
    ).all()
    for centre in centres:
        plan_centre_follow_up(writer, centre, today)


def visit_follow_up_id(visit_id: str) -> str:
    """The id of the follow-up a visit's "Opfølgning den" plans (one per visit, the same on every device)."""
    return str(uuid.uuid5(_NAMESPACE, f"{VISIT}:{visit_id}"))


def plan_visit_follow_up(writer: RecordWriter, visit: Visit) -> None:
    """Keep the follow-up of a visit's "Opfølgning den" date in step with it."""
    session = writer.session
    follow_up = session.get(FollowUp, visit_follow_up_id(visit.id))
    live = follow_up if follow_up is not None and not follow_up.deleted else None
    due = None if visit.deleted else visit.follow_up_on
    if due is None:
        if live is not None and not live.done:
            writer.delete("follow_up", live)
        return
    if live is not None:
        if not live.done and live.due_on != due:
            writer.update("follow_up", live, {"due_on": due})
        return
    if follow_up is not None:  # deleted by someone on purpose, or done and removed: do not plan it again
        return
    company = session.get(Company, visit.company_id)
    writer.insert(
        "follow_up",
        {
            "due_on": due,
            "subject_kind": "visit",
            "subject_id": visit.id,
            "assignee_id": visit.consultant_id or writer.actor.user_id,
            "note": f"Opfølgning på besøg: {company.name if company else ''}".strip(),
            "done": False,
            "auto_key": VISIT,
        },
        record_id=visit_follow_up_id(visit.id),
        team_id=visit.team_id,
    )
