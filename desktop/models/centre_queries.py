"""Company centres: which are due for a visit, and each company's last visit date (no Qt).

The due rule is the one desktop/models/planning.py plans centre follow-ups by:
the last visit (or the agreement's start, or the day it was registered) plus
the centre's visit interval, and none once the agreement has ended.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from desktop.models.entities import Company, Visit
from desktop.models.queries import CompanyRow

_CENTRE_COLUMNS = ", ".join(CompanyRow.__dataclass_fields__)


def centres_due(session: Session, today: date) -> list[tuple[CompanyRow, date | None]]:
    """Company centres whose visit interval has run out, with the last visit date (not those whose agreement ended)."""
    # INDEXED BY the partial index of centres: without it SQLite prefers walking
    # every live company in name order (100,000 rows for 45 centres).
    centres = session.execute(text(
        f"SELECT {_CENTRE_COLUMNS}, centre_visit_interval_days, centre_agreement_start, centre_agreement_end, "
        "created_at "
        "FROM company INDEXED BY ix_company_centres WHERE is_centre = 1 AND deleted = 0 ORDER BY name COLLATE danish"
    ).columns(*[getattr(Company, f) for f in CompanyRow.__dataclass_fields__], Company.centre_visit_interval_days,
              Company.centre_agreement_start, Company.centre_agreement_end, Company.created_at)).all()
    last_visits = latest_visit_dates(session, [row.id for row in centres])
    out = []
    for row in centres:
        *company, interval, agreement_start, agreement_end, created = row
        if agreement_end is not None and agreement_end < today:
            continue  # the agreement has ended: no more visits are due (desktop.models.planning)
        last = last_visits.get(row.id)
        base = last or agreement_start or created.date()  # the same rule as desktop.models.planning
        if (today - base).days >= (interval or 21):
            out.append((CompanyRow(*company), last))
    return out


def latest_visit_dates(session: Session, company_ids: list[str]) -> dict[str, date]:
    """The last live visit date per company, from the covering index
    (company_id, deleted, visited_at): no visit row (and note) is read."""
    out: dict[str, date] = {}
    for start in range(0, len(company_ids), 500):
        rows = session.execute(
            select(Visit.company_id, func.max(Visit.visited_at))
            .where(Visit.company_id.in_(company_ids[start : start + 500]), Visit.deleted.is_(False))
            .group_by(Visit.company_id)
        ).all()
        out.update({company_id: last for company_id, last in rows})
    return out
