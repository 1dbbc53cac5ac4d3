"""Named write operations: the only way the app changes data.

Each public method runs in one transaction that writes the row(s), their
outbox entries and the search index together, and returns what changed.
Bad input raises :class:`desktop.domain.ValidationError` with a Danish (and
English) message and the field's name, and leaves the database untouched.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select

from desktop.domain.errors import ValidationError
from desktop.domain.schema import ENTITIES, TEXT
from desktop.domain.validation import clean_fields, validate_record
from desktop.models import checks, planning
from desktop.models.changes import Actor, Changes, Result
from desktop.models.db import Database
from desktop.models.entities import Company, Contact, FollowUp, Mentor, Opening, Visit
from desktop.models.writer import RecordWriter, record_fields

# What a local user may write; reviews belong to the server.
EDITABLE = ("company", "contact", "mentor", "visit", "opening", "follow_up")


class Operations:
    """All write operations for one signed-in user (or an offline, anonymous one)."""

    def __init__(
        self, db: Database, actor: Actor | None = None, today: Callable[[], date] = date.today
    ) -> None:
        self.db = db
        self.actor = actor or Actor()
        self.today = today

    # -- generic create / update / delete -------------------------------------------------

    def create(self, entity: str, fields: dict[str, Any]) -> Result:
        """Create a record of ``entity`` from form or import values."""
        if entity not in EDITABLE:
            raise ValueError(f"{entity} cannot be created locally")
        with self.db.write() as session:
            writer = RecordWriter(session, self.actor)
            record_id = self._create(writer, entity, fields)
            return Result(record_id, writer.changes)

    def create_many(self, entity: str, rows: list[dict[str, Any]]) -> Changes:
        """Create many records of ``entity`` in ONE transaction (an import): all, or none.

        Each row gets exactly the checks and planning of :meth:`create`. If one is
        refused, the ValidationError is raised with ``row_index`` (its index in
        ``rows``) set, and nothing is kept.
        """
        if entity not in EDITABLE:
            raise ValueError(f"{entity} cannot be created locally")
        with self.db.write() as session:
            writer = RecordWriter(session, self.actor)
            for index, fields in enumerate(rows):
                try:
                    self._create(writer, entity, fields)
                except ValidationError as error:
                    error.row_index = index
                    raise
            return writer.changes

    def _create(self, writer: RecordWriter, entity: str, fields: dict[str, Any]) -> str:
        clean = clean_fields(entity, {**self._defaults(entity), **fields})
        record = {**clean, "team_id": self.actor.team_id}
        validate_record(entity, record)
        self._check(writer, entity, record, None)
        record_id = writer.insert(entity, clean)
        self._after_write(writer, entity, record_id)
        return record_id

    def update(self, entity: str, record_id: str, fields: dict[str, Any]) -> Changes:
        """Change some fields of a record; only the fields that differ are sent."""
        if entity not in EDITABLE:
            raise ValueError(f"{entity} cannot be edited locally")
        with self.db.write() as session:
            writer = RecordWriter(session, self.actor)
            row = writer.get(entity, record_id)
            if row is None:
                raise checks.not_found(entity)
            self._apply_update(writer, entity, row, clean_fields(entity, fields))
            return writer.changes

    def _apply_update(self, writer: RecordWriter, entity: str, row: Any, clean: dict[str, Any]) -> None:
        changed = {k for k, v in clean.items() if getattr(row, k) != v}
        record = {**record_fields(entity, row), **clean}
        validate_record(entity, record)
        self._check(writer, entity, record, row.id, changed)
        if writer.update(entity, row, clean):
            self._after_write(writer, entity, row.id, changed)

    def delete(self, entity: str, record_id: str) -> Changes:
        """Delete a record (a tombstone that syncs), with what depends on it."""
        if entity not in EDITABLE:
            raise ValueError(f"{entity} cannot be deleted locally")
        with self.db.write() as session:
            writer = RecordWriter(session, self.actor)
            row = writer.get(entity, record_id)
            if row is None:
                raise checks.not_found(entity)
            if entity == "visit":
                checks.check_visit_editable(session, record_id)
            if entity == "company":
                checks.check_company_deletable(session, record_id)
                self._delete_dependants(writer, record_id)
            writer.delete(entity, row)
            self._after_write(writer, entity, record_id)
            return writer.changes

    def _defaults(self, entity: str) -> dict[str, Any]:
        defaults = ENTITIES[entity].defaults()
        if entity == "visit":
            defaults.update(consultant_id=self.actor.user_id, visited_at=self.today())
        if entity == "follow_up":
            defaults.update(assignee_id=self.actor.user_id)
        if entity == "company":
            defaults.update(responsible_user_id=self.actor.user_id)
        return {k: v for k, v in defaults.items() if v is not None}

    def _check(
        self, writer: RecordWriter, entity: str, record: dict[str, Any], record_id: str | None,
        changed: set[str] | None = None,
    ) -> None:
        """Database rules. An update (``changed`` given) checks only the fields it changes,
        as the server does: a mentor deleted since, or a CVR number two devices gave
        two companies offline, must not block editing something else."""
        session = writer.session
        checks.check_references(session, entity, record, changed)
        if entity == "company" and (changed is None or "cvr" in changed):
            checks.check_cvr_unique(session, record, record_id)
        if entity == "visit" and record_id:
            checks.check_visit_editable(session, record_id)

    def _after_write(
        self, writer: RecordWriter, entity: str, record_id: str, changed: set[str] | None = None
    ) -> None:
        """Keep the follow-ups the app plans by itself in step (``changed``: None for create/delete)."""
        session = writer.session
        if entity == "opening":
            # Only a new start or duration moves them: an opening without a start
            # date plans from today, and editing its title next week must not shift them.
            if changed is not None and not changed & {"starts_on", "duration_weeks"}:
                return
            opening = session.get(Opening, record_id)
            if opening is not None:
                planning.plan_opening_follow_ups(writer, opening, self.today())
        elif entity == "company":
            centre = session.get(Company, record_id)
            if centre is not None:
                planning.plan_centre_follow_up(writer, centre, self.today())
        elif entity == "visit":
            visit = session.get(Visit, record_id)
            if visit is not None and (changed is None or "follow_up_on" in changed):
                planning.plan_visit_follow_up(writer, visit)
            company = session.get(Company, visit.company_id) if visit is not None else None
            if company is not None and company.is_centre:
                planning.plan_centre_follow_up(writer, company, self.today())

    def _delete_dependants(self, writer: RecordWriter, company_id: str) -> None:
        session = writer.session
        for model, entity in ((Contact, "contact"), (Mentor, "mentor"), (Opening, "opening")):
            for row in session.scalars(
                select(model).where(model.company_id == company_id, model.deleted.is_(False))
            ):
                writer.delete(entity, row)
                if isinstance(row, Opening):
                    planning.plan_opening_follow_ups(writer, row, self.today())
        for row in session.scalars(
            select(FollowUp).where(
                FollowUp.subject_id == company_id, FollowUp.deleted.is_(False), FollowUp.done.is_(False)
            )
        ):
            writer.delete("follow_up", row)

    # -- named operations the UI calls -----------------------------------------------------

    def create_company(self, **fields: Any) -> Result:
        """Register a company (or a company centre)."""
        return self.create("company", fields)

    def update_company(self, company_id: str, **fields: Any) -> Changes:
        """Change a company's details or centre agreement."""
        return self.update("company", company_id, fields)

    def delete_company(self, company_id: str) -> Changes:
        """Delete a company with its contacts, mentors and openings (not if it has visits)."""
        return self.delete("company", company_id)

    def add_contact(self, company_id: str, **fields: Any) -> Result:
        """Add a contact person to a company."""
        return self.create("contact", {"company_id": company_id, **fields})

    def add_mentor(self, company_id: str, **fields: Any) -> Result:
        """Register a company mentor."""
        return self.create("mentor", {"company_id": company_id, **fields})

    def create_visit(self, company_id: str, **fields: Any) -> Result:
        """Start a visit note (a draft until marked ready)."""
        return self.create("visit", {"company_id": company_id, **fields})

    def save_visit_draft(self, visit_id: str, **fields: Any) -> Changes:
        """Autosave what the consultant typed so far."""
        return self.update("visit", visit_id, fields)

    def mark_visit_ready(self, visit_id: str) -> Changes:
        """Send the visit note to review."""
        return self.update("visit", visit_id, {"status": "ready"})

    def create_opening(self, company_id: str, **fields: Any) -> Result:
        """Register an opening; one with a duration plans its follow-ups."""
        return self.create("opening", {"company_id": company_id, **fields})

    def create_follow_up(self, subject_kind: str, subject_id: str, **fields: Any) -> Result:
        """Plan a follow-up on a company, visit or opening."""
        return self.create("follow_up", {"subject_kind": subject_kind, "subject_id": subject_id, **fields})

    def complete_follow_up(self, follow_up_id: str, done: bool = True) -> Changes:
        """Tick a follow-up off (or on again)."""
        return self.update("follow_up", follow_up_id, {"done": done})

    def resolve_conflict(self, conflict_id: str, keep_lost_value: bool = False) -> Changes:
        """Mark a conflict resolved, optionally restoring the value that lost.

        Restoring writes the lost value back as an ordinary edit, so it syncs
        and every device sees the chosen text.
        """
        with self.db.write() as session:
            writer = RecordWriter(session, self.actor)
            conflict = writer.get("conflict", conflict_id)
            if conflict is None:
                raise checks.not_found("conflict")
            if keep_lost_value and conflict.entity in EDITABLE:
                row = writer.get(conflict.entity, conflict.record_id)
                if row is None:
                    raise checks.not_found(conflict.entity)
                value: Any = conflict.lost_value
                if ENTITIES[conflict.entity].field_map[conflict.field].kind != TEXT and value:
                    try:
                        value = json.loads(value)
                    except ValueError:
                        pass  # stored as plain text, e.g. a date
                clean = clean_fields(conflict.entity, {conflict.field: value})
                # The same rules as an edit: not on an approved visit, no taken CVR, follow-ups moved.
                self._apply_update(writer, conflict.entity, row, clean)
            writer.update("conflict", conflict, {"resolved": True})
            return writer.changes

    def plan_centre_follow_ups(self) -> Changes:
        """Give every company centre whose visit interval ran out a follow-up."""
        with self.db.write() as session:
            writer = RecordWriter(session, self.actor)
            planning.plan_all_centres(writer, self.today())
            return writer.changes
