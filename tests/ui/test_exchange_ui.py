"""Save as PDF, export a list, import a messy CSV: as a consultant would, with the file dialogs answered."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtWidgets import QFileDialog

from desktop.models.outbox import pending_count
from desktop.models.queries import list_companies


def answer_save_dialog(monkeypatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    monkeypatch.setattr("desktop.ui.screens.reports.QDesktopServices.openUrl", lambda url: True)


def test_centre_catalogue_is_saved_as_pdf_with_danish_letters(window, seeded, qtbot, monkeypatch, tmp_path):
    target = tmp_path / "katalog.pdf"
    answer_save_dialog(monkeypatch, target)
    window.sidebar.setCurrentRow(7)
    window.reports.kind.setCurrentIndex(0)
    window.reports.save()
    qtbot.waitUntil(target.exists, timeout=15000)
    qtbot.waitUntil(lambda: window.reports.property("last_pdf") == str(target), timeout=15000)
    text = "".join(page.extract_text() for page in PdfReader(str(target)).pages)
    assert "Virksomhedscenterkatalog" in text and "Vesthimmerland Virksomhedscenter" in text


def test_visit_summary_pdf_from_the_editor(window, seeded, qtbot, monkeypatch, tmp_path):
    target = tmp_path / "referat.pdf"
    answer_save_dialog(monkeypatch, target)
    window.open_visit(seeded["visit"])
    editor = window.visits.editor
    qtbot.waitUntil(lambda: editor.record is not None, timeout=5000)
    editor.save_pdf()
    qtbot.waitUntil(lambda: editor.property("last_pdf") == str(target), timeout=15000)
    text = "".join(page.extract_text() for page in PdfReader(str(target)).pages)
    assert "Jammerbugt Rengøring ApS" in text and "Faglærte gør rent." in text


def test_company_list_exports_to_excel_and_csv(window, seeded, qtbot, monkeypatch, tmp_path):
    window.sidebar.setCurrentRow(1)
    companies = window.companies.list
    for name in ("virksomheder.xlsx", "virksomheder.csv"):
        target = tmp_path / name
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, t=target, **k: (str(t), ""))
        companies.export_list()
        qtbot.waitUntil(lambda t=target: companies.property("last_export") == str(t), timeout=10000)
    csv_text = (tmp_path / "virksomheder.csv").read_text(encoding="utf-8-sig")
    assert "Jammerbugt Rengøring ApS" in csv_text and ";" in csv_text


def test_import_of_a_danish_excel_csv_reports_refused_rows_and_imports_the_rest(ctx, qtbot, tmp_path):
    from desktop.ui.dialogs.import_dialog import ImportDialog

    source = tmp_path / "virksomheder.csv"
    source.write_bytes(
        "Virksomhedsnavn;CVR-nr.;Postnr.;By;Telefon\n"
        "Løgstør Tømrer ApS;;9670;Løgstør;98 67 00 00\n"
        "\n"
        "Farsø Bageri;12345678;9640;Farsø;\n"
        "Aars Auto;;9600;Aars;96 98 00 00\n"
        "Aars Auto;;9600;Aars;96 98 00 00\n".encode("cp1252")
    )
    dialog = ImportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.load(str(source))
    assert [box.currentData() for box in dialog.mapping_boxes] == ["name", "cvr", "postcode", "city", "phone"]
    dialog.check_rows()
    qtbot.waitUntil(dialog.import_button.isEnabled, timeout=10000)
    report = dialog.report.toPlainText()
    assert report.startswith("2 rækker bliver importeret, 2 afvises.")
    assert "kontrolcifferet" in report
    dialog.do_import()
    qtbot.waitUntil(lambda: "2 rækker importeret." in dialog.report.toPlainText(), timeout=10000)
    with ctx.db.read() as session:
        assert sorted(c.name for c in list_companies(session).items) == ["Aars Auto", "Løgstør Tømrer ApS"]
        assert pending_count(session) == 2  # imported rows sync like typed ones
