"""Every list screen is driven through its filters, pages and export while a guard checks that no
widget is read off the GUI thread (Qt forbids it; the page reads run on the database worker)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QFileDialog, QLineEdit, QPushButton

from desktop.ui.operation import Op
from tests.ui.guards import ThreadGuard


@pytest.fixture
def guard(monkeypatch):
    guard = ThreadGuard(monkeypatch)
    guard.widgets_only_on_gui()
    return guard


def list_screens(window):
    """Every screen built on ListScreen (found, not listed, so a new one is driven too)."""
    from desktop.ui.screens.list_screen import ListScreen

    assert window.screens  # screens are built on first use: build them all before looking for them
    screens = window.findChildren(ListScreen)
    assert {type(s).__name__ for s in screens} >= {"CompanyList", "VisitList", "OpeningsScreen", "MentorsScreen",
                                                   "FollowUpsScreen"}
    return screens


def show(window, screen, qtbot):
    """Bring the sidebar entry that holds ``screen`` to the front."""
    for row, (_title, page) in enumerate(window.screens):
        if page is screen or page.isAncestorOf(screen):
            window.sidebar.setCurrentRow(row)
            if hasattr(page, "show_list"):
                page.show_list()
    qtbot.waitUntil(screen.isVisible, timeout=5000)


def loads(qtbot, screen, action) -> None:
    """Do ``action`` and wait for the page it asks for."""
    with qtbot.waitSignal(screen.model.loaded, timeout=5000):
        action()


def drive(screen, qtbot, tmp_path, monkeypatch) -> None:
    """Search, flip every filter, fetch every page and export, as a consultant would."""
    model = screen.model
    model.page_size = 1  # one row a page: every row after the first comes through fetchMore
    loads(qtbot, screen, model.refresh)

    def fetched_all() -> bool:  # the view asks for pages too; ask for the next one whenever it may be asked for
        if model.canFetchMore():
            model.fetchMore()
        return len(model.rows) == model.total

    qtbot.waitUntil(fetched_all, timeout=5000)
    if screen.search.isVisibleTo(screen):
        loads(qtbot, screen, lambda: qtbot.keyClicks(screen.search, "a"))
        loads(qtbot, screen, screen.search.clear)
    for box in screen.findChildren(QCheckBox):
        loads(qtbot, screen, box.toggle)
        loads(qtbot, screen, box.toggle)
    for combo in screen.findChildren(QComboBox):
        for index in [*range(1, combo.count()), 0] if combo.count() > 1 else []:
            loads(qtbot, screen, lambda c=combo, i=index: c.setCurrentIndex(i))
    for column in range(model.columnCount()):
        if model.columns[column].sort and model.columns[column].sort != model.sort_key:
            loads(qtbot, screen, lambda c=column: model.sort(c, Qt.SortOrder.DescendingOrder))
            break
    export = screen.findChild(QPushButton, "export")
    if export is not None:
        target = tmp_path / f"{type(screen).__name__}.csv"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
        qtbot.mouseClick(export, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: screen.property("last_export") is not None, timeout=10000)
        assert target.exists()


def test_list_screens_read_no_widget_off_the_gui_thread(window, seeded, qtbot, tmp_path, monkeypatch, guard):
    screens = list_screens(window)
    for screen in screens:
        show(window, screen, qtbot)
        drive(screen, qtbot, tmp_path, monkeypatch)
    window.ctx.tasks.wait_idle()
    qtbot.wait(50)  # the last results reach the GUI thread
    assert guard.violations == []
    # The guard was live: the screens read their filters, on the GUI thread.
    assert any(name == "QLineEdit.text" and gui for name, gui in guard.calls)
    assert any(name.endswith("isChecked") and gui for name, gui in guard.calls)


def test_every_other_screen_too(window, seeded, qtbot, guard):
    """Today, conflicts, reports and review read their widgets before they hand work to the worker."""
    for row, (_title, screen) in enumerate(window.screens):
        window.sidebar.setCurrentRow(row)
        qtbot.waitUntil(screen.isVisible, timeout=5000)
    window.review.tabs.setCurrentIndex(1)
    overview = window.review.overview
    overview.start.set_value(overview.start.parsed() - timedelta(days=40))
    overview.refresh()
    window.ctx.tasks.wait_idle()
    qtbot.wait(50)
    assert guard.violations == []


def test_the_guard_catches_a_widget_read_on_the_worker(ctx, qtbot, guard):
    """The guard can fail: reading a line edit inside the work (the old list screens did) is caught."""
    box = QLineEdit("Aars")
    results = []
    Op.read(ctx, lambda _session: box.text()).success(results.append).run()
    qtbot.waitUntil(lambda: results == ["Aars"], timeout=5000)
    assert guard.violations == ["QLineEdit.text on thread feltbog-db_0"]
