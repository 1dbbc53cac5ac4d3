"""Excel cells of kinds the import does not know (a time of day, a duration) arrive as text, not as objects."""

from __future__ import annotations

from datetime import date, time, timedelta

from openpyxl import Workbook

from desktop.exchange.reading import read_table


def test_a_time_or_duration_cell_is_read_as_text(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Navn", "Åbner", "Varighed", "Startdato", "Antal"])
    sheet.append(["Bager Hansen", time(8, 30), timedelta(hours=2), date(2026, 11, 30), 3])
    path = tmp_path / "firmaer.xlsx"
    workbook.save(path)
    table = read_table(path)
    assert table.headers == ["Navn", "Åbner", "Varighed", "Startdato", "Antal"]
    [(_, cells)] = table.rows
    assert cells[0] == "Bager Hansen"
    assert isinstance(cells[1], str) and cells[1].startswith("08:30")
    assert isinstance(cells[2], str)
    assert cells[3].date() == date(2026, 11, 30) and cells[4] == 3
