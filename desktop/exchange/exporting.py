"""Export any list to CSV (for Danish Excel) or to an Excel workbook, chosen by the file's suffix.

CSV is written the way Danish Excel reads it with a double-click: UTF-8 with
a BOM (so æ, ø, å survive), ``;`` between fields, dates as 22-11-2026 and
decimal commas. In .xlsx, dates and numbers are real dates and numbers (so
they sort and sum), under a bold, frozen header row.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from desktop.cancel import CancelToken, Progress
from desktop.domain.formatting import choice_da, dk_date, dk_number, iso_week, person
from desktop.errors import UserFacingError
from desktop.models import queries

Getter = str | Callable[[Any], object]
Columns = Sequence[tuple[Getter, str]]  # (attribute name or function of the row, header)
_MAX_WIDTH = 60
_PAGE = 1_000


def _get(row: Any, getter: Getter) -> object:
    if callable(getter):
        return getter(row)
    return row[getter] if isinstance(row, Mapping) else getattr(row, getter)


_FORMULA_START = ("=", "@", "+", "-")
_PLAIN_NUMBER = set("0123456789 ,.")


def csv_safe(text: str) -> str:
    """Text Excel will show as text, never run as a formula (CSV injection).

    A cell starting with = or @, or with + or - followed by more than a number
    (a phone number "+46 701234567" stays as it is), gets a leading apostrophe,
    which Excel hides and the importer removes again.
    """
    if text.startswith(("=", "@")) or (text.startswith(("+", "-")) and not set(text[1:]) <= _PLAIN_NUMBER):
        return "'" + text
    return text


def _csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, datetime | date):
        return dk_date(value)
    if isinstance(value, float):
        return dk_number(value).replace(".", "")  # a decimal comma, but no thousands dots to confuse Excel
    return csv_safe(str(value))


def _excel_value(value: object) -> object:
    if isinstance(value, bool):
        return "Ja" if value else "Nej"  # Danish Excel would show TRUE as "SAND"
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones
    return value


def export_rows(
    rows: Sequence[Any],
    columns: Columns,
    path: str | os.PathLike[str],
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> Path:
    """Write ``rows`` (dataclasses or dicts) with ``columns`` to a .csv or .xlsx file; returns the path.

    The file appears only when complete (written to a temporary file first).
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise UserFacingError(f"Der kan kun eksporteres til .csv og .xlsx, ikke {suffix or '(ingen endelse)'}.",
                              f"Export is to .csv or .xlsx only, not {suffix or '(no suffix)'}.")
    handle, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=suffix + ".tmp", dir=target.parent)
    os.close(handle)
    try:
        writer = _write_csv if suffix == ".csv" else _write_xlsx
        writer(rows, columns, Path(tmp_name), progress, cancel)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return target


def _tick(index: int, total: int, progress: Progress | None, cancel: CancelToken | None) -> None:
    if index % _PAGE == 0:
        if cancel is not None:
            cancel.check()
        if progress is not None:
            progress(index, total, "Eksporterer")


def _write_csv(rows: Sequence[Any], columns: Columns, path: Path, progress: Progress | None,
               cancel: CancelToken | None) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow([header for _, header in columns])
        for index, row in enumerate(rows):
            _tick(index, len(rows), progress, cancel)
            writer.writerow([_csv_text(_get(row, getter)) for getter, _ in columns])


def _write_xlsx(rows: Sequence[Any], columns: Columns, path: Path, progress: Progress | None,
                cancel: CancelToken | None) -> None:
    from openpyxl import Workbook  # slow to import; only exports need it
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook has one worksheet
    sheet.title = "Eksport"
    sheet.append([header for _, header in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(header) for _, header in columns]
    for index, row in enumerate(rows):
        _tick(index, len(rows), progress, cancel)
        values = [_excel_value(_get(row, getter)) for getter, _ in columns]
        sheet.append(values)
        for col, value in enumerate(values):
            if isinstance(value, str) and value.startswith("="):
                # openpyxl would store it as a formula; user text stays text.
                sheet.cell(row=index + 2, column=col + 1).data_type = "s"
            elif isinstance(value, datetime | date):
                sheet.cell(row=index + 2, column=col + 1).number_format = "DD-MM-YYYY"
                widths[col] = max(widths[col], 10)
            elif value is not None:
                widths[col] = max(widths[col], min(len(str(value)), _MAX_WIDTH))
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width + 2
    sheet.freeze_panes = "A2"
    if columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    workbook.save(path)


def _all(list_function: Callable[..., queries.Page[Any]], session: Session, **filters: Any) -> list[Any]:
    """Every row of a paged list query (with the same filters as the screen)."""
    items: list[Any] = []
    while True:
        page = list_function(session, offset=len(items), limit=_PAGE, **filters)
        items += page.items
        if not page.items or len(items) >= page.total:
            return items


def _names(names: Mapping[str, str] | None) -> Callable[[str | None], str]:
    return lambda user_id: person(names, user_id)


def company_columns(names: Mapping[str, str] | None = None) -> Columns:
    """Columns of the company list export (headers the importer recognises again)."""
    who = _names(names)
    return [("name", "Navn"), ("cvr", "CVR-nr."), ("city", "By"), ("municipality", "Kommune"),
            ("industry", "Branche"), ("phone", "Telefon"), ("is_centre", "Virksomhedscenter"),
            (lambda r: who(r.responsible_user_id), "Ansvarlig konsulent")]


def export_companies(session: Session, path: str | os.PathLike[str], names: Mapping[str, str] | None = None,
                     **filters: Any) -> Path:
    """Export the company list (same filters as :func:`desktop.models.queries.list_companies`)."""
    return export_rows(_all(queries.list_companies, session, **filters), company_columns(names), path)


def export_visits(session: Session, path: str | os.PathLike[str], names: Mapping[str, str] | None = None,
                  **filters: Any) -> Path:
    """Export the visit list (same filters as :func:`desktop.models.queries.list_visits`)."""
    who = _names(names)
    columns: Columns = [
        ("visited_at", "Dato"), (lambda r: iso_week(r.visited_at), "Uge"), ("company_name", "Virksomhed"),
        (lambda r: choice_da("visit.kind", r.kind), "Type"), (lambda r: who(r.consultant_id), "Konsulent"),
        (lambda r: choice_da("visit.status", r.status), "Status"),
        (lambda r: choice_da("review.state", r.review_state), "Gennemsyn"), ("excerpt", "Referat (uddrag)"),
    ]
    return export_rows(_all(queries.list_visits, session, **filters), columns, path)


def export_openings(session: Session, path: str | os.PathLike[str], **filters: Any) -> Path:
    """Export the opening list (same filters as :func:`desktop.models.queries.list_openings`)."""
    columns: Columns = [
        ("title", "Titel"), ("company_name", "Virksomhed"), (lambda r: choice_da("opening.kind", r.kind), "Type"),
        ("hours_per_week", "Timer pr. uge"), ("duration_weeks", "Varighed (uger)"), ("starts_on", "Start"),
        ("places", "Pladser"), (lambda r: choice_da("opening.status", r.status), "Status"),
    ]
    return export_rows(_all(queries.list_openings, session, **filters), columns, path)


def export_mentors(session: Session, path: str | os.PathLike[str], **filters: Any) -> Path:
    """Export the mentor list (same filters as :func:`desktop.models.queries.list_mentors`)."""
    columns: Columns = [
        ("name", "Navn"), ("title", "Stilling"), ("company_name", "Virksomhed"), ("phone", "Telefon"),
        ("email", "E-mail"), ("trained_on", "Mentoruddannet"), ("capacity", "Kapacitet"), ("active", "Aktiv"),
    ]
    return export_rows(_all(queries.list_mentors, session, **filters), columns, path)


def export_follow_ups(session: Session, path: str | os.PathLike[str], names: Mapping[str, str] | None = None,
                      **filters: Any) -> Path:
    """Export the follow-up list (same filters as :func:`desktop.models.queries.list_follow_ups`)."""
    who = _names(names)
    columns: Columns = [
        ("due_on", "Dato"), (lambda r: iso_week(r.due_on), "Uge"),
        (lambda r: choice_da("follow_up.subject_kind", r.subject_kind), "Vedrører"), ("subject_title", "Emne"),
        ("note", "Note"), ("done", "Udført"), (lambda r: who(r.assignee_id), "Ansvarlig"),
    ]
    return export_rows(_all(queries.list_follow_ups, session, **filters), columns, path)
