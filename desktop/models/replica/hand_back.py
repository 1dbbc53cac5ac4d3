"""Giving a restored server back what it lost (issue 18, finding 6).

A server restored from last night's dump no longer has what laptops synced
since. Each laptop still holds it: every record whose version is newer than
the server's cursor. Queued here as ordinary unsent changes (every field, as
if just typed, based on the server's cursor), the next push hands them back
and the server takes them like any edit, so nothing needs deleting and
nothing needs downloading again.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.schema import CLIENT_WRITABLE_ENTITIES, ENTITIES
from desktop.domain.validation import to_wire
from desktop.models import outbox
from desktop.models.entities import MODELS


def queue_hand_back(session: Session, after: int, me: str | None) -> int:
    """Queue every live record newer than ``after`` (the server's cursor) that has no unsent change; returns how many.

    Companies come first, then what points at them, so the server can check
    each reference. A visit written by a colleague is left to the colleague's
    own laptop (handed back from here it would carry this user as its
    author): it stays here as a record the server has not confirmed
    (version 0), so the check after the sync does not count it as damage,
    and it is back to normal once the colleague's laptop has handed it in.
    Reviews and conflicts are the server's own records: kept the same way, not sent.
    """
    unsent = outbox.unsent_ids(session)
    queued = 0
    for entity, model in MODELS.items():
        names = [f.name for f in ENTITIES[entity].fields]
        for row in session.scalars(select(model).where(model.version > after, model.deleted.is_(False))
                                   .order_by(model.version)):
            if row.id in unsent:
                continue
            theirs = entity == "visit" and me and getattr(row, "consultant_id", None) not in (None, me)
            if theirs or entity not in CLIENT_WRITABLE_ENTITIES or entity == "conflict":
                row.version = 0  # kept, unconfirmed: only its author's laptop (or the server) can give it back
                continue
            fields = {name: getattr(row, name) for name in names}
            fields["team_id"] = row.team_id
            outbox.append(session, entity, row.id, "upsert", after, to_wire(entity, fields))
            queued += 1
    return queued
