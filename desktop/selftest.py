"""``python -m desktop --self-test``: prove this installation works end to end.

Opens (and migrates) a database in a temporary folder, writes a record
through the normal operations, reads it back and finds it by search; then
checks that resources and the Danish translation are there, renders a PDF
with the embedded font, and reports the keychain backend. Frozen builds run
it as their smoke test.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path


def _check_database(folder: Path) -> str:
    from desktop.models import Database, Operations
    from desktop.models.outbox import pending_count
    from desktop.models.record_queries import get_record
    from desktop.models.search import search

    db = Database.in_folder(folder)
    try:
        result = Operations(db).create_company(name="Selvtest Tømrer ApS", cvr="")
        with db.read() as session:
            record = get_record(session, "company", result.id)
            assert record is not None and record.fields["name"] == "Selvtest Tømrer ApS"
            assert [h.id for h in search(session, "toemr")] == [result.id]
            assert pending_count(session) == 1
    finally:
        db.close()
    return "database: migrated, wrote, read and searched a record"


def _check_resources(_folder: Path) -> str:
    from desktop.paths import resource

    needed = [resource("fonts", "DejaVuSans.ttf"), resource("icons", "feltbog.svg"),
              resource("translations", "feltbog_da.qm"), resource("styles", "feltbog.qss")]
    missing = [str(p) for p in needed if not p.is_file()]
    assert not missing, f"missing: {missing}"
    return f"resources: found in {needed[0].parent.parent}"


def _check_translations(_folder: Path) -> str:
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QTranslator

    from desktop.paths import resource

    app = QCoreApplication.instance() or QCoreApplication([])
    translator = QTranslator()
    assert translator.load(str(resource("translations", "feltbog_da.qm"))), "the Danish translation did not load"
    app.installTranslator(translator)
    word = QCoreApplication.translate("", "Companies")
    app.removeTranslator(translator)
    assert word == "Virksomheder", word
    return "translations: Danish loads (Companies -> Virksomheder)"


def _check_pdf(folder: Path) -> str:
    from desktop.models import Database, Operations
    from desktop.reports import centre_catalogue_data, render_pdf

    db = Database.in_folder(folder / "pdf")
    try:
        Operations(db).create_company(name="Ågade Virksomhedscenter", is_centre=True, centre_places=4,
                                      centre_work_areas="rengøring, køkken")
        with db.read() as session:
            data = centre_catalogue_data(session)
    finally:
        db.close()
    path = render_pdf(data, folder / "selftest.pdf")
    head = path.read_bytes()[:5]
    assert head == b"%PDF-", head
    return f"PDF: rendered {path.stat().st_size:,} bytes with the embedded Unicode font"


def _check_keyring(_folder: Path) -> str:
    from desktop.credentials import Credentials

    return f"keychain: {Credentials().backend_description()}" + (
        "" if Credentials.keychain_available() else " (none usable: sign-in kept for the session only)"
    )


def _check_sqlcipher(folder: Path) -> str:
    import secrets

    from desktop.models.encryption import SQLITE_HEADER, connect

    # A random key used only here: the self-test never writes to the real keychain.
    key, path = secrets.token_hex(32), folder / "cipher.sqlite"
    conn = connect(path, key)
    try:
        conn.execute("CREATE VIRTUAL TABLE t USING fts5(body)")
        conn.execute("INSERT INTO t VALUES ('selvtest krypteret')")
        conn.commit()
        version = conn.execute("PRAGMA cipher_version").fetchone()[0]
    finally:
        conn.close()
    assert path.read_bytes()[:16] != SQLITE_HEADER, "the file was not encrypted"
    return f"encryption: SQLCipher {version} with FTS5"


def _check_calendar(folder: Path) -> str:
    from datetime import UTC, date, datetime

    from icalendar import Calendar

    from desktop.exchange.calendar_feed import CalendarEvent, calendar_bytes

    event = CalendarEvent("selvtest@feltbog", date(2026, 11, 23), "Opfølgning", "Ågade ApS", "feltbog://company/x",
                          datetime(2026, 11, 23, tzinfo=UTC))
    path = folder / "selvtest.ics"
    path.write_bytes(calendar_bytes([event]))
    [parsed] = Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    assert str(parsed["SUMMARY"]) == "Opfølgning – Ågade ApS", parsed["SUMMARY"]
    return "calendar: wrote and read back an .ics (icalendar)"


def _check_tls(_folder: Path) -> str:
    import ssl

    import truststore

    context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # the bundle has truststore and its OS backend
    assert context.verify_mode == ssl.CERT_REQUIRED
    return f"TLS: certificates verified with the OS trust store (truststore {truststore.__version__})"


def _check_preset(_folder: Path) -> str:
    """What IT preset on this computer (desktop/preset.py): a quick check after a roll-out."""
    from desktop.preset import load_preset

    preset = load_preset()
    if not preset.sources:
        return "preset: none (the consultant types the server address)"
    locked = " (locked)" if preset.server_locked else ""
    return (f"preset: server {preset.server_url or '-'}{locked}, sign-in {preset.sign_in_method}, "
            f"from {', '.join(preset.sources)}")


CHECKS: list[Callable[[Path], str]] = [
    _check_database, _check_resources, _check_translations, _check_pdf, _check_keyring, _check_sqlcipher,
    _check_calendar, _check_tls, _check_preset,
]


def run_self_test(print_line: Callable[[str], None] = print) -> int:
    """Run every check in a temporary folder; return a process exit code."""
    failures = 0
    with tempfile.TemporaryDirectory(prefix="feltbog-selftest-") as tmp:
        for check in CHECKS:
            try:
                print_line(f"ok   {check(Path(tmp))}")
            except Exception as exc:  # report every failing check
                failures += 1
                print_line(f"FAIL {check.__name__}: {exc!r}")
    print_line("self-test passed" if not failures else f"self-test failed ({failures})")
    return 1 if failures else 0
