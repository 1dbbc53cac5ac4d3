"""A company the server merged into another (one company per CVR in a team), as the laptop learns of it.

Two consultants may create the same company offline. The server keeps the
one that had the CVR first and sends the other as a delete that names the
survivor (``merged_into``). Before that delete removes the duplicate here,
every local row that points at it (visits, openings, mentors, contacts,
follow-ups about the company) is re-pointed at the survivor: the server
has done the same to its copies, so nothing needs sending. A laptop that
knew the duplicate remembers a notice for the consultant, shown once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desktop.domain.protocol import MERGED_INTO
from desktop.models import state_store
from desktop.models.entities import TABLES

NOTICES = "merge_notices"  # sync_state key: [{duplicate_id, surviving_id, name}] not yet shown
NOTICE_DA = "Virksomheden fandtes allerede – dine besøg er flyttet til den"
NOTICE_EN = "The company already existed – your visits have been moved to it"
_CHILDREN = ("visit", "opening", "mentor", "contact")


@dataclass(frozen=True)
class MergeNotice:
    """One company of this laptop that turned out to exist already."""

    duplicate_id: str
    surviving_id: str
    name: str  # the duplicate's name as this laptop had it

    @property
    def text_da(self) -> str:
        return f"{NOTICE_DA}: {self.name}" if self.name else NOTICE_DA


def merges_in(changes: Iterable[dict[str, Any]]) -> dict[str, str]:
    """duplicate id -> surviving id for the merged companies a pulled page deletes."""
    out = {}
    for change in changes:
        if change.get("entity") == "company" and change.get("op") == "delete":
            into = (change.get("fields") or {}).get(MERGED_INTO)
            if isinstance(into, str) and into != change.get("id"):
                out[change["id"]] = into
    return out


def apply_merges(session: Session, merges: dict[str, str]) -> set[str]:
    """Re-point local rows from each duplicate to its survivor; remember a notice; return the ids changed.

    Runs in the page's transaction, before the page deletes the duplicates.
    """
    if not merges:
        return set()
    company = TABLES["company"]
    rows = session.execute(select(company.c.id, company.c.name).where(company.c.id.in_(list(merges)))).all()
    known = {row[0]: row[1] for row in rows}
    changed: set[str] = set()
    for duplicate, survivor in merges.items():
        for entity in _CHILDREN:
            table = TABLES[entity]
            ids = session.scalars(select(table.c.id).where(table.c.company_id == duplicate)).all()
            if ids:
                session.execute(update(table).where(table.c.company_id == duplicate).values(company_id=survivor))
                changed.update(ids)
        follow_up = TABLES["follow_up"]
        where = (follow_up.c.subject_kind == "company") & (follow_up.c.subject_id == duplicate)
        ids = session.scalars(select(follow_up.c.id).where(where)).all()
        if ids:
            session.execute(update(follow_up).where(where).values(subject_id=survivor))
            changed.update(ids)
    notices = [{"duplicate_id": d, "surviving_id": merges[d], "name": name or ""} for d, name in known.items()]
    if notices:
        state_store.set_value(session, NOTICES, _stored(session) + notices)
    return changed


def _stored(session: Session) -> list[dict[str, str]]:
    text = state_store.get_value(session, NOTICES)
    return json.loads(text) if text else []


def pending_notices(session: Session) -> list[MergeNotice]:
    """Notices not yet shown (oldest first)."""
    return [MergeNotice(n["duplicate_id"], n["surviving_id"], n.get("name", "")) for n in _stored(session)]


def take_notices(session: Session) -> list[MergeNotice]:
    """The notices not yet shown, forgotten as they are handed out (each is shown once)."""
    notices = pending_notices(session)
    if notices:
        state_store.set_value(session, NOTICES, None)
    return notices
