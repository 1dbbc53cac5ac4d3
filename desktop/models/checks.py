"""Domain rules that need the database: uniqueness, references, locks."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.errors import FieldError, ValidationError
from desktop.domain.schema import ENTITIES
from desktop.models.entities import MODELS, Company, Review, Visit


def _fail(entity: str, field: str, code: str, **params: object) -> ValidationError:
    spec = ENTITIES[entity].field_map.get(field)
    label_da, label_en = (spec.label_da, spec.label_en) if spec else (field, field)
    return ValidationError([FieldError(field, code, label_da, label_en, tuple(params.items()))], entity)


def not_found(entity: str) -> ValidationError:
    """The error for an id that does not exist (or was deleted)."""
    spec = ENTITIES[entity]
    return ValidationError([FieldError("id", "not_found", spec.label_da, spec.label_en)], entity)


def check_cvr_unique(session: Session, record: dict[str, Any], record_id: str | None) -> None:
    """A CVR number may be used by one live company per team."""
    cvr = record.get("cvr")
    if not cvr:
        return
    query = select(Company.name).where(
        Company.cvr == cvr, Company.deleted.is_(False), Company.team_id.is_(record.get("team_id"))
    )
    if record_id:
        query = query.where(Company.id != record_id)
    other = session.execute(query.limit(1)).scalar()
    if other is not None:
        raise _fail("company", "cvr", "cvr_taken", other=other)


def check_references(
    session: Session, entity: str, record: dict[str, Any], fields: Collection[str] | None = None
) -> None:
    """Every id field that points at another entity must point at a live record.

    ``fields`` limits the check to those fields (an update checks what it changes).
    """
    for spec in ENTITIES[entity].fields:
        target_id = record.get(spec.name)
        if not spec.ref or not target_id or (fields is not None and spec.name not in fields):
            continue
        target = session.get(MODELS[spec.ref], target_id)
        if target is None or target.deleted:
            raise _fail(entity, spec.name, "not_found")
    subject_changed = fields is None or bool({"subject_kind", "subject_id"} & set(fields))
    if entity == "follow_up" and record.get("subject_id") and subject_changed:
        target = session.get(MODELS[record["subject_kind"]], record["subject_id"])
        if target is None or target.deleted:
            raise _fail(entity, "subject_id", "not_found")


def review_state(session: Session, visit_id: str) -> str | None:
    """The visit's latest review state (reviews are append-only; newest wins)."""
    return session.execute(
        select(Review.state)
        .where(Review.visit_id == visit_id, Review.deleted.is_(False))
        .order_by(Review.version.desc(), Review.reviewed_at.desc())
        .limit(1)
    ).scalar()


def check_visit_editable(session: Session, visit_id: str) -> None:
    """An approved visit is read-only on every device."""
    if review_state(session, visit_id) == "approved":
        raise _fail("visit", "status", "approved_locked")


def check_company_deletable(session: Session, company_id: str) -> None:
    """A company with visit notes is not deleted: the notes would be orphaned."""
    visits = session.execute(
        select(func.count()).where(Visit.company_id == company_id, Visit.deleted.is_(False))
    ).scalar()
    if visits:
        raise _fail("company", "id", "has_visits")
