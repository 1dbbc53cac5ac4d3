"""Read a spreadsheet the way people hand it over: CSV from Danish Excel, or an .xlsx workbook.

Danish Excel saves "CSV (semikolonsepareret)" in Windows-1252 with ``;``
between fields (the comma is the decimal sign); other tools write UTF-8 with
``,`` or tabs. :func:`read_table` finds out which, skips blank rows and
returns the header row and the data rows with their row numbers as the
spreadsheet shows them (the header is row 1).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from desktop.errors import UserFacingError

Cell = str | int | float | bool | date | datetime | None
DELIMITERS = (";", ",", "\t")  # in order of preference when two fit equally well
_SAMPLE_LINES = 50


@dataclass(frozen=True)
class Table:
    """A sheet's header and data rows; ``rows`` are ``(row_number, cells)``."""

    headers: list[str]
    rows: list[tuple[int, list[Cell]]]
    encoding: str = ""  # CSV only
    delimiter: str = ""  # CSV only


def _blank(cells: Iterable[Cell]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding: UTF-8 (with or without BOM) first, then Windows-1252 as Danish Excel writes."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    # cp1252 leaves five bytes undefined; Latin-1 maps every byte, so reading never fails.
    return data.decode("latin-1"), "latin-1"


def detect_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the same number (> 1) of fields.

    Tried in the order ``;`` ``,`` tab, then :class:`csv.Sniffer`; a file with a
    single column gets ``,`` (it does not matter then).
    """
    lines = [line for line in text.splitlines()[:_SAMPLE_LINES] if line.strip()]
    if not lines:
        return ","
    best, best_score = "", (0, 0)
    for delimiter in DELIMITERS:
        widths = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        if widths[0] < 2:
            continue
        # How many lines agree with the header's width, then how many columns.
        score = (sum(1 for w in widths if w == widths[0]), widths[0])
        if score > best_score:
            best, best_score = delimiter, score
    if best:
        return best
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=";,\t|").delimiter
    except csv.Error:
        return ","


def read_csv(path: Path) -> Table:
    """Read a CSV file of unknown encoding and delimiter."""
    text, encoding = decode(path.read_bytes())
    delimiter = detect_delimiter(text)
    records: list[list[Cell]] = [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    return _table(records, encoding, delimiter)


def read_xlsx(path: Path) -> Table:
    """Read the first (active) sheet of an Excel workbook; cells keep their types (dates, numbers)."""
    from openpyxl import load_workbook  # imported here: only imports need it, and it is slow to load
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise UserFacingError(f"Filen kan ikke læses som et Excel-regneark: {path.name}",
                              f"The file cannot be read as an Excel workbook: {path.name}") from error
    try:
        sheet = workbook.active
        if not isinstance(sheet, ReadOnlyWorksheet):
            raise UserFacingError(f"Regnearket har ingen tabel at indlæse: {path.name}",
                                  f"The workbook has no sheet to import: {path.name}")
        records = [[_excel_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    return _table(records)


def _excel_cell(value: object) -> Cell:
    """An Excel value as a :data:`Cell`: a time of day, a duration or rich text becomes its text."""
    if value is None or isinstance(value, str | int | float | bool | date):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


def _table(records: list[list[Cell]], encoding: str = "", delimiter: str = "") -> Table:
    numbered = [(n, cells) for n, cells in enumerate(records, start=1) if not _blank(cells)]
    if not numbered:
        raise UserFacingError("Filen er tom.", "The file is empty.")
    (_, header), data = numbered[0], numbered[1:]
    headers = [str(h).strip() if h is not None else "" for h in header]
    width = len(headers)
    # Excel pads some rows with empty cells and cuts others short; line them up with the header.
    rows = [(n, (list(cells) + [None] * width)[:width]) for n, cells in data]
    return Table(headers, rows, encoding, delimiter)


def read_table(path: str | Path) -> Table:
    """Read a .csv/.txt or .xlsx file into a :class:`Table`; other files are refused with a Danish message."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv(path)
    raise UserFacingError(
        f"Filtypen {suffix or '(ingen)'} kan ikke indlæses. Brug CSV eller Excel (.xlsx).",
        f"Files of type {suffix or '(none)'} cannot be imported. Use CSV or Excel (.xlsx).",
    )
