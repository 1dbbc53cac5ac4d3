"""The import dialog with the usual company sheet: spreadsheet row numbers, "findes allerede", contact persons.

Issue 15, findings 6 and 7 ("række(r)").
"""

from __future__ import annotations

from openpyxl import Workbook

from desktop.models.queries import list_companies, list_contacts
from desktop.ui.dialogs.import_dialog import ImportDialog
from desktop.ui.widgets.counts import counted


def company_sheet(path):
    book = Workbook()
    ws = book.active
    ws.append(["Navn", "CVR", "Postnr.", "By", "Kontaktperson"])
    ws.append(["Jammerbugt Rengøring ApS", 29403473, 9460, "Brovst", "Aysel Lindberg"])
    ws.append([None] * 5)
    ws.append(["Aabybro Tømrer & Snedker", 29403481, 9440, "Aabybro", "Jørgen Frølund"])
    ws.append(["Farsø Bageri", 12345678, 9640, "Farsø", None])
    book.save(path)
    return path


def open_dialog(ctx, qtbot, path, entity="company"):
    dialog = ImportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.entity.setCurrentIndex(dialog.entity.findData(entity))
    dialog.load(str(path))
    return dialog


def check(qtbot, dialog):
    dialog.report.clear()
    dialog.check_rows()
    qtbot.waitUntil(lambda: "bliver importeret" in dialog.report.toPlainText(), timeout=10000)
    return dialog.report.toPlainText().splitlines()


def test_preview_rows_are_numbered_as_in_the_spreadsheet(ctx, qtbot, tmp_path):
    dialog = open_dialog(ctx, qtbot, company_sheet(tmp_path / "virksomheder.xlsx"))
    labels = [dialog.table.verticalHeaderItem(i).text() for i in range(dialog.table.rowCount())]
    assert labels == ["Felt", "2", "4", "5"]  # row 3 is blank in the sheet
    assert dialog.file_label.text() == "virksomheder.xlsx · 3 rækker"
    lines = check(qtbot, dialog)
    assert lines[0] == "2 rækker bliver importeret, 1 afvises."
    assert lines[1].startswith("Række 5: CVR-nummeret er ikke gyldigt")  # the row Farsø Bageri is on in the sheet


def test_a_rerun_says_findes_allerede_and_the_contacts_are_made(ctx, qtbot, tmp_path):
    path = company_sheet(tmp_path / "virksomheder.xlsx")
    dialog = open_dialog(ctx, qtbot, path)
    assert [box.currentData() for box in dialog.mapping_boxes][-1] == "contact_name"
    assert dialog.mapping_boxes[-1].currentText() == "Kontaktperson"
    check(qtbot, dialog)
    dialog.do_import()
    qtbot.waitUntil(lambda: "importeret." in dialog.report.toPlainText().splitlines()[-1], timeout=10000)
    assert dialog.report.toPlainText().splitlines()[-1] == "2 rækker importeret. 2 kontaktpersoner tilføjet."
    with ctx.db.read() as session:
        companies = list_companies(session).items
        assert sorted(p.name for c in companies for p in list_contacts(session, c.id)) == [
            "Aysel Lindberg", "Jørgen Frølund"]
    lines = check(qtbot, dialog)
    assert lines[0] == "0 rækker bliver importeret, 2 findes allerede, 1 afvises."
    assert "Række 2: Jammerbugt Rengøring ApS findes allerede (CVR-nummer 29403473)." in lines
    assert not dialog.import_button.isEnabled()


def test_contacts_from_the_company_sheet_map_navn_to_the_company(ctx, qtbot, tmp_path):
    ops = ctx.ops()
    ops.create_company(name="Jammerbugt Rengøring ApS", cvr="29403473", city="Brovst")
    dialog = open_dialog(ctx, qtbot, company_sheet(tmp_path / "virksomheder.xlsx"), "contact")
    assert [box.currentText() for box in dialog.mapping_boxes] == [
        "Virksomhedens navn", "Virksomhedens CVR", "(spring over)", "(spring over)", "Navn"]
    lines = check(qtbot, dialog)
    assert lines[0] == "1 række bliver importeret, 2 afvises."


def test_counts_are_singular_and_plural():
    assert counted(1, "1 række", "%1 rækker") == "1 række"
    assert [counted(n, "1 række", "%1 rækker") for n in (0, 2, 1000)] == ["0 rækker", "2 rækker", "1000 rækker"]
    assert counted(1000, "1 række", "%1 rækker", "1.000") == "1.000 rækker"
