"""The small read-only tables (a company's visits, contacts, mentors) fill their width with the last column."""

from __future__ import annotations

from desktop.ui.widgets.tables import fill_table, read_only_table


def test_the_last_column_stretches_over_the_rest_after_filling_a_shown_table(qtbot):
    table = read_only_table(["Besøgsdato", "Type", "Referat"])
    qtbot.addWidget(table)
    table.resize(900, 300)
    table.show()
    qtbot.waitExposed(table)
    fill_table(table, [["23-11-2026", "Første kontakt", "Værftet vil også tage en elev til foråret."]], ["v-1"])
    qtbot.wait(20)
    header = table.horizontalHeader()
    used = sum(header.sectionSize(c) for c in range(table.columnCount()))
    assert used >= table.viewport().width() - 2  # no empty band right of the notes
    assert header.sectionSize(0) < header.sectionSize(2)  # the others are sized to their contents
